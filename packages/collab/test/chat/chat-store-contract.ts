// The chat half of the store contract (SPEC: CHAT-4): one suite every store passes, registered by
// test/chat/chat-store.test.ts with each store's factory.
import { describe, expect, it } from 'vitest';
import { storesOf, type StoreFactory } from '../store-contract.js';

const ada = { id: 'ada', name: 'Ada' };
const bob = { id: 'bob' };
const draft = (text: string, author: { id: string; name?: string } = ada) => ({ author, text, sentAt: 1_764_633_600_000 });

export function chatStoreContract(label: string, factory: StoreFactory): void {
  describe(`[CHAT-4] chat store contract: ${label}`, () => {
    const { open, opened } = storesOf(factory);

    it('[CHAT-4] appends get serials 1, 2, 3… per room, kept as sent; an unknown room has none', async () => {
      const store = await open();
      expect(await store.chatPage('none', { limit: 10 })).toEqual({ messages: [], hasMore: false });
      expect(await store.appendChat('a', draft('one'))).toEqual({ serial: 1, author: ada, text: 'one', sentAt: 1_764_633_600_000 });
      expect((await store.appendChat('ab', draft('other room', bob))).serial).toBe(1);
      expect((await store.appendChat('a', draft('two "quoted" ünïcode ✓'))).serial).toBe(2);
      const page = await store.chatPage('a', { limit: 10 });
      expect(page.messages.map((m) => [m.serial, m.text, m.author])).toEqual([[1, 'one', ada], [2, 'two "quoted" ünïcode ✓', ada]]);
      expect(page.hasMore).toBe(false);
    });

    it('[CHAT-4] [CHAT-3] a draft with an id the room already has is not stored again: the first message comes back', async () => {
      const store = await open();
      const first = await store.appendChat('r', { ...draft('once'), id: 'ada 1' });
      await store.appendChat('r', draft('between'));
      expect(await store.appendChat('r', { ...draft('once, resent'), id: 'ada 1' })).toEqual(first);
      expect((await store.appendChat('other', { ...draft('elsewhere'), id: 'ada 1' })).serial).toBe(1); // per room
      const again = await Promise.all([1, 2, 3].map(() => store.appendChat('r', { ...draft('racing'), id: 'ada 2' })));
      expect(new Set(again.map((m) => m.serial))).toEqual(new Set([3]));
      expect((await store.chatPage('r', { limit: 10 })).messages.map((m) => m.text)).toEqual(['once', 'between', 'racing']);
    });

    it('[CHAT-4] concurrent appends get distinct serials with no gap', async () => {
      const store = await open();
      const sent = await Promise.all(Array.from({ length: 25 }, (_, i) => store.appendChat('r', draft(`m${i}`))));
      expect(sent.map((m) => m.serial).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      const page = await store.chatPage('r', { limit: 100 });
      expect(page.messages.map((m) => m.serial)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      for (const m of sent) expect(page.messages[m.serial - 1]!.text).toBe(m.text);
    });

    it('[CHAT-4] pages: the newest `limit` before a serial, or the oldest after one, ascending, with hasMore', async () => {
      const store = await open();
      for (let i = 1; i <= 7; i++) await store.appendChat('r', draft(`m${i}`));
      const serials = async (q: { before?: number; after?: number; limit: number }) => {
        const p = await store.chatPage('r', q);
        return [p.messages.map((m) => m.serial), p.hasMore];
      };
      expect(await serials({ limit: 3 })).toEqual([[5, 6, 7], true]);
      expect(await serials({ before: 5, limit: 3 })).toEqual([[2, 3, 4], true]);
      expect(await serials({ before: 3, limit: 3 })).toEqual([[1, 2], false]);
      expect(await serials({ before: 1, limit: 3 })).toEqual([[], false]);
      expect(await serials({ after: 0, limit: 3 })).toEqual([[1, 2, 3], true]);
      expect(await serials({ after: 5, limit: 3 })).toEqual([[6, 7], false]);
      expect(await serials({ after: 7, limit: 3 })).toEqual([[], false]);
    });

    it('[CHAT-4] [CHAT-6] an edit or delete by the author changes the message; anyone else is refused, and a deleted one stays deleted', async () => {
      const store = await open();
      await store.appendChat('r', draft('hello'));
      expect(await store.changeChat('r', 1, 'bob', { text: 'mine now', editedAt: 5 })).toEqual({ refused: 'forbidden' });
      expect(await store.changeChat('r', 2, 'ada', { text: 'none', editedAt: 5 })).toEqual({ refused: 'not_found' });
      expect(await store.changeChat('r', 1, 'ada', { text: 'hello!', editedAt: 5 })).toEqual({ message: { serial: 1, author: ada, text: 'hello!', sentAt: 1_764_633_600_000, editedAt: 5, rev: 1 } });
      expect(await store.changeChat('r', 1, 'ada', { deleted: true, editedAt: 6 })).toEqual({ message: { serial: 1, author: ada, text: '', sentAt: 1_764_633_600_000, editedAt: 6, deleted: true, rev: 2 } });
      expect(await store.changeChat('r', 1, 'ada', { text: 'again', editedAt: 7 })).toEqual({ refused: 'not_found' });
      expect((await store.chatPage('r', { limit: 5 })).messages).toEqual([{ serial: 1, author: ada, text: '', sentAt: 1_764_633_600_000, editedAt: 6, deleted: true, rev: 2 }]);
      expect((await store.appendChat('r', draft('next'))).serial).toBe(2); // a delete frees no serial
    });

    it('[CHAT-14] a message\'s pictures are kept with it; an edit keeps them, a delete takes them', async () => {
      const store = await open();
      const images = [`asset:${'a'.repeat(64)}`, `asset:${'b'.repeat(64)}`];
      const sent = await store.appendChat('r', { ...draft(''), images });
      expect(sent).toEqual({ serial: 1, author: ada, text: '', sentAt: 1_764_633_600_000, images });
      expect((await store.chatPage('r', { limit: 5 })).messages).toEqual([sent]);
      expect(await store.changeChat('r', 1, 'ada', { text: 'the plan', editedAt: 5 })).toEqual({ message: { ...sent, text: 'the plan', editedAt: 5, rev: 1 } });
      expect(await store.changeChat('r', 1, 'ada', { deleted: true, editedAt: 6 })).toEqual({ message: { serial: 1, author: ada, text: '', sentAt: 1_764_633_600_000, editedAt: 6, deleted: true, rev: 2 } });
      expect((await store.appendChat('r', draft('plain'))).images).toBeUndefined();
    });

    it('[CHAT-15] reactions: anyone gives or takes back an emoji; each change raises rev; an edit keeps them, a delete takes them', async () => {
      const store = await open();
      const sent = await store.appendChat('r', draft('lunch?'));
      const react = (by: { id: string; name?: string }, emoji: string, on = true) => store.changeChat('r', 1, by.id, { react: emoji, on, by });
      expect(await react(bob, '👍')).toEqual({ message: { ...sent, reactions: [{ emoji: '👍', users: [bob] }], rev: 1 } });
      expect(await react(ada, '🎉')).toEqual({ message: { ...sent, reactions: [{ emoji: '👍', users: [bob] }, { emoji: '🎉', users: [ada] }], rev: 2 } });
      expect(await react(ada, '👍')).toEqual({ message: { ...sent, reactions: [{ emoji: '👍', users: [bob, ada] }, { emoji: '🎉', users: [ada] }], rev: 3 } });
      // Given twice, or taken back when never given: nothing changes, rev included.
      const revAfter = (r: Awaited<ReturnType<typeof react>>) => ('message' in r ? r.message.rev : r.refused);
      expect(revAfter(await react(ada, '👍'))).toBe(3);
      expect(revAfter(await react(bob, '🎉', false))).toBe(3);
      expect(await react(bob, '👍', false)).toEqual({ message: { ...sent, reactions: [{ emoji: '👍', users: [ada] }, { emoji: '🎉', users: [ada] }], rev: 4 } });
      expect(await react(ada, '👍', false)).toEqual({ message: { ...sent, reactions: [{ emoji: '🎉', users: [ada] }], rev: 5 } });
      expect(await store.changeChat('r', 1, 'ada', { text: 'lunch at 1?', editedAt: 9 })).toEqual({ message: { ...sent, text: 'lunch at 1?', editedAt: 9, reactions: [{ emoji: '🎉', users: [ada] }], rev: 6 } });
      expect((await store.chatPage('r', { limit: 5 })).messages[0]).toEqual({ ...sent, text: 'lunch at 1?', editedAt: 9, reactions: [{ emoji: '🎉', users: [ada] }], rev: 6 });
      expect(await react(ada, '🎉', false)).toEqual({ message: { ...sent, text: 'lunch at 1?', editedAt: 9, rev: 7 } });
      await react(bob, '👀');
      expect(await store.changeChat('r', 1, 'ada', { deleted: true, editedAt: 10 })).toEqual({ message: { serial: 1, author: ada, text: '', sentAt: sent.sentAt, editedAt: 10, deleted: true, rev: 9 } });
      expect(await react(bob, '👍')).toEqual({ refused: 'not_found' });
      expect(await store.changeChat('r', 2, 'bob', { react: '👍', on: true, by: bob })).toEqual({ refused: 'not_found' });
    });

    it('[CHAT-15] reactions at once from many people all land; a message holds at most 20 different emoji', async () => {
      const store = await open();
      await store.appendChat('r', draft('vote'));
      const people = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}` }));
      const results = await Promise.all(people.map((by, i) => store.changeChat('r', 1, by.id, { react: i % 2 ? '👍' : '👎', on: true, by })));
      expect(results.every((r) => 'message' in r)).toBe(true);
      const [stored] = (await store.chatPage('r', { limit: 1 })).messages;
      expect(new Set(stored!.reactions!.flatMap((r) => r.users.map((u) => u.id)))).toEqual(new Set(people.map((p) => p.id)));
      expect(stored!.reactions!.map((r) => r.users.length).sort()).toEqual([6, 6]);
      expect(stored!.rev).toBe(12);
      const emoji = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙'];
      for (const e of emoji) expect('message' in (await store.changeChat('r', 1, 'ada', { react: e, on: true, by: ada }))).toBe(true);
      expect(await store.changeChat('r', 1, 'ada', { react: '🙂', on: true, by: ada })).toEqual({ message: expect.objectContaining({ serial: 1 }) }); // the 20th
      expect(await store.changeChat('r', 1, 'ada', { react: '🙃', on: true, by: ada })).toEqual({ refused: 'too_many' });
      expect('message' in (await store.changeChat('r', 1, 'bob', { react: '🙂', on: true, by: bob }))).toBe(true); // one already there still takes people
    });

    it('[CHAT-16] a reply keeps the quote of what it answers; an edit or a reaction keeps it, a delete takes it', async () => {
      const store = await open();
      const quote = { serial: 1, author: bob, text: 'who takes the notes?' };
      const sent = await store.appendChat('r', { ...draft('me'), replyTo: quote });
      expect(sent).toEqual({ serial: 1, author: ada, text: 'me', sentAt: 1_764_633_600_000, replyTo: quote });
      expect((await store.chatPage('r', { limit: 5 })).messages).toEqual([sent]);
      expect(await store.changeChat('r', 1, 'ada', { text: 'me!', editedAt: 5 })).toEqual({ message: { ...sent, text: 'me!', editedAt: 5, rev: 1 } });
      expect(await store.changeChat('r', 1, 'bob', { react: '🙏', on: true, by: bob })).toEqual({ message: { ...sent, text: 'me!', editedAt: 5, reactions: [{ emoji: '🙏', users: [bob] }], rev: 2 } });
      expect(await store.changeChat('r', 1, 'ada', { deleted: true, editedAt: 6 })).toEqual({ message: { serial: 1, author: ada, text: '', sentAt: 1_764_633_600_000, editedAt: 6, deleted: true, rev: 3 } });
    });

    it('[CHAT-4] [CHAT-9] read positions per user only rise', async () => {
      const store = await open();
      expect(await store.chatRead('r', 'ada')).toBe(0);
      expect(await store.setChatRead('r', 'ada', 4)).toBe(4);
      expect(await store.setChatRead('r', 'ada', 2)).toBe(4);
      expect(await store.setChatRead('r', 'bob', 1)).toBe(1);
      expect([await store.chatRead('r', 'ada'), await store.chatRead('r', 'bob'), await store.chatRead('other', 'ada')]).toEqual([4, 1, 0]);
    });

    it('[CHAT-4] delete forgets a room\'s chat too, and one room only', async () => {
      const store = await open();
      await store.appendChat('gone', draft('x'));
      await store.setChatRead('gone', 'ada', 1);
      await store.appendChat('kept', draft('y'));
      await store.delete('gone');
      expect(await store.chatPage('gone', { limit: 5 })).toEqual({ messages: [], hasMore: false });
      expect(await store.chatRead('gone', 'ada')).toBe(0);
      expect((await store.appendChat('gone', draft('z'))).serial).toBe(1);
      expect((await store.chatPage('kept', { limit: 5 })).messages).toHaveLength(1);
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('[CHAT-4] chat and read positions are there after a reopen; serials continue', async () => {
        const store = await open();
        await store.appendChat('r', draft('one'));
        await store.appendChat('r', draft('two'));
        await store.setChatRead('r', 'ada', 2);
        await store.close();
        const again = await reopen(store);
        opened.push(again);
        expect((await again.chatPage('r', { limit: 5 })).messages.map((m) => m.text)).toEqual(['one', 'two']);
        expect(await again.chatRead('r', 'ada')).toBe(2);
        expect((await again.appendChat('r', draft('three'))).serial).toBe(3);
      });
    }
  });
}
