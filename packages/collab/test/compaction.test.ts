// Snapshots and log compaction (SPEC: COLLAB-14), with time driven by a manual clock.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomAuthority, type CollabError } from '../src/index.js';
import { ManualClock } from './helpers/clock.js';
import { Network } from './helpers/network.js';
import { ProbeStore } from './helpers/stores.js';

const snapshots = (store: ProbeStore): string[] => store.calls.filter((c) => c.startsWith('snapshot'));

async function editing() {
  const store = new ProbeStore();
  const clock = new ManualClock();
  const net = await new Network({ store, clock }).open();
  const ada = net.add('ada');
  net.connect(ada);
  await net.settle();
  const edit = async (text: string): Promise<void> => {
    ada.sync.doc.getText('t').insert(0, text);
    await net.settle();
  };
  return { store, clock, net, ada, edit };
}

describe('compaction', () => {
  it('[COLLAB-14] a snapshot is written after 2 s of quiet, or 10 s after the first unsnapshotted update at the latest', async () => {
    const { store, clock, net, edit } = await editing();
    for (let i = 0; i < 9; i++) {
      await edit(`${i}`);
      clock.advance(1000);
      await net.authority.idle();
    }
    expect(snapshots(store)).toEqual([]); // edits every second keep pushing the debounce back
    await edit('9');
    clock.advance(1000); // 10 s after the first edit: the maximum wait
    await net.authority.idle();
    expect(snapshots(store)).toEqual(['snapshot:10']);
    await edit('a');
    clock.advance(1999);
    await net.authority.idle();
    expect(snapshots(store)).toHaveLength(1);
    clock.advance(1);
    await net.authority.idle();
    expect(snapshots(store)).toEqual(['snapshot:10', 'snapshot:11']);
    const stored = await store.load('room-1');
    expect(stored.updates).toEqual([]); // the log is truncated up to the snapshot
    expect(stored.snapshotSeq).toBe(11);
    const reloaded = await RoomAuthority.load({ room: 'room-1', store, sendTo: () => undefined, broadcast: () => undefined });
    expect(reloaded.ok && reloaded.value.doc.getText('t').toString()).toBe('a9876543210');
  });

  it('[COLLAB-14] a failed snapshot loses nothing: the log stays and a later snapshot succeeds', async () => {
    const errors: CollabError[] = [];
    const store = new ProbeStore();
    const clock = new ManualClock();
    store.failSnapshot = true;
    const loaded = await RoomAuthority.load({ room: 'room-1', store, clock, sendTo: () => undefined, broadcast: () => undefined, onError: (e) => errors.push(e) });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const authority = loaded.value;
    authority.join('c', { canWrite: true });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'kept');
    await authority.handle('c', { type: 'update', id: 'u1', update: Y.encodeStateAsUpdate(doc) });
    clock.advance(2000);
    await authority.idle();
    expect(errors.map((e) => e.code)).toEqual(['store_failed']);
    expect((await store.load('room-1')).updates).toHaveLength(1);
    store.failSnapshot = false;
    await authority.close(); // closing writes the final snapshot
    const stored = await store.load('room-1');
    expect(stored.updates).toEqual([]);
    const back = new Y.Doc();
    Y.applyUpdate(back, stored.snapshot!);
    expect(back.getText('t').toString()).toBe('kept');
  });

  it('[COLLAB-14] a room with an uncompacted log schedules a snapshot on load; a clean one writes nothing on close', async () => {
    const store = new ProbeStore();
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x');
    await store.appendUpdate('room-1', Y.encodeStateAsUpdate(doc));
    const clock = new ManualClock();
    const loaded = await RoomAuthority.load({ room: 'room-1', store, clock, sendTo: () => undefined, broadcast: () => undefined });
    if (!loaded.ok) throw new Error(loaded.error.message);
    clock.advance(2000);
    await loaded.value.idle();
    expect(snapshots(store)).toEqual(['snapshot:1']);
    await loaded.value.close();
    expect(snapshots(store)).toEqual(['snapshot:1']);
    expect(clock.pending).toBe(0);
  });
});
