// Rooms over a real server and real clients: Yjs documents and presence through @kuiper/server's
// room hooks and @kuiper/client's channels (COLLAB-20…25).
import { describe, expect, it } from 'vitest';
import { eventually, newClient } from '@kuiper/testkit';
import { roomChannels } from '../../src/index.js';
import { member, startCollab, text } from './helpers.js';

describe('rooms over the real server', () => {
  it('[COLLAB-20] [COLLAB-24] [COLLAB-3] two members converge and a late joiner gets the full state', async () => {
    const { url, collab, store } = await startCollab();
    const ada = member(url, 'board-1', { presence: { name: 'Ada' } }).room;
    const bob = member(url, 'board-1', { presence: { name: 'Bob' } }).room;
    await Promise.all([ada.synced, bob.synced]);
    expect(collab.openRooms()).toEqual(['board-1']);

    ada.doc.getText('t').insert(0, 'Hello from Ada. ');
    bob.doc.getText('t').insert(0, 'Bob here. ');
    await Promise.all([ada.flush(), bob.flush()]);
    await eventually(() => expect(text(bob)).toBe(text(ada)));
    expect(text(ada)).toContain('Hello from Ada. ');
    expect(text(ada)).toContain('Bob here. ');
    expect((await store.load('board-1')).updates.length).toBeGreaterThan(0); // acked = stored
    expect(ada.syncStatus).toBe('synchronized');

    const late = member(url, 'board-1').room;
    await late.synced;
    expect(text(late)).toBe(text(ada)); // from the sync-2 alone, before any further edit
    await eventually(() => expect(late.presence.others().map((e) => e.state['name']).sort()).toEqual(['Ada', 'Bob']));
  });

  it('[COLLAB-21] [COLLAB-9] presence joins, updates and leaves through the server; a member who leaves is gone for the others', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'room-p', { presence: { name: 'Ada' }, throttleMs: 10 }).room;
    const bob = member(url, 'room-p', { presence: { name: 'Bob' }, throttleMs: 10 }).room;
    await Promise.all([ada.synced, bob.synced]);
    await eventually(() => expect(bob.presence.others().map((e) => e.state)).toEqual([{ name: 'Ada' }]));
    ada.presence.set({ cursor: { x: 1, y: 2 } });
    await eventually(() => expect(bob.presence.others().map((e) => e.state)).toEqual([{ name: 'Ada', cursor: { x: 1, y: 2 } }]));
    ada.leave();
    await eventually(() => expect(bob.presence.others()).toEqual([]));
  });

  it('[COLLAB-22] the room is unloaded after its last member and loads again, with every edit, for the next one', async () => {
    const { url, collab } = await startCollab();
    const first = member(url, 'room-u');
    await first.room.synced;
    first.room.doc.getText('t').insert(0, 'kept');
    await first.room.flush();
    first.room.leave();
    await eventually(() => expect(collab.openRooms()).toEqual([]));

    const next = member(url, 'room-u').room;
    await next.synced;
    expect(text(next)).toBe('kept');
  });

  it('[COLLAB-23] [COLLAB-11] a read-only member syncs but its edit is refused, stored nowhere and seen by nobody', async () => {
    // The first session is the writer's; the reader's first message goes right behind its handshake
    // (before its client says it is connected), so it is known by order, not by its id.
    const sessions: string[] = [];
    const { url, store } = await startCollab({
      authorize: (_room, session) => {
        if (!sessions.includes(session.clientId)) sessions.push(session.clientId);
        return { canWrite: sessions.indexOf(session.clientId) === 0 };
      },
    });
    const writer = member(url, 'room-r').room;
    await writer.synced;
    writer.doc.getText('t').insert(0, 'by the writer');
    await writer.flush();

    const reader = member(url, 'room-r');
    await reader.room.synced;
    expect(sessions).toHaveLength(2);
    expect(sessions[1]).toBe(reader.client.clientId);
    expect(text(reader.room)).toBe('by the writer');
    const errors: string[] = [];
    reader.room.onError((e) => errors.push(e.code));
    const before = (await store.load('room-r')).updates.length;

    reader.room.doc.getText('t').insert(0, 'forbidden ');
    await expect(reader.room.flush()).rejects.toMatchObject({ code: 'read_only' });
    expect(errors).toContain('read_only');
    expect((await store.load('room-r')).updates.length).toBe(before);
    writer.doc.getText('t').insert(0, '!'); // a later edit arrives, the refused one never does
    await writer.flush();
    await eventually(() => expect(text(reader.room)).toContain('!'));
    expect(text(writer)).toBe('!by the writer');
  });

  it('[COLLAB-23] [COLLAB-12] a malformed update is answered with an error to its sender only; the document is untouched', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'room-m').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'intact');
    await ada.flush();
    const adaErrors: string[] = [];
    ada.onError((e) => adaErrors.push(e.code));

    // A hand-written member: it subscribes to the document channel and sends bytes Yjs cannot decode.
    const raw = newClient(url);
    const channels = roomChannels('room-m');
    const received: unknown[] = [];
    await raw.subscribe(channels.doc, (data) => received.push(data)).ready;
    await raw.publish(channels.sync, { v: 1, type: 'update', id: 'bad-1', update: 'yAECAw==' });
    await eventually(() => expect(received).toContainEqual(expect.objectContaining({ type: 'error', code: 'update_invalid', id: 'bad-1' })));
    await raw.publish(channels.sync, { v: 1, type: 'nonsense' });
    await eventually(() => expect(received).toContainEqual(expect.objectContaining({ type: 'error', code: 'message_invalid' })));

    const late = member(url, 'room-m').room;
    await late.synced;
    expect(text(late)).toBe('intact');
    expect(text(ada)).toBe('intact');
    expect(adaErrors).toEqual([]); // the error went to its sender only
    expect(received.filter((m) => (m as { type?: string }).type === 'room-update')).toEqual([]);
  });

  it('[COLLAB-21] a message for a room that is not open is refused as service_unknown', async () => {
    const { url } = await startCollab();
    const raw = newClient(url);
    await expect(raw.publish(roomChannels('closed').sync, { v: 1, type: 'sync-1', stateVector: 'AA==' })).rejects.toThrow(/service_unknown/);
  });

  it('[COLLAB-23] a session whose authorize throws is refused not_a_member, and the others carry on', async () => {
    const reports: string[] = [];
    // Ada's session is the first asked about; the next one's first message goes right behind its
    // handshake (before its client says it is connected), so it is refused by order, not by its id.
    let adaId: string | undefined;
    const { url } = await startCollab({
      authorize: (_room, session) => {
        adaId ??= session.clientId;
        if (session.clientId !== adaId) throw new Error('the directory is down');
        return { canWrite: true };
      },
      onError: (e) => reports.push(e.message),
    });
    const ada = member(url, 'room-a').room;
    await ada.synced;
    const refused = member(url, 'room-a');
    const errors: string[] = [];
    refused.room.onError((e) => errors.push(e.code));
    await eventually(() => expect(errors).toContain('not_a_member'));
    expect(refused.room.syncStatus).toBe('synchronizing');
    expect(reports).toContain('the directory is down');
    ada.doc.getText('t').insert(0, 'still fine');
    await ada.flush();
  });
});
