// [COLLAB-40] A room whose small document is stored and unchanged keeps it encoded, not as a Y.Doc:
// it answers joiners and returning members from the encoding and wakes on the next update.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStore, RoomAuthority, type ServerMessage } from '../src/index.js';
import { ManualClock } from './helpers/clock.js';

async function room(store = new MemoryStore()) {
  const sent: Array<{ to: string; m: ServerMessage }> = [];
  const relayed: ServerMessage[] = [];
  const clock = new ManualClock();
  const loaded = await RoomAuthority.load({ room: 'r', store, clock, snapshotDebounceMs: 10, sendTo: (to, m) => sent.push({ to, m }), broadcast: (m) => relayed.push(m) });
  if (!loaded.ok) throw new Error(loaded.error.message);
  for (const who of ['ada', 'bob', 'cy']) loaded.value.join(who, { canWrite: true });
  return { authority: loaded.value, sent, relayed, clock, store };
}

/** The last sync step 2 sent to `to`, applied to `doc`. */
function applyStep2(sent: Array<{ to: string; m: ServerMessage }>, to: string, doc: Y.Doc): void {
  const step2 = sent.filter((s) => s.to === to && s.m.type === 'sync-2').at(-1)?.m;
  if (step2?.type !== 'sync-2') throw new Error(`no sync-2 to ${to}`);
  Y.applyUpdate(doc, step2.update);
}

describe('[COLLAB-40] a sleeping room', () => {
  it('[COLLAB-40] sleeps once stored, answers a joiner and a returning member asleep, wakes on an update and sleeps again', async () => {
    const { authority, sent, relayed, clock, store } = await room();
    const ada = new Y.Doc();
    const updates: Uint8Array[] = [];
    ada.on('update', (u: Uint8Array) => updates.push(u));
    ada.getText('t').insert(0, 'hello');
    const behind = Y.encodeStateVector(ada); // what a member that saw only "hello" holds
    ada.getText('t').insert(5, ' world');
    for (const [i, update] of updates.entries()) await authority.handle('ada', { type: 'update', id: `u${i}`, update });
    expect(authority.asleep).toBe(false); // not stored as a snapshot yet
    clock.advance(10);
    await authority.idle();
    expect(authority.asleep).toBe(true);
    // A late joiner (empty state vector) gets the whole document; the room sleeps on.
    await authority.handle('bob', { type: 'sync-1', stateVector: Y.encodeStateVector(new Y.Doc()) });
    const bob = new Y.Doc();
    applyStep2(sent, 'bob', bob);
    expect(bob.getText('t').toString()).toBe('hello world');
    // A returning member that has part of it gets the rest.
    const cy = new Y.Doc();
    Y.applyUpdate(cy, updates[0]!);
    expect(Y.encodeStateVector(cy)).toEqual(behind);
    await authority.handle('cy', { type: 'sync-1', stateVector: behind });
    applyStep2(sent, 'cy', cy);
    expect(cy.getText('t').toString()).toBe('hello world');
    expect(authority.asleep).toBe(true);
    // An update wakes it: relayed and acknowledged as ever, and the document holds every edit.
    const before = updates.length;
    bob.on('update', (u: Uint8Array) => updates.push(u));
    bob.getText('t').insert(0, '> ');
    await authority.handle('bob', { type: 'update', id: 'b1', update: updates[before]! });
    expect(relayed.at(-1)).toMatchObject({ type: 'room-update', origin: 'bob' });
    expect(sent.at(-1)).toEqual({ to: 'bob', m: { type: 'ack', ids: ['b1'] } });
    expect(authority.asleep).toBe(false);
    expect(authority.doc.getText('t').toString()).toBe('> hello world');
    clock.advance(10);
    await authority.idle();
    expect(authority.asleep).toBe(true);
    const stored = await store.load('r');
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored.snapshot!);
    expect(reloaded.getText('t').toString()).toBe('> hello world');
    await authority.close();
  });

  it('[COLLAB-40] a room loaded from a small snapshot alone sleeps from the start; one with updates after it does not', async () => {
    const store = new MemoryStore();
    const source = new Y.Doc();
    source.getText('t').insert(0, 'stored');
    await store.writeSnapshot('r', Y.encodeStateAsUpdate(source), 0);
    const { authority, sent } = await room(store);
    expect(authority.asleep).toBe(true);
    await authority.handle('ada', { type: 'sync-1', stateVector: Y.encodeStateVector(new Y.Doc()) });
    const ada = new Y.Doc();
    applyStep2(sent, 'ada', ada);
    expect(ada.getText('t').toString()).toBe('stored');
    await authority.close();
    await store.appendUpdate('r', (() => {
      const more = new Y.Doc();
      Y.applyUpdate(more, Y.encodeStateAsUpdate(source));
      const sv = Y.encodeStateVector(more);
      more.getText('t').insert(6, '!');
      return Y.encodeStateAsUpdate(more, sv);
    })());
    const reopened = await room(store);
    expect(reopened.authority.asleep).toBe(false);
    expect(reopened.authority.doc.getText('t').toString()).toBe('stored!');
    await reopened.authority.close();
  });

  it('[COLLAB-40] a document of 2 KiB or more stays a Y.Doc; a closed room does not sleep', async () => {
    const { authority, clock } = await room();
    const big = new Y.Doc();
    big.getText('t').insert(0, 'x'.repeat(4096));
    await authority.handle('ada', { type: 'update', id: 'u0', update: Y.encodeStateAsUpdate(big) });
    clock.advance(10);
    await authority.idle();
    expect(authority.asleep).toBe(false);
    await authority.close();
    expect(authority.asleep).toBe(false);
  });
});
