// The lobby's framework-free parts without a transport: the authority's RoomActivity, the viewer's
// LobbyView and the wire readers.
import { describe, expect, it } from 'vitest';
import { LobbyView, parseLobbyMessage, parseLobbyReads, type LobbyChange, type LobbyRoom } from '../../src/index.js';
import { RoomActivity } from '../../src/lobby/room-activity.js';
import { parseLobbyRequest, readChatEvent } from '../../src/lobby/lobby-messages.js';
import type { PresenceData } from '../../src/index.js';

const lobbyRoom = (id: string, version: number, lastActivity = version, names: string[] = ['Ada']): LobbyRoom => ({
  id,
  members: names.map((name, i) => ({ id: `m${i + 1}`, name })),
  count: names.length,
  lastActivity,
  version,
});
const put = (room: LobbyRoom): LobbyChange => ({ type: 'lobby-room', room });
const gone = (id: string, version: number): LobbyChange => ({ type: 'lobby-gone', id, version });

describe('RoomActivity (the authority\'s lobby entry)', () => {
  it('[LOBBY-2] [LOBBY-3] lists a room while it has members present, by presence name, and only changes on what a lobby shows', () => {
    let now = 1000;
    const activity = new RoomActivity('r', () => now);
    const entries = new Map<string, PresenceData>();
    expect(activity.presence(entries)).toBeUndefined(); // opened, nobody yet: not listed

    entries.set('client-secret-1', { name: 'Ada' });
    const first = activity.presence(entries);
    expect(first).toEqual({ type: 'lobby-room', room: { id: 'r', members: [{ id: 'm1', name: 'Ada' }], count: 1, lastActivity: 1000, version: 1000 } });

    now = 2000;
    entries.set('client-secret-1', { name: 'Ada', cursor: { x: 3, y: 4 } });
    expect(activity.presence(entries)).toBeUndefined(); // a cursor move is not lobby activity
    entries.set('client-secret-2', { color: 'red' }); // no name: shown without one
    const second = activity.presence(entries);
    expect(second?.type === 'lobby-room' && second.room.members).toEqual([{ id: 'm1', name: 'Ada' }, { id: 'm2' }]);
    expect(second?.type === 'lobby-room' && second.room.version).toBeGreaterThan(1000);

    entries.clear();
    const last = activity.presence(entries);
    expect(last).toMatchObject({ type: 'lobby-gone', id: 'r' }); // the last member left: it disappears
    expect(activity.current()).toBeUndefined();
    expect(activity.close()).toBeUndefined(); // closing after that says nothing more
  });

  it('[LOBBY-3] the last message follows chat events, the highest serial winning; an edit or delete of an older one changes nothing', () => {
    const activity = new RoomActivity('r', () => 5);
    activity.presence(new Map([['c', { name: 'Ada' }]]));
    const author = { id: 'u1' };
    expect(activity.chat({ event: 'message', serial: 1, message: { text: 'one', author, sentAt: 1 } })).toMatchObject({ room: { lastMessage: { text: 'one' } } });
    activity.chat({ event: 'message', serial: 3, message: { text: 'three', author, sentAt: 3 } });
    activity.chat({ event: 'message', serial: 2, message: { text: 'two', author, sentAt: 2 } }); // published late by another node
    expect(activity.current()?.lastMessage?.text).toBe('three');
    activity.chat({ event: 'delete', serial: 3, message: { text: '', author, sentAt: 3 } });
    activity.chat({ event: 'message', serial: 2, message: { text: 'two', author, sentAt: 2 } });
    expect(activity.chat({ event: 'edit', serial: 1, message: { text: 'uno', author, sentAt: 1 } })).toBeUndefined();
    expect(activity.chat({ event: 'edit', serial: 2, message: { text: 'dos', author, sentAt: 2 } })).toMatchObject({ room: { lastMessage: { text: 'dos', sentAt: 2 } } });
    const deleted = activity.chat({ event: 'delete', serial: 2, message: { text: '', author, sentAt: 2 } });
    expect(deleted?.type === 'lobby-room' && deleted.room.lastMessage).toBeUndefined();
  });
});

describe('LobbyView (a viewer\'s list)', () => {
  it('[LOBBY-4] changes before the snapshot wait for it; an older copy never replaces a newer one; most recent activity first', () => {
    const view = new LobbyView();
    view.change(put(lobbyRoom('a', 5))); // newer than the snapshot's copy of a
    view.change(put(lobbyRoom('b', 1))); // older than the snapshot's copy of b
    view.change(gone('c', 9)); // c went after the snapshot was taken
    expect(view.rooms()).toEqual([]);
    expect(view.current).toBe(false);

    view.snapshot([lobbyRoom('a', 4), lobbyRoom('b', 2, 2, ['Bob']), lobbyRoom('c', 3)]);
    expect(view.rooms().map((r) => [r.id, r.version])).toEqual([['a', 5], ['b', 2]]);

    const before = view.rooms();
    view.change(put(lobbyRoom('b', 2))); // a duplicate
    expect(view.rooms()).toBe(before); // the same array: nothing changed
    view.change(put(lobbyRoom('b', 7, 7)));
    expect(view.rooms().map((r) => r.id)).toEqual(['b', 'a']); // b is now the most recent
    view.change(gone('a', 4)); // older than what is held
    expect(view.rooms().map((r) => r.id)).toEqual(['b', 'a']);
    view.change(gone('a', 6));
    expect(view.rooms().map((r) => r.id)).toEqual(['b']);

    view.reset(); // a new server session: the list stays while the new snapshot is awaited
    view.change(put(lobbyRoom('d', 8, 8)));
    expect(view.rooms().map((r) => r.id)).toEqual(['b']);
    view.resume(); // that snapshot failed: go on from what is held
    expect(view.rooms().map((r) => r.id)).toEqual(['d', 'b']);
    expect(view.current).toBe(true);
  });

  it('[LOBBY-4] a snapshot taken again by a node that has not heard the latest change yet does not bring an older copy back', () => {
    const view = new LobbyView();
    view.snapshot([lobbyRoom('north', 3), lobbyRoom('south', 2, 2, ['Bob'])]);
    view.change(gone('north', 4)); // its last member left: the authority said so at once
    view.change(put(lobbyRoom('south', 5, 5, ['Bob', 'Cy'])));
    expect(view.rooms().map((r) => r.id)).toEqual(['south']);

    view.reset(); // the session resumed through another node, which answers the watch from an older list
    view.snapshot([lobbyRoom('north', 3), lobbyRoom('south', 2, 2, ['Bob']), lobbyRoom('west', 1)]);
    expect(view.rooms().map((r) => [r.id, r.version, r.count])).toEqual([['south', 5, 2], ['west', 1, 1]]);
    view.change(put(lobbyRoom('north', 3))); // and a late copy of the old one changes nothing either
    expect(view.rooms().map((r) => r.id)).toEqual(['south', 'west']);
  });
});

describe('lobby wire', () => {
  it('[LOBBY-4] malformed lobby messages are error values', () => {
    expect(parseLobbyMessage({ v: 1, type: 'lobby-room', room: lobbyRoom('a', 1) })).toMatchObject({ ok: true });
    for (const bad of [
      null,
      { v: 2, type: 'lobby-room', room: lobbyRoom('a', 1) },
      { v: 1, type: 'lobby-room', room: { ...lobbyRoom('a', 1), count: 3 } },
      { v: 1, type: 'lobby-room', room: { ...lobbyRoom('a/b', 1) } },
      { v: 1, type: 'lobby-room', room: { ...lobbyRoom('a', 1), lastMessage: { text: 'x' } } },
      { v: 1, type: 'lobby-gone', id: 'a' },
      { v: 1, type: 'lobby-snapshot', rooms: [{}] },
      { v: 1, type: 'other' },
    ]) {
      expect(parseLobbyMessage(bad)).toMatchObject({ ok: false, error: { code: 'message_invalid' } });
    }
  });

  it('[LOBBY-2] a room\'s members are read as { id, name? } and nothing else, whether kept as read or copied', () => {
    const read = (members: unknown[]) => {
      const result = parseLobbyMessage({ v: 1, type: 'lobby-room', room: { ...lobbyRoom('a', 1), members, count: members.length } });
      return result.ok && result.value.type === 'lobby-room' ? JSON.parse(JSON.stringify(result.value.room.members)) : result;
    };
    expect(read([{ id: 'm1', name: 'Ada' }, { id: 'm2' }])).toEqual([{ id: 'm1', name: 'Ada' }, { id: 'm2' }]);
    expect(read([{ id: 'm1', name: 'Ada', clientId: 'secret' }, { id: 'm2', name: undefined, extra: 1 }])).toEqual([{ id: 'm1', name: 'Ada' }, { id: 'm2' }]);
    expect(read([{ id: 'm1', name: 7 }])).toMatchObject({ ok: false, error: { code: 'message_invalid' } });
  });

  it('[LOBBY-3] reads the chat wire and ignores anything else on the chat channel', () => {
    const message = { serial: 3, author: { id: 'u', name: 'U' }, text: 'hi', sentAt: 10 };
    expect(readChatEvent({ v: 1, type: 'chat', event: 'message', message })).toEqual({ event: 'message', serial: 3, message: { text: 'hi', author: { id: 'u', name: 'U' }, sentAt: 10 } });
    expect(readChatEvent({ v: 1, type: 'typing', typers: [] })).toBeUndefined();
    expect(readChatEvent({ v: 1, type: 'chat', event: 'shout', message })).toBeUndefined();
    expect(readChatEvent({ v: 1, type: 'chat', event: 'message', message: { ...message, author: 'u' } })).toBeUndefined();
  });
});

describe('[LOBBY-7] read positions on the wire', () => {
  it('a reads request names at most 200 valid rooms; a reply is whole positions per room; a last message\'s serial is a positive whole number', () => {
    expect(parseLobbyRequest({ v: 1, type: 'reads', rooms: ['a', 'b'] })).toEqual({ ok: true, value: { v: 1, type: 'reads', rooms: ['a', 'b'] } });
    expect(parseLobbyRequest({ v: 1, type: 'reads', rooms: ['no room'] }).ok).toBe(false);
    expect(parseLobbyRequest({ v: 1, type: 'reads', rooms: Array.from({ length: 201 }, (_, i) => `r${i}`) }).ok).toBe(false);
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', me: 'bob', reads: { a: 3 } })).toEqual({ ok: true, value: { me: 'bob', reads: { a: 3 } } });
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', me: 'bob', reads: { a: -1 } }).ok).toBe(false);
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', reads: {} }).ok).toBe(false);
    // [LOBBY-8] name and mentions are optional (a server from before them sends neither), and checked when sent.
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', me: 'bob', name: 'Bob', reads: { a: 3 }, mentions: { a: 2 } })).toEqual({ ok: true, value: { me: 'bob', name: 'Bob', reads: { a: 3 }, mentions: { a: 2 } } });
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', me: 'bob', name: 7, reads: {} }).ok).toBe(false);
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', me: 'bob', reads: {}, mentions: { a: 1.5 } }).ok).toBe(false);
    expect(parseLobbyReads({ v: 1, type: 'lobby-reads', me: 'bob', reads: {}, mentions: { '../x': 1 } }).ok).toBe(false);
    const room = { id: 'a', members: [], count: 0, lastActivity: 1, version: 1 };
    const message = { text: 'x', author: { id: 'u' }, sentAt: 1 };
    expect(parseLobbyMessage({ v: 1, type: 'lobby-room', room: { ...room, lastMessage: { ...message, serial: 4 } } }).ok).toBe(true);
    expect(parseLobbyMessage({ v: 1, type: 'lobby-room', room: { ...room, lastMessage: message } }).ok).toBe(true); // from a node before serials
    expect(parseLobbyMessage({ v: 1, type: 'lobby-room', room: { ...room, lastMessage: { ...message, serial: 0 } } }).ok).toBe(false);
  });
});
