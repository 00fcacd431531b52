// What happens around a room's members over the real server: a failed load, a server restart on the
// LevelDB store, a session pruned after its connection died (COLLAB-20, COLLAB-25, COLLAB-26).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup, startKuiper } from '@kuiper/testkit';
import * as Y from 'yjs';
import { MemoryStore, type StoredDocument } from '../../src/index.js';
import { LevelStore } from '../../src/stores/level.js';
import { attachCollab } from '../../src/server/index.js';
import { member, severableFetch, startCollab, text } from './helpers.js';

function storedText(stored: StoredDocument): string {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const { update } of stored.updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kuiper-collab-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('room lifecycle over the real server', () => {
  it('[COLLAB-20] [COLLAB-13] a load that fails refuses the first member and writes nothing to the store', async () => {
    const store = new MemoryStore();
    await store.appendUpdate('broken', new Uint8Array([200, 1, 2, 3])); // bytes Yjs cannot decode
    const before = await store.load('broken');
    const { url, collab } = await startCollab({ store, onError: () => undefined });
    const { room } = member(url, 'broken');
    await expect(room.synced).rejects.toThrow(/500/);
    expect(collab.openRooms()).toEqual([]);
    expect(await store.load('broken')).toEqual(before);
  });

  it('[COLLAB-25] [COLLAB-16] an acknowledged edit survives a server restart on the LevelDB store; the member re-syncs and its offline edit lands', async () => {
    const dir = tempDir();
    const first = await startKuiper();
    let store = new LevelStore({ location: dir });
    let collab = attachCollab(first.server, { store });
    const { room } = member(first.url, 'durable', {}, { backoff: { base: 100, max: 200 } });
    await room.synced;
    room.doc.getText('t').insert(0, 'acked');
    await room.flush();

    // Stop: the server, then its store (LevelDB holds a lock on the directory).
    await collab.detach();
    await first.server.close();
    await store.close();
    room.doc.getText('t').insert(5, ' offline');
    expect(room.syncStatus).toBe('synchronizing');

    const second = await startKuiper({}, { port: first.port });
    store = new LevelStore({ location: dir });
    onCleanup(() => store.close());
    // On disk before the member can resend anything: the acknowledgement meant stored.
    expect(storedText(await store.load('durable'))).toBe('acked');
    collab = attachCollab(second.server, { store });
    onCleanup(() => collab.detach());
    await eventually(() => expect(room.syncStatus).toBe('synchronized'), 15_000);
    await room.flush();

    const late = member(second.url, 'durable').room;
    await late.synced;
    expect(text(late)).toBe('acked offline');
  });

  it('[COLLAB-26] a pruned session leaves the other members\' presence within maxInterval plus a second', async () => {
    const maxInterval = 500;
    const { url } = await startCollab({}, { maxInterval, timeout: 300, sweepIntervalMs: 50 });
    const link = severableFetch();
    const crashing = member(url, 'pruned', { presence: { name: 'Crash' } }, { transports: ['long-polling'], fetch: link.fetch }).room;
    const watcher = member(url, 'pruned', { presence: { name: 'Watch' } }).room;
    await Promise.all([crashing.synced, watcher.synced]);
    await eventually(() => expect(watcher.presence.others().map((e) => e.state['name'])).toEqual(['Crash']));

    link.cut(); // the server only stops hearing from it
    const since = Date.now();
    await eventually(() => expect(watcher.presence.others()).toEqual([]), maxInterval + 1000 + 300 /* the held connect */);
    expect(Date.now() - since).toBeLessThan(maxInterval + 1000 + 300);
  });
});
