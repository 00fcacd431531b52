// Offline rooms (issue 11): a real server that goes down and comes back, real clients, real Yjs and
// y-indexeddb over fake-indexeddb — the one part Node lacks, an in-memory IndexedDB implementation.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, newClient, onCleanup, startKuiper } from '@kuiper/testkit';
import { enterRoom, forgetOfflineRoom, MemoryStore, type Room } from '../../src/index.js';
import { attachCollab } from '../../src/server/index.js';
import { member, startCollab, text } from '../integration/helpers.js';

const globals = globalThis as { indexedDB?: unknown; IDBKeyRange?: unknown };
const quick = { backoff: { base: 100, max: 200 } }; // reconnect soon after the server is back

beforeEach(() => {
  globals.indexedDB = new IDBFactory(); // a fresh, empty browser profile per test
  globals.IDBKeyRange = IDBKeyRange;
});
afterEach(() => {
  delete globals.indexedDB;
  delete globals.IDBKeyRange;
});

/** A tab of `url` in `room` with the offline option; the tab closes at cleanup. */
function tab(url: string, room: string): Room {
  const entered = enterRoom(newClient(url, quick), room, { offline: true });
  onCleanup(() => entered.leave());
  return entered;
}

describe('offline rooms', () => {
  it('[COLLAB-33] [COLLAB-34] edits made while the server is down are kept, shown after a reload while offline, and merge with another member\'s on reconnect', async () => {
    const store = new MemoryStore();
    const first = await startKuiper();
    const firstCollab = attachCollab(first.server, { store });
    const ada = tab(first.url, 'notes');
    const bob = member(first.url, 'notes', {}, quick).room;
    await Promise.all([ada.synced, bob.synced]);
    ada.doc.getText('t').insert(0, 'online. ');
    await ada.flush();

    await firstCollab.detach();
    await first.server.close(); // the server is down
    ada.doc.getText('t').insert(8, 'ada offline. ');
    bob.doc.getText('t').insert(0, 'bob offline. ');
    ada.leave(); // Ada reloads the page while the server is still down

    const reloaded = tab(first.url, 'notes');
    expect(await reloaded.restored).toBe(true);
    expect(text(reloaded)).toBe('online. ada offline. '); // the last state, with no server at all
    expect(reloaded.syncStatus).toBe('synchronizing');

    const second = await startKuiper({}, { port: first.port }); // the server is back, same store
    const collab = attachCollab(second.server, { store });
    onCleanup(() => collab.detach());
    await reloaded.synced;
    await eventually(() => expect(reloaded.syncStatus).toBe('synchronized'), 15_000);
    await eventually(() => expect(bob.syncStatus).toBe('synchronized'), 15_000);
    await Promise.all([reloaded.flush(), bob.flush()]);
    await eventually(() => expect(text(bob)).toBe(text(reloaded)));
    expect(text(reloaded)).toContain('ada offline. ');
    expect(text(reloaded)).toContain('bob offline. ');

    const late = member(second.url, 'notes').room; // what the server stored
    await late.synced;
    expect(text(late)).toBe(text(reloaded));
  });

  it('[COLLAB-33] the local copy holds what the server sent, so a reload offline shows other members\' edits too', async () => {
    const { url, server } = await startCollab();
    const writer = member(url, 'shared').room;
    const reader = tab(url, 'shared');
    await Promise.all([writer.synced, reader.synced]);
    writer.doc.getText('t').insert(0, 'from the writer');
    await writer.flush();
    await eventually(() => expect(text(reader)).toBe('from the writer'));
    reader.leave();
    await server.close();

    const reloaded = tab(url, 'shared');
    expect(await reloaded.restored).toBe(true);
    expect(text(reloaded)).toBe('from the writer');
  });

  it('[COLLAB-35] leave() stops keeping edits; forgetOfflineRoom deletes the local copy', async () => {
    const { url } = await startCollab();
    const first = tab(url, 'kept');
    await first.synced;
    first.doc.getText('t').insert(0, 'kept');
    await first.flush();
    first.leave();
    first.doc.getText('t').insert(4, ' after leave'); // the document stays usable, but is no longer kept

    const again = tab(url, 'kept');
    expect(await again.restored).toBe(true);
    expect(text(again)).toBe('kept');
    again.leave();

    expect(await forgetOfflineRoom('kept')).toEqual({ ok: true, value: undefined });
    // No server answers here: only a local copy could fill the document.
    const forgotten = enterRoom(newClient('http://127.0.0.1:9/bayeux', quick), 'kept', { offline: true });
    onCleanup(() => forgotten.leave());
    expect(await forgotten.restored).toBe(true);
    expect(text(forgotten)).toBe('');
  });

  it('[COLLAB-35] without IndexedDB the room reports offline_unavailable and still works online', async () => {
    delete globals.indexedDB;
    const { url } = await startCollab();
    const room = enterRoom(newClient(url), 'no-idb', { offline: true });
    onCleanup(() => room.leave());
    const errors: string[] = [];
    room.onError((e) => errors.push(e.code));
    expect(await room.restored).toBe(false);
    expect(errors).toEqual(['offline_unavailable']);
    await room.synced;
    room.doc.getText('t').insert(0, 'online only');
    await room.flush();
    expect(await forgetOfflineRoom('no-idb')).toMatchObject({ ok: false, error: { code: 'offline_unavailable' } });
  });
});
