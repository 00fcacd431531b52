// [CHAT-1…9] Chat on a real server: requests by call, events on /rooms/<id>/chat, the member's window.
import { describe, expect, it } from 'vitest';
import { eventually, newClient, onCleanup, startKuiper } from '@kuiper/testkit';
import { chatServiceChannel, MemoryStore, roomChannels, type ChatEvent, type Room } from '../../src/index.js';
import { attachCollab } from '../../src/server/index.js';
import { member, startCollab } from './helpers.js';

const texts = (room: Room): string[] => room.chat.messages().map((m) => m.text);
const serials = (room: Room): number[] => room.chat.messages().map((m) => m.serial);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Users by the handshake's ext: the security policy vouches for `data.user`, as a login would. */
const byHandshake = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { user: m.ext?.['user'] ?? null } }) } };
const as = (id: string, name?: string) => ({ ext: { user: name === undefined ? { id } : { id, name } } });

describe('chat on one server', () => {
  it('[CHAT-1] [CHAT-4] [CHAT-5] send resolves with the server\'s serial; every member\'s window shows 1, 2, 3… in order', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'talk').room;
    const bob = member(server.url, 'talk').room;
    await Promise.all([ada.synced, bob.synced]);
    const events: ChatEvent[] = [];
    bob.chat.subscribe((e) => events.push(e));
    const first = await ada.chat.send('hello');
    expect(first.serial).toBe(1);
    expect(first.text).toBe('hello');
    await bob.chat.send('hi ada');
    await ada.chat.send('how are you');
    await eventually(() => expect(texts(bob)).toEqual(['hello', 'hi ada', 'how are you']));
    await eventually(() => expect(texts(ada)).toEqual(['hello', 'hi ada', 'how are you']));
    expect(serials(bob)).toEqual([1, 2, 3]);
    expect(events.map((e) => [e.type, e.message.serial])).toEqual([['message', 1], ['message', 2], ['message', 3]]);
    const snapshot = bob.chat.messages();
    expect(bob.chat.messages()).toBe(snapshot); // the same array until it changes
  });

  it('[CHAT-1] a client that has not entered the room is refused not_a_member; a malformed request is message_invalid', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'closed').room;
    await ada.synced;
    const stranger = newClient(server.url);
    const answer = (await stranger.call(chatServiceChannel('closed'), { v: 1, type: 'chat-send', text: 'let me in' })) as Record<string, unknown>;
    expect([answer['ok'], answer['code']]).toEqual([false, 'not_a_member']);
    // Only the server publishes chat events: a forged one is refused and reaches nobody.
    const forged = { v: 1, type: 'chat', event: 'message', message: { serial: 1, author: { id: 'ada' }, text: 'forged', sentAt: 1 } };
    await expect(stranger.publish(roomChannels('closed').chat, forged)).rejects.toThrow(/publish_denied/);
    const member2 = member(server.url, 'closed').client;
    await expect(member2.publish(roomChannels('closed').chat, forged)).rejects.toThrow(/publish_denied/);
    await ada.chat.send('real');
    await eventually(() => expect(texts(ada)).toEqual(['real']));
    await expect(ada.chat.send('')).rejects.toMatchObject({ code: 'message_invalid' });
    await expect(ada.chat.send('x'.repeat(4001))).rejects.toMatchObject({ code: 'message_invalid' });
    expect(texts(ada)).toEqual(['real']);
  });

  it('[CHAT-2] the author is the session\'s user (the security policy\'s data.user), never a field of the message', async () => {
    const server = await startCollab({}, byHandshake);
    const ada = member(server.url, 'who', {}, as('u-ada', 'Ada')).room;
    const anon = member(server.url, 'who').room;
    await Promise.all([ada.synced, anon.synced]);
    const sent = await ada.chat.send('signed');
    expect(sent.author).toEqual({ id: 'u-ada', name: 'Ada' });
    // A forged author in the body is ignored: the raw request carries one, the stored message does not.
    const raw = member(server.url, 'who', {}, as('u-bob')).client;
    await eventually(async () => {
      const a = (await raw.call(chatServiceChannel('who'), { v: 1, type: 'chat-send', text: 'forged', author: { id: 'u-ada' } })) as { ok: boolean; message?: { author: unknown } };
      expect(a.ok).toBe(true);
      expect(a.message?.author).toEqual({ id: 'u-bob' });
    });
    const mine = await anon.chat.send('no user');
    expect(mine.author.id).toMatch(/\S/); // the connection id: no session user
    expect(mine.author.id).not.toBe('u-ada');
  });

  it('[CHAT-2] the authorize grant\'s user wins over the session\'s', async () => {
    const server = await startCollab({ authorize: () => ({ canWrite: true, user: { id: 'granted', name: 'G' } }) }, byHandshake);
    const ada = member(server.url, 'granted', {}, as('u-ada')).room;
    await ada.synced;
    expect((await ada.chat.send('x')).author).toEqual({ id: 'granted', name: 'G' });
  });

  it('[CHAT-5] history hand-off under concurrent sends: a member entering while others send sees every message once, in order', async () => {
    const server = await startCollab();
    const writers = [member(server.url, 'busy').room, member(server.url, 'busy').room];
    await Promise.all(writers.map((w) => w.synced));
    for (let i = 0; i < 30; i++) await writers[i % 2]!.chat.send(`early ${i}`);
    let sending = true;
    let sent = 30;
    const pump = (async () => {
      for (let i = 0; sending && i < 400; i++) {
        await Promise.all(writers.map((w, k) => w.chat.send(`live ${i}.${k}`)));
        sent += 2;
      }
    })();
    const late = member(server.url, 'busy').room; // its join's page and the live events overlap
    await late.synced;
    await eventually(() => expect(late.chat.messages().length).toBeGreaterThan(0));
    await eventually(() => expect(late.chat.messages().at(-1)!.serial).toBeGreaterThan(late.chat.messages()[0]!.serial + 10));
    sending = false;
    await pump;
    await eventually(() => expect(late.chat.messages().at(-1)?.serial).toBe(sent));
    const window = serials(late);
    expect(window).toEqual(range(window[0]!, sent)); // no gap, no duplicate
    while (await late.chat.loadOlder(20));
    expect(serials(late)).toEqual(range(1, sent));
    expect(texts(late).slice(0, 2)).toEqual(['early 0', 'early 1']);
  }, 30_000);

  it('[CHAT-5] history pages backwards by cursor: the newest `limit` before `before`, ascending, with hasMore', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'pages').room;
    await ada.synced;
    for (let i = 1; i <= 12; i++) await ada.chat.send(`m${i}`);
    const newest = await ada.chat.history({ limit: 5 });
    expect([newest.messages.map((m) => m.serial), newest.hasMore]).toEqual([[8, 9, 10, 11, 12], true]);
    const older = await ada.chat.history({ before: 8, limit: 5 });
    expect([older.messages.map((m) => m.serial), older.hasMore]).toEqual([[3, 4, 5, 6, 7], true]);
    const oldest = await ada.chat.history({ before: 3, limit: 5 });
    expect([oldest.messages.map((m) => m.text), oldest.hasMore]).toEqual([['m1', 'm2'], false]);
  });

  it('[CHAT-6] edits and deletes of one\'s own messages are events every member sees; someone else\'s is forbidden', async () => {
    const server = await startCollab({}, byHandshake);
    const ada = member(server.url, 'edits', {}, as('ada')).room;
    const bob = member(server.url, 'edits', {}, as('bob')).room;
    await Promise.all([ada.synced, bob.synced]);
    const events: string[] = [];
    bob.chat.subscribe((e) => events.push(`${e.type}:${e.message.serial}:${e.message.text}`));
    const m = await ada.chat.send('teh typo');
    const edited = await ada.chat.edit(m.serial, 'the typo');
    expect(edited.editedAt).toBeGreaterThanOrEqual(m.sentAt);
    await expect(bob.chat.edit(m.serial, 'hijacked')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(bob.chat.delete(m.serial)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(ada.chat.edit(99, 'nothing there')).rejects.toMatchObject({ code: 'not_found' });
    await ada.chat.delete(m.serial);
    await expect(ada.chat.edit(m.serial, 'back from the dead')).rejects.toMatchObject({ code: 'not_found' });
    await eventually(() => expect(events).toEqual(['message:1:teh typo', 'edit:1:the typo', 'delete:1:']));
    expect(bob.chat.messages()).toEqual([expect.objectContaining({ serial: 1, text: '', deleted: true })]);
    const late = member(server.url, 'edits').room; // the stored state, not the history of it
    await late.synced;
    await eventually(() => expect(late.chat.messages()).toEqual([expect.objectContaining({ serial: 1, text: '', deleted: true })]));
  });

  it('[CHAT-15] reactions: anyone reacts to any message, everyone sees who, taking one back removes it; a viewer and a deleted message are refused', async () => {
    const server = await startCollab({ authorize: (_room, session) => ({ canWrite: (session.data as { user?: { id?: string } } | null)?.user?.id !== 'viewer' }) }, byHandshake);
    const ada = member(server.url, 'reacts', {}, as('ada', 'Ada')).room;
    const bob = member(server.url, 'reacts', {}, as('bob', 'Bob')).room;
    const viewer = member(server.url, 'reacts', {}, as('viewer')).room;
    await Promise.all([ada.synced, bob.synced, viewer.synced]);
    const events: string[] = [];
    ada.chat.subscribe((e) => events.push(`${e.type}:${e.message.serial}:${(e.message.reactions ?? []).map((r) => `${r.emoji}${r.users.map((u) => u.id).join('+')}`).join(',')}`));
    const m = await ada.chat.send('release on friday?');
    // Both at once: neither reaction is lost, and both members end with both.
    await Promise.all([bob.chat.react(m.serial, '👍'), ada.chat.react(m.serial, '🎉')]);
    const reactionsOf = (room: Room) => room.chat.messages()[0]?.reactions;
    for (const room of [ada, bob, viewer]) {
      await eventually(() => expect(new Set(reactionsOf(room)?.map((r) => `${r.emoji}${r.users.map((u) => u.name).join('+')}`))).toEqual(new Set(['👍Bob', '🎉Ada'])));
    }
    expect(texts(bob)).toEqual(['release on friday?']); // the text never changes, nor is it marked edited
    expect(bob.chat.messages()[0]!.editedAt).toBeUndefined();
    await bob.chat.react(m.serial, '🎉');
    await eventually(() => expect(reactionsOf(ada)?.find((r) => r.emoji === '🎉')?.users.map((u) => u.id)).toEqual(['ada', 'bob']));
    await ada.chat.react(m.serial, '🎉', false);
    await eventually(() => expect(reactionsOf(bob)?.find((r) => r.emoji === '🎉')?.users.map((u) => u.id)).toEqual(['bob']));
    await expect(viewer.chat.react(m.serial, '👍')).rejects.toMatchObject({ code: 'read_only' });
    await expect(bob.chat.react(m.serial, 'lol')).rejects.toMatchObject({ code: 'message_invalid' });
    await expect(bob.chat.react(42, '👍')).rejects.toMatchObject({ code: 'not_found' });
    expect(events.filter((e) => e.startsWith('edit'))).toEqual([]);
    expect(events.at(-1)).toMatch(/^react:1:/);
    const late = member(server.url, 'reacts', {}, as('carol')).room; // the stored state
    await late.synced;
    const pairs = (room: Room) => reactionsOf(room)?.map((r) => `${r.emoji}${r.users.map((u) => u.id).join('+')}`);
    await eventually(() => expect(new Set(pairs(late))).toEqual(new Set(['👍bob', '🎉bob'])));
    expect(pairs(late)).toEqual(pairs(bob)); // in the order each emoji was first given, as everyone sees it
    await ada.chat.delete(m.serial);
    await expect(bob.chat.react(m.serial, '👍', false)).rejects.toMatchObject({ code: 'not_found' });
    await eventually(() => expect(late.chat.messages()[0]).toEqual(expect.objectContaining({ deleted: true })));
    expect(late.chat.messages()[0]!.reactions).toBeUndefined();
  });

  it('[CHAT-16] a reply carries the quote of what it answers, as it was; a reply to a message missing or deleted is not_found and stores nothing', async () => {
    const server = await startCollab({}, byHandshake);
    const ada = member(server.url, 'replies', {}, as('ada', 'Ada')).room;
    const bob = member(server.url, 'replies', {}, as('bob', 'Bob')).room;
    await Promise.all([ada.synced, bob.synced]);
    const question = await ada.chat.send(`Who takes the notes? ${'Long agenda. '.repeat(20)}`);
    const answer = await bob.chat.send('I will', { replyTo: question.serial });
    expect(answer.replyTo).toEqual({ serial: 1, author: { id: 'ada', name: 'Ada' }, text: `${[...question.text].slice(0, 139).join('')}…` });
    await eventually(() => expect(ada.chat.messages()[1]?.replyTo?.serial).toBe(1));
    await ada.chat.edit(question.serial, 'Who takes the notes today?');
    await expect(bob.chat.send('to nothing', { replyTo: 99 })).rejects.toMatchObject({ code: 'not_found' });
    const gone = await ada.chat.send('never mind');
    await ada.chat.delete(gone.serial);
    await expect(bob.chat.send('too late', { replyTo: gone.serial })).rejects.toMatchObject({ code: 'not_found' });
    const late = member(server.url, 'replies', {}, as('carol')).room; // stored, as sent: the quote is not rewritten by the edit
    await late.synced;
    await eventually(() => expect(late.chat.messages().map((m) => m.text)).toEqual(['Who takes the notes today?', 'I will', '']));
    expect(late.chat.messages()[1]!.replyTo!.text).toMatch(/^Who takes the notes\? Long agenda/);
  });

  it('[CHAT-7] moderation rejects with a clear error (nothing stored or sent) or rewrites the text', async () => {
    const seen: unknown[] = [];
    const server = await startCollab({
      moderate: async (room, message) => {
        seen.push([room, message.author.id, message.text]);
        if (message.text.includes('spam')) return { reject: 'no spam, please' };
        if (message.text.includes('darn')) return { text: message.text.replace('darn', '****') };
        return undefined;
      },
    }, byHandshake);
    const ada = member(server.url, 'mod', {}, as('ada')).room;
    const bob = member(server.url, 'mod', {}, as('bob')).room;
    await Promise.all([ada.synced, bob.synced]);
    await expect(ada.chat.send('buy spam now')).rejects.toMatchObject({ code: 'rejected', message: 'no spam, please' });
    expect((await ada.chat.send('darn it')).text).toBe('**** it');
    const fine = await ada.chat.send('fine');
    await expect(ada.chat.edit(fine.serial, 'spam after all')).rejects.toMatchObject({ code: 'rejected' });
    await eventually(() => expect(texts(bob)).toEqual(['**** it', 'fine']));
    expect(serials(bob)).toEqual([1, 2]); // the rejected one took no serial
    expect(seen[0]).toEqual(['mod', 'ada', 'buy spam now']);
  });

  it('[CHAT-1] a read-only member may read the chat but not send: read_only', async () => {
    const server = await startCollab({ authorize: (_room, session) => ({ canWrite: (session.data as { user?: { id?: string } } | null)?.user?.id !== 'viewer' }) }, byHandshake);
    const ada = member(server.url, 'ro', {}, as('ada')).room;
    const viewer = member(server.url, 'ro', {}, as('viewer')).room;
    await Promise.all([ada.synced, viewer.synced]);
    await ada.chat.send('read me');
    await expect(viewer.chat.send('let me speak')).rejects.toMatchObject({ code: 'read_only' });
    await eventually(() => expect(texts(viewer)).toEqual(['read me']));
  });

  it('[CHAT-8] typing shows on the others\' typers and expires after typingTimeoutMs; sending ends it', async () => {
    const server = await startCollab({ typingTimeoutMs: 400 }, byHandshake);
    const ada = member(server.url, 'typing', {}, as('ada', 'Ada')).room;
    const bob = member(server.url, 'typing', {}, as('bob')).room;
    await Promise.all([ada.synced, bob.synced]);
    await eventually(() => expect(ada.chat.readPosition()).toBe(0));
    let changes = 0;
    bob.chat.subscribeTypers(() => changes++);
    ada.chat.typing();
    await eventually(() => expect(bob.chat.typers().map((t) => t.author)).toEqual([{ id: 'ada', name: 'Ada' }]));
    expect(ada.chat.typers()).toEqual([]); // never oneself
    await eventually(() => expect(bob.chat.typers()).toEqual([]), 3000); // expired on the server
    expect(changes).toBe(2);
    await eventually(() => {
      ada.chat.typing(); // a keystroke: throttled, one notice a second reaches the server
      expect(bob.chat.typers()).toHaveLength(1);
    }, 3000);
    await ada.chat.send('done typing');
    await eventually(() => expect(bob.chat.typers()).toEqual([]));
  });

  it('[CHAT-9] read positions are stored per user: two tabs of one user share them, others keep their own', async () => {
    const server = await startCollab({}, byHandshake);
    const tab1 = member(server.url, 'unread', {}, as('ada')).room;
    const tab2 = member(server.url, 'unread', {}, as('ada')).room;
    const bob = member(server.url, 'unread', {}, as('bob')).room;
    await Promise.all([tab1.synced, tab2.synced, bob.synced]);
    for (let i = 1; i <= 4; i++) await bob.chat.send(`b${i}`);
    await ada(tab1);
    await tab1.chat.send('own messages are never unread');
    await eventually(() => expect([tab1.chat.unreadCount(), tab2.chat.unreadCount()]).toEqual([4, 4]));
    await tab1.chat.markRead(3);
    await eventually(() => expect([tab1.chat.readPosition(), tab2.chat.readPosition()]).toEqual([3, 3]));
    expect([tab1.chat.unreadCount(), tab2.chat.unreadCount(), bob.chat.readPosition()]).toEqual([1, 1, 0]);
    await tab2.chat.markRead(1); // never lowers it
    expect(tab2.chat.readPosition()).toBe(3);
    await tab2.chat.markRead(1000); // nor runs ahead of the room: the next message is still unread
    expect(tab2.chat.readPosition()).toBe(5);
    await tab2.chat.markRead(3);
    const tab3 = member(server.url, 'unread', {}, as('ada')).room; // a tab opened later starts from the stored position
    await tab3.synced;
    await eventually(() => expect([tab3.chat.readPosition(), tab3.chat.unreadCount()]).toEqual([5, 0]));
    await bob.chat.send('b5');
    await eventually(() => expect([tab1.chat.unreadCount(), tab2.chat.unreadCount(), tab3.chat.unreadCount()]).toEqual([1, 1, 1]));

    async function ada(room: Room): Promise<void> {
      await eventually(() => expect(room.chat.messages()).toHaveLength(4));
    }
  });

  it('[CHAT-5] on a new server session (a restart) the window refills with what was sent meanwhile, no gap, no duplicate', async () => {
    const store = new MemoryStore();
    const first = await startKuiper();
    const collab = attachCollab(first.server, { store });
    const { room: bob, client } = member(first.url, 'again', {}, { backoff: { base: 100, max: 200 } });
    await bob.synced;
    await bob.chat.send('before');
    await eventually(() => expect(texts(bob)).toEqual(['before']));
    const sessions: boolean[] = [];
    client.onSession(({ resumed }) => sessions.push(resumed));
    await collab.detach();
    await first.server.close();

    const second = await startKuiper({}, { port: first.port });
    const again = attachCollab(second.server, { store });
    onCleanup(() => again.detach());
    const ada = member(second.url, 'again').room;
    await ada.synced;
    for (let i = 0; i < 5; i++) await ada.chat.send(`meanwhile ${i}`);
    await ada.chat.edit((await ada.chat.send('typo')).serial, 'fixed');
    await eventually(() => expect(sessions).toContain(false), 10_000);
    await eventually(() => expect(texts(bob)).toEqual(['before', 'meanwhile 0', 'meanwhile 1', 'meanwhile 2', 'meanwhile 3', 'meanwhile 4', 'fixed']), 10_000);
    expect(serials(bob)).toEqual(range(1, 7));
    await bob.chat.send('after');
    await eventually(() => expect(texts(ada).at(-1)).toBe('after'));
  }, 20_000);
});
