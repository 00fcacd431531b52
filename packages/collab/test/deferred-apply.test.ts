// The authority's copy of the document is brought up to date when read (SPEC: COLLAB-37): stored
// updates wait and are applied together, and every read — a sync step 1, a snapshot — sees them all.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomAuthority, type ServerMessage } from '../src/index.js';
import { DeferredDoc, MAX_WAITING } from '../src/core/deferred-doc.js';
import { ManualClock } from './helpers/clock.js';
import { ProbeStore } from './helpers/stores.js';

/** One editor's successive updates, each typing one more character. */
function edits(count: number, client = 7): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = client;
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, String.fromCharCode(97 + (i % 26)));
  return out;
}

async function room() {
  const sent: ServerMessage[] = [];
  const store = new ProbeStore();
  const clock = new ManualClock();
  const loaded = await RoomAuthority.load({ room: 'room-1', store, clock, sendTo: (_to, m) => sent.push(m), broadcast: () => undefined });
  if (!loaded.ok) throw new Error(loaded.error.message);
  loaded.value.join('ada', { canWrite: true });
  loaded.value.join('bob', { canWrite: true });
  return { authority: loaded.value, sent, store, clock };
}

describe('the authority applies stored updates when its document is read (COLLAB-37)', () => {
  it('[COLLAB-37] updates stored one by one are applied in one transaction by the next read', async () => {
    const { authority } = await room();
    const updates = edits(4);
    await authority.handle('ada', { type: 'update', id: 'u0', update: updates[0]! });
    let transactions = 0;
    authority.doc.on('afterTransaction', () => transactions++); // this read applied u0
    for (let i = 1; i < 4; i++) await authority.handle('ada', { type: 'update', id: `u${i}`, update: updates[i]! });
    expect(transactions).toBe(0);
    expect(authority.doc.getText('t').toString()).toBe('abcd');
    expect(transactions).toBe(1);
  });

  it('[COLLAB-37] sync step 2 and the snapshot hold every stored update, applied or not', async () => {
    const { authority, sent, store, clock } = await room();
    const updates = edits(3);
    for (const [i, update] of updates.entries()) await authority.handle('ada', { type: 'update', id: `u${i}`, update });
    await authority.handle('bob', { type: 'sync-1', stateVector: Y.encodeStateVector(new Y.Doc()) });
    const step2 = sent.find((m) => m.type === 'sync-2');
    const joiner = new Y.Doc();
    if (step2?.type === 'sync-2') Y.applyUpdate(joiner, step2.update);
    expect(joiner.getText('t').toString()).toBe('abc');
    const more = edits(5).slice(3);
    for (const [i, update] of more.entries()) await authority.handle('ada', { type: 'update', id: `v${i}`, update });
    clock.advance(10_000);
    await authority.idle();
    const stored = await store.load('room-1');
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored.snapshot!);
    expect(stored.updates).toEqual([]);
    expect(reloaded.getText('t').toString()).toBe('abcde');
  });

  it('[COLLAB-37] a joiner after updates stored since the previous joiner gets them (the cached whole state is not stale)', async () => {
    const { authority, sent } = await room();
    const empty = Y.encodeStateVector(new Y.Doc());
    await authority.handle('ada', { type: 'sync-1', stateVector: empty }); // caches the whole (empty) state
    const [first] = edits(1);
    await authority.handle('ada', { type: 'update', id: 'u0', update: first! });
    await authority.handle('bob', { type: 'sync-1', stateVector: empty });
    const steps = sent.filter((m) => m.type === 'sync-2');
    const joiner = new Y.Doc();
    const last = steps.at(-1);
    if (last?.type === 'sync-2') Y.applyUpdate(joiner, last.update);
    expect(steps).toHaveLength(2);
    expect(joiner.getText('t').toString()).toBe('a');
  });

  it('[COLLAB-37] a backlog past its bound is applied at the end of the turn, without waiting for a read', async () => {
    const deferred = new DeferredDoc('authority', () => undefined);
    let transactions = 0;
    deferred.raw.on('afterTransaction', () => transactions++);
    for (const update of edits(MAX_WAITING + 36)) deferred.add(update);
    expect(transactions).toBe(0); // not in the middle of whoever added them
    await new Promise((resolve) => setImmediate(resolve));
    expect(transactions).toBe(1);
    expect(deferred.raw.getText('t').length).toBe(MAX_WAITING + 36);
  });

  it('[COLLAB-37] the update that fills the backlog is relayed before the backlog is applied', async () => {
    const relayedAt: number[] = [];
    let transactions = 0;
    const loaded = await RoomAuthority.load({
      room: 'room-1',
      store: new ProbeStore(),
      sendTo: () => undefined,
      broadcast: (m) => void (m.type === 'room-update' && relayedAt.push(transactions)),
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const authority = loaded.value;
    authority.join('ada', { canWrite: true });
    authority.doc.on('afterTransaction', () => transactions++);
    const updates = edits(MAX_WAITING);
    for (const [i, update] of updates.entries()) await authority.handle('ada', { type: 'update', id: `u${i}`, update });
    await new Promise((resolve) => setImmediate(resolve));
    expect(relayedAt).toHaveLength(MAX_WAITING);
    expect(relayedAt.at(-1)).toBe(0); // the last relay went out with the whole backlog still waiting
    expect(transactions).toBe(1);
    expect(authority.doc.getText('t').length).toBe(MAX_WAITING);
  });

  it('[COLLAB-37] a backlog waiting when the room closes is not applied to the destroyed copy', async () => {
    const { authority } = await room();
    const errors: unknown[] = [];
    const deferred = new DeferredDoc('authority', (thrown) => errors.push(thrown));
    for (const update of edits(MAX_WAITING)) deferred.add(update);
    deferred.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(deferred.raw.getText('t').length).toBe(0);
    expect(errors).toEqual([]);
    await authority.close();
  });

  it('[COLLAB-37] an update Yjs throws on is reported and the document stays readable', () => {
    const errors: unknown[] = [];
    const deferred = new DeferredDoc('authority', (thrown) => errors.push(thrown));
    deferred.add(edits(1)[0]!);
    deferred.add(new Uint8Array([255, 255, 255, 255]));
    expect(() => deferred.doc).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});
