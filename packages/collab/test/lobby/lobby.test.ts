// The lobby over a real server (issue 12): real clients in rooms, real lobby viewers, chat events
// published server-side in the chat wire shape (what the chat module broadcasts on /rooms/<id>/chat).
import { describe, expect, it } from 'vitest';
import { eventually, newClient, onCleanup, startKuiper } from '@kuiper/testkit';
import { enterLobby, hasNews, mentionsYou, MemoryStore, type Lobby, type LobbyRoom } from '../../src/index.js';
import { attachCollab } from '../../src/server/index.js';
import { member, startCollab } from '../integration/helpers.js';

/** A viewer on a new client; it leaves at cleanup. */
function viewer(url: string, user?: unknown): Lobby {
  const lobby = enterLobby(newClient(url, user === undefined ? {} : { ext: { user } }));
  onCleanup(() => lobby.leave());
  return lobby;
}

/** What a lobby page shows: each room with its member names and count. */
const shown = (lobby: Lobby): { id: string; names: (string | undefined)[]; count: number }[] =>
  lobby
    .rooms()
    .map((r) => ({ id: r.id, names: r.members.map((m) => m.name).sort(), count: r.count }))
    .sort((a, b) => a.id.localeCompare(b.id));

const room = (lobby: Lobby, id: string): LobbyRoom | undefined => lobby.rooms().find((r) => r.id === id);

const chat = (event: 'message' | 'edit' | 'delete', serial: number, text: string, sentAt = 1_700_000_000_000 + serial) => ({
  v: 1,
  type: 'chat',
  event,
  message: { serial, author: { id: 'u-ada', name: 'Ada' }, text, sentAt, ...(event === 'delete' ? { deleted: true } : {}) },
});

describe('the lobby', () => {
  it('[LOBBY-1] [LOBBY-2] [LOBBY-4] a viewer gets a snapshot of every room, who is in it by name, and its count', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'a', { presence: { name: 'Ada' } }).room;
    const bob = member(url, 'a', { presence: { name: 'Bob' } }).room;
    const cy = member(url, 'b', { presence: { name: 'Cy' } }).room;
    await Promise.all([ada.synced, bob.synced, cy.synced]);
    await eventually(() => expect(ada.presence.others()).toHaveLength(1)); // presence has reached the server

    const lobby = viewer(url);
    await lobby.ready;
    await eventually(() =>
      expect(shown(lobby)).toEqual([
        { id: 'a', names: ['Ada', 'Bob'], count: 2 },
        { id: 'b', names: ['Cy'], count: 1 },
      ]),
    );
    const first = lobby.rooms();
    expect(lobby.rooms()).toBe(first); // the same array until something changes
    expect(new Set(room(lobby, 'a')!.members.map((m) => m.id)).size).toBe(2);
    // A member is shown by an opaque id, never its session's clientId (a credential).
    const text = JSON.stringify(lobby.rooms());
    for (const c of [ada, bob, cy]) expect(c.presence.others().every((o) => !text.includes(o.connection))).toBe(true);
  });

  it('[LOBBY-3] [LOBBY-4] live changes: a room appears, its count drops when a member leaves, and it disappears with its last member', async () => {
    const { url } = await startCollab();
    const lobby = viewer(url);
    const changes: (readonly LobbyRoom[])[] = [];
    lobby.subscribe((rooms) => changes.push(rooms));
    await lobby.ready;
    expect(lobby.rooms()).toEqual([]);

    const ada = member(url, 'c', { presence: { name: 'Ada' } }).room;
    const bob = member(url, 'c', { presence: { name: 'Bob' } }).room;
    await Promise.all([ada.synced, bob.synced]);
    await eventually(() => expect(shown(lobby)).toEqual([{ id: 'c', names: ['Ada', 'Bob'], count: 2 }]));

    const seen = changes.length;
    ada.presence.set({ cursor: { x: 1, y: 1 } }); // not lobby activity
    bob.presence.set({ name: 'Robert' }); // a rename is
    await eventually(() => expect(shown(lobby)).toEqual([{ id: 'c', names: ['Ada', 'Robert'], count: 2 }]));
    expect(changes.length).toBe(seen + 1);

    bob.leave();
    await eventually(() => expect(shown(lobby)).toEqual([{ id: 'c', names: ['Ada'], count: 1 }]));
    ada.leave();
    await eventually(() => expect(lobby.rooms()).toEqual([]));
  });

  it('[LOBBY-3] a chat event sets the last message; an edit of it changes its text; deleting it clears it', async () => {
    const { url, server } = await startCollab();
    const ada = member(url, 'talk', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    const lobby = viewer(url);
    await lobby.ready;
    await eventually(() => expect(room(lobby, 'talk')?.count).toBe(1));
    const before = room(lobby, 'talk')!.lastActivity;

    await server.publish('/rooms/talk/chat', chat('message', 1, 'first'));
    await server.publish('/rooms/talk/chat', chat('message', 2, 'hello all'));
    await eventually(() => expect(room(lobby, 'talk')?.lastMessage).toEqual({ text: 'hello all', author: { id: 'u-ada', name: 'Ada' }, sentAt: 1_700_000_000_002, serial: 2 }));
    expect(room(lobby, 'talk')!.lastActivity).toBeGreaterThanOrEqual(before);

    await server.publish('/rooms/talk/chat', chat('edit', 1, 'an older message edited')); // not the last: no change
    await server.publish('/rooms/talk/chat', chat('edit', 2, 'hello everyone'));
    await eventually(() => expect(room(lobby, 'talk')?.lastMessage?.text).toBe('hello everyone'));
    await server.publish('/rooms/talk/chat', chat('delete', 2, ''));
    await eventually(() => expect(room(lobby, 'talk')?.lastMessage).toBeUndefined());
    await server.publish('/rooms/talk/chat', { v: 1, type: 'typing', typers: [] }); // other chat traffic is ignored
    expect(room(lobby, 'talk')?.count).toBe(1);

    const late = viewer(url); // a new viewer's snapshot carries the last message too
    await server.publish('/rooms/talk/chat', chat('message', 3, 'for the late viewer'));
    await late.ready;
    await eventually(() => expect(room(late, 'talk')?.lastMessage?.text).toBe('for the late viewer'));
  });

  it('[LOBBY-3] with the real chat: a member\'s message, its edit and its deletion reach the lobby', async () => {
    const { url } = await startCollab({}, { policy: { canHandshake: (m) => ({ data: { user: m.ext?.['user'] ?? null } }) } });
    const ada = member(url, 'real-chat', { presence: { name: 'Ada' } }, { ext: { user: { id: 'ada', name: 'Ada L.' } } }).room;
    await ada.synced;
    const lobby = viewer(url);
    await lobby.ready;
    const sent = await ada.chat.send('hello lobby');
    await eventually(() => expect(room(lobby, 'real-chat')?.lastMessage).toEqual({ text: 'hello lobby', author: { id: 'ada', name: 'Ada L.' }, sentAt: sent.sentAt, serial: sent.serial }));
    await ada.chat.edit(sent.serial, 'hello, lobby');
    await eventually(() => expect(room(lobby, 'real-chat')?.lastMessage?.text).toBe('hello, lobby'));
    await ada.chat.delete(sent.serial);
    await eventually(() => expect(room(lobby, 'real-chat')?.lastMessage).toBeUndefined());
  });

  it('[LOBBY-3] a room that opens again shows its newest stored message', async () => {
    const { url } = await startCollab();
    const first = member(url, 'reopened', { presence: { name: 'Ada' } }).room;
    await first.synced;
    await first.chat.send('before everyone left');
    const lobby = viewer(url);
    await lobby.ready;
    await eventually(() => expect(room(lobby, 'reopened')?.lastMessage?.text).toBe('before everyone left'));
    first.leave();
    await eventually(() => expect(room(lobby, 'reopened')).toBeUndefined());

    const again = member(url, 'reopened', { presence: { name: 'Bob' } }).room;
    await again.synced;
    await eventually(() => expect(room(lobby, 'reopened')).toMatchObject({ count: 1, lastMessage: { text: 'before everyone left' } }));
  });

  it('[LOBBY-5] a viewer the room\'s authorize refuses never sees it, and cannot subscribe its way to it', async () => {
    const policy = { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { user: String(m.ext?.['user'] ?? 'guest') } }) };
    const { url } = await startCollab(
      {
        authorize: (id, session) => {
          if (id === 'secret' && (session.data as { user: string }).user !== 'insider') throw new Error('members only');
          return { canWrite: true };
        },
      },
      { policy },
    );
    const insider = member(url, 'secret', { presence: { name: 'Spy' } }, { ext: { user: 'insider' } }).room;
    const open = member(url, 'open', { presence: { name: 'Ann' } }, { ext: { user: 'ann' } }).room;
    await Promise.all([insider.synced, open.synced]);

    const insiderView = viewer(url, 'insider');
    const outsiderView = viewer(url, 'outsider');
    await Promise.all([insiderView.ready, outsiderView.ready]);
    await eventually(() => expect(shown(insiderView).map((r) => r.id)).toEqual(['open', 'secret']));
    await eventually(() => expect(shown(outsiderView).map((r) => r.id)).toEqual(['open']));

    // By hand: a wildcard subscription receives only what is sent to this session…
    const raw = newClient(url, { ext: { user: 'outsider' } });
    const heard: string[] = [];
    const all = raw.subscribe('/lobby/**', (data) => heard.push(JSON.stringify(data)));
    await all.ready;
    // …and a room's own lobby channel is refused outright.
    await expect(raw.subscribe('/lobby/rooms/secret', () => undefined).ready).rejects.toThrow(/lobby_forbidden/);
    await expect(raw.publish('/lobby/rooms/open', { v: 1, type: 'lobby-gone', id: 'open', version: Date.now() * 2 })).rejects.toThrow(/lobby_read_only/);

    const second = member(url, 'secret', { presence: { name: 'Mole' } }, { ext: { user: 'insider' } }).room;
    const third = member(url, 'open', { presence: { name: 'Ben' } }, { ext: { user: 'ben' } }).room;
    await Promise.all([second.synced, third.synced]);
    await eventually(() => expect(room(insiderView, 'secret')?.count).toBe(2));
    await eventually(() => expect(room(outsiderView, 'open')?.count).toBe(2));
    expect(heard).toEqual([]); // nothing is published on /lobby/**: changes go to admitted viewers only
    expect(shown(outsiderView).map((r) => r.id)).toEqual(['open']);
  });

  it('[LOBBY-4] after a server restart the viewer watches again and sees the rooms as members come back; after leave() it hears nothing', async () => {
    const store = new MemoryStore();
    const first = await startKuiper();
    const firstCollab = attachCollab(first.server, { store });
    const quick = { backoff: { base: 100, max: 200 } };
    const ada = member(first.url, 'again', { presence: { name: 'Ada' } }, quick).room;
    await ada.synced;
    const lobby = enterLobby(newClient(first.url, quick));
    onCleanup(() => lobby.leave());
    await lobby.ready;
    await eventually(() => expect(shown(lobby)).toEqual([{ id: 'again', names: ['Ada'], count: 1 }]));

    await firstCollab.detach();
    await first.server.close();
    const second = await startKuiper({}, { port: first.port });
    const collab = attachCollab(second.server, { store });
    onCleanup(() => collab.detach());
    const bob = member(second.url, 'again', { presence: { name: 'Bob' } }).room;
    await bob.synced;
    // Only a viewer that watched the new server again is sent this room's changes.
    await eventually(() => expect(shown(lobby)).toEqual([{ id: 'again', names: ['Ada', 'Bob'], count: 2 }]), 15_000);

    const held = lobby.rooms();
    lobby.leave();
    const cy = member(second.url, 'again', { presence: { name: 'Cy' } }).room;
    const check = viewer(second.url);
    await Promise.all([cy.synced, check.ready]);
    await eventually(() => expect(room(check, 'again')?.count).toBe(3));
    expect(lobby.rooms()).toBe(held);
  });

  it('[LOBBY-4] after a dropped connection the viewer resumes its session and watches again', async () => {
    const started = await startCollab();
    let watches = 0;
    started.server.addExtension({ name: 'watch-count', incoming: (m) => (m.channel === '/service/lobby' && watches++, m) });
    const client = newClient(started.url, { backoff: { base: 100, max: 200 } });
    const resumed: boolean[] = [];
    client.onSession((e) => resumed.push(e.resumed));
    const lobby = enterLobby(client);
    onCleanup(() => lobby.leave());
    await lobby.ready;
    expect(watches).toBe(1);
    expect(started.dropConnections()).toBeGreaterThan(0);
    await eventually(() => expect(resumed).toEqual([false, true]), 10_000);
    await eventually(() => expect(watches).toBe(2));
    const ada = member(started.url, 'resumed', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    await eventually(() => expect(shown(lobby)).toEqual([{ id: 'resumed', names: ['Ada'], count: 1 }]));
  });

  it('[LOBBY-4] two lobbies on one client share its watch: one leaving (a component unmounting) does not stop the other', async () => {
    const { url } = await startCollab();
    const client = newClient(url);
    const first = enterLobby(client);
    const second = enterLobby(client);
    onCleanup(() => second.leave());
    await Promise.all([first.ready, second.ready]);
    let firstHeard = 0;
    first.subscribe(() => firstHeard++);
    first.leave();
    const ada = member(url, 'shared-watch', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    await eventually(() => expect(shown(second)).toEqual([{ id: 'shared-watch', names: ['Ada'], count: 1 }]));
    expect(firstHeard).toBe(0);

    second.leave(); // the last one: the client stops watching, and a new lobby starts a new watch
    const third = enterLobby(client);
    onCleanup(() => third.leave());
    await third.ready;
    expect(shown(third)).toEqual([{ id: 'shared-watch', names: ['Ada'], count: 1 }]);
  });

  it('[LOBBY-1] [LOBBY-4] attachCollab({ lobby: false }) serves no lobby; a server that refuses the subscription is an error value too', async () => {
    const { url } = await startCollab({ lobby: false });
    const lobby = viewer(url);
    await expect(lobby.ready).rejects.toMatchObject({ code: 'send_failed' });

    const { url: strict } = await startCollab({}, { policy: { canSubscribe: () => 'no_lobby_here' } });
    const refused = viewer(strict);
    const errors: string[] = [];
    refused.onError((e) => errors.push(`${e.code} ${e.message}`));
    await expect(refused.ready).rejects.toMatchObject({ code: 'send_failed', message: expect.stringMatching(/no_lobby_here/) });
    expect(errors).toEqual([expect.stringMatching(/^send_failed .*no_lobby_here/)]);
    expect(refused.rooms()).toEqual([]);
  });
});

describe('[LOBBY-7] news in the lobby', () => {
  const named = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { user: m.ext?.['user'] ?? null } }) } };
  const person = (url: string, roomId: string, id: string) => member(url, roomId, { presence: { name: id } }, { ext: { user: { id, name: id } } }).room;

  it('[LOBBY-7] a viewer learns its read position in each room it may see; a room has news for it until it reads the newest message, never for its own', async () => {
    const { url } = await startCollab({ authorize: (roomId, session) => {
      if (roomId === 'secret' && (session.data as { user?: { id?: string } }).user?.id === 'bob') throw new Error('not for Bob');
      return { canWrite: true };
    } }, named);
    const ada = person(url, 'news', 'ada');
    const bob = person(url, 'news', 'bob');
    const hidden = person(url, 'secret', 'ada');
    await Promise.all([ada.synced, bob.synced, hidden.synced]);
    await ada.chat.send('first');
    await ada.chat.send('second');
    await hidden.chat.send('psst');

    const bobs = viewer(url, { id: 'bob', name: 'bob' });
    await bobs.ready;
    await eventually(() => expect(room(bobs, 'news')?.lastMessage).toMatchObject({ text: 'second', serial: 2 }));
    const before = await bobs.readPositions(['news', 'secret']);
    expect(before).toEqual({ ok: true, value: { me: 'bob', name: 'bob', reads: { news: 0 }, mentions: {} } }); // 'secret' says nothing to Bob
    expect(hasNews(room(bobs, 'news')!, before.ok ? before.value : undefined)).toBe(true);

    await bob.chat.markRead(2);
    const after = await bobs.readPositions();
    expect(after).toEqual({ ok: true, value: { me: 'bob', name: 'bob', reads: { news: 2 }, mentions: {} } });
    expect(hasNews(room(bobs, 'news')!, after.ok ? after.value : undefined)).toBe(false);

    // Ada's own messages are no news to her; Bob's next one is.
    const adas = viewer(url, { id: 'ada', name: 'ada' });
    await adas.ready;
    await eventually(() => expect(room(adas, 'news')).toBeDefined());
    const hers = await adas.readPositions();
    expect(hers.ok && hasNews(room(adas, 'news')!, hers.value)).toBe(false);
    await bob.chat.send('third');
    await eventually(() => expect(room(adas, 'news')?.lastMessage).toMatchObject({ serial: 3 }));
    expect(hers.ok && hasNews(room(adas, 'news')!, hers.value)).toBe(true);
  });

  it('[LOBBY-8] a viewer learns how many unread messages from others name it as @name; its own, deleted, read ones and longer names do not count', async () => {
    const { url } = await startCollab({}, named);
    const ada = person(url, 'talk', 'ada');
    const bob = person(url, 'talk', 'bob');
    await Promise.all([ada.synced, bob.synced]);
    await ada.chat.send('morning'); // 1
    await bob.chat.markRead(1);
    await ada.chat.send('@bob can you look?'); // 2
    await ada.chat.send('and @bobby too'); // 3: someone else
    const gone = await ada.chat.send('@Bob never mind'); // 4, deleted below
    await ada.chat.send('thanks @BOB!'); // 5: any case
    await bob.chat.send('on it @bob'); // 6: his own
    await ada.chat.delete(gone.serial);
    await ada.chat.send('last one'); // 7

    const bobs = viewer(url, { id: 'bob', name: 'bob' });
    await bobs.ready;
    await eventually(() => expect(room(bobs, 'talk')?.lastMessage).toMatchObject({ serial: 7 }));
    const before = await bobs.readPositions();
    expect(before).toEqual({ ok: true, value: { me: 'bob', name: 'bob', reads: { talk: 1 }, mentions: { talk: 2 } } });
    expect(mentionsYou(room(bobs, 'talk')!, before.ok ? before.value : undefined)).toBe(true);

    await bob.chat.markRead(5);
    const partly = await bobs.readPositions();
    expect(partly.ok && partly.value.mentions).toEqual({});
    expect(partly.ok && hasNews(room(bobs, 'talk')!, partly.value)).toBe(true); // message 7 is still news,
    expect(partly.ok && mentionsYou(room(bobs, 'talk')!, partly.value)).toBe(false); // but names no one

    // A mention that arrives after the answer shows from the lobby's own last message.
    await ada.chat.send('@bob one more');
    await eventually(() => expect(room(bobs, 'talk')?.lastMessage).toMatchObject({ serial: 8 }));
    expect(partly.ok && mentionsYou(room(bobs, 'talk')!, partly.value)).toBe(true);

    // A viewer with no name in the chat is mentioned by no one.
    const nameless = viewer(url, { id: 'carol' });
    await nameless.ready;
    await eventually(() => expect(room(nameless, 'talk')).toBeDefined());
    expect(await nameless.readPositions()).toEqual({ ok: true, value: { me: 'carol', reads: { talk: 0 }, mentions: {} } });
  });
});
