// [CHAT-17] Searching a room's chat on a real server: every word, case and accents aside, newest
// first, deleted messages never; a long history is searched in bounded steps that say where to go on.
import { describe, expect, it } from 'vitest';
import { chatMatcher, MemoryStore, searchChat, SEARCH_SCAN } from '../../src/index.js';
import { member, startCollab } from './helpers.js';

const byHandshake = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { user: m.ext?.['user'] ?? null } }) } };
const as = (id: string, name?: string) => ({ ext: { user: name === undefined ? { id } : { id, name } } });

describe('[CHAT-17] chat search', () => {
  it('finds messages holding every word of the query, in any case and without accents, newest first; not deleted ones; a viewer searches too; a bad query is message_invalid', async () => {
    const server = await startCollab({ authorize: (_room, session) => ({ canWrite: (session.data as { user?: { id?: string } })?.user?.id !== 'vic' }) }, byHandshake);
    const ada = member(server.url, 'search', {}, as('ada', 'Ada')).room;
    const vic = member(server.url, 'search', {}, as('vic', 'Vic')).room;
    await Promise.all([ada.synced, vic.synced]);
    await ada.chat.send('The Café opens at nine');
    await ada.chat.send('lunch at the cafe?');
    await ada.chat.send('nothing to see');
    const gone = await ada.chat.send('cafe plans, scrapped');
    await ada.chat.delete(gone.serial);
    await ada.chat.send('CAFÉ LUNCH booked');

    const found = await vic.chat.search('café');
    expect(found.messages.map((m) => m.text)).toEqual(['CAFÉ LUNCH booked', 'lunch at the cafe?', 'The Café opens at nine']);
    expect(found).toMatchObject({ done: true });
    expect((await vic.chat.search('lunch CAFE')).messages.map((m) => m.serial)).toEqual([5, 2]);
    expect((await vic.chat.search('scrapped')).messages).toEqual([]);
    await expect(vic.chat.search('   ')).rejects.toMatchObject({ code: 'message_invalid' });
    await expect(vic.chat.search('x'.repeat(201))).rejects.toMatchObject({ code: 'message_invalid' });
    await expect(vic.chat.search('cafe', { limit: 51 })).rejects.toMatchObject({ code: 'message_invalid' });

    // A limit stops it early; `before` goes on from there.
    const first = await vic.chat.search('cafe', { limit: 1 });
    expect(first).toMatchObject({ before: 5, done: false });
    expect(first.messages.map((m) => m.serial)).toEqual([5]);
    const rest = await vic.chat.search('cafe', { before: first.before });
    expect(rest.messages.map((m) => m.serial)).toEqual([2, 1]);
    expect(rest.done).toBe(true);
  });

  it(`looks through at most ${SEARCH_SCAN} messages a request and says where it stopped, so a search of a long history goes back in steps`, async () => {
    const store = new MemoryStore();
    const total = SEARCH_SCAN + 500;
    for (let i = 1; i <= total; i++) await store.appendChat('long', { author: { id: 'ada' }, text: i === 7 || i === total ? 'needle' : `hay ${i}`, sentAt: i });
    const recent = await searchChat(store, 'long', { text: 'needle', limit: 20 });
    expect(recent.messages.map((m) => m.serial)).toEqual([total]);
    expect(recent).toMatchObject({ before: total - SEARCH_SCAN + 1, done: false });
    const older = await searchChat(store, 'long', { text: 'needle', before: recent.before, limit: 20 });
    expect(older.messages.map((m) => m.serial)).toEqual([7]);
    expect(older).toMatchObject({ before: 1, done: true });
  });

  it('a query matches every word, wherever it stands; an empty one matches nothing', () => {
    expect(chatMatcher('Nine café')('the cafe opens at NINE')).toBe(true);
    expect(chatMatcher('nine cafe tea')('the cafe opens at nine')).toBe(false);
    expect(chatMatcher(' ')('anything')).toBe(false);
  });
});
