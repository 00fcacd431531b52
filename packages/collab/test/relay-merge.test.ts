// How the room's authority relays stored updates to its members (SPEC: COLLAB-36): one room-update
// per stored batch — or per relay window — with the sender's origin when there is one sender.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RoomAuthority, type ServerMessage } from '../src/index.js';
import type { RoomAuthorityOptions } from '../src/core/room-authority.js';
import { MERGED_ORIGIN } from '../src/core/update-relay.js';
import { ManualClock } from './helpers/clock.js';
import { ProbeStore } from './helpers/stores.js';

type Sent = { to: string | 'all'; message: ServerMessage };

async function authority(options: Partial<RoomAuthorityOptions> = {}) {
  const out: Sent[] = [];
  const store = new ProbeStore();
  const clock = new ManualClock();
  const loaded = await RoomAuthority.load({
    room: 'room-1',
    store,
    clock,
    sendTo: (to, message) => out.push({ to, message }),
    broadcast: (message) => out.push({ to: 'all', message }),
    ...options,
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const room = loaded.value;
  for (const who of ['ada', 'bob', 'cyd']) room.join(who, { canWrite: true });
  const relayed = () => out.filter((s) => s.message.type === 'room-update').map((s) => s.message as Extract<ServerMessage, { type: 'room-update' }>);
  const acked = () => out.filter((s) => s.message.type === 'ack').map((s) => s.to);
  return { room, store, clock, relayed, acked };
}

/** An editor's document and the updates its edits produce. */
function editor(client: number) {
  const doc = new Y.Doc();
  doc.clientID = client;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates, type: (text: string) => doc.getText('t').insert(doc.getText('t').length, text) };
}

const textOf = (...updates: Uint8Array[]): string => {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('t').toString();
};

describe('relaying stored updates (COLLAB-36)', () => {
  it('[COLLAB-36] updates of several senders stored in one batch go out as one merged room-update that no member skips', async () => {
    const { room, store, relayed, acked } = await authority();
    const ada = editor(1);
    const bob = editor(2);
    ada.type('a');
    bob.type('b');
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const first = room.handle('ada', { type: 'update', id: 'a1', update: ada.updates[0]! });
    // A turn later the batch closed (COLLAB-19) and its append waits on the store.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(store.calls.at(-1)).toBe('append');
    ada.type('c');
    const rest = [room.handle('ada', { type: 'update', id: 'a2', update: ada.updates[1]! }), room.handle('bob', { type: 'update', id: 'b1', update: bob.updates[0]! })];
    open();
    await Promise.all([first, ...rest]);
    const updates = relayed();
    expect(updates.map((u) => u.origin)).toEqual(['ada', MERGED_ORIGIN]);
    expect(acked()).toEqual(['ada', 'ada', 'bob']);
    // Everything the room holds arrived in the two relays, and a sender applying its own part again changes nothing.
    expect(textOf(...updates.map((u) => u.update))).toBe(room.doc.getText('t').toString());
    for (const u of updates) Y.applyUpdate(bob.doc, u.update);
    expect(bob.doc.getText('t').toString()).toBe(room.doc.getText('t').toString());
    expect(room.doc.getText('t').toString()).toHaveLength(3);
  });

  it('[COLLAB-19] [COLLAB-36] updates of one turn of the event loop are stored by one append and relayed as one room-update', async () => {
    const { room, store, relayed, acked } = await authority();
    const [ada, bob, cyd] = [editor(1), editor(2), editor(3)];
    ada.type('a');
    bob.type('b');
    cyd.type('c');
    await Promise.all([
      room.handle('ada', { type: 'update', id: 'a1', update: ada.updates[0]! }),
      room.handle('bob', { type: 'update', id: 'b1', update: bob.updates[0]! }),
      room.handle('cyd', { type: 'update', id: 'c1', update: cyd.updates[0]! }),
    ]);
    expect(store.calls.filter((c) => c === 'append')).toHaveLength(1);
    expect(acked()).toEqual(['ada', 'bob', 'cyd']);
    expect(relayed().map((u) => u.origin)).toEqual([MERGED_ORIGIN]);
    expect(textOf(relayed()[0]!.update)).toBe(room.doc.getText('t').toString());
    expect(room.doc.getText('t').toString()).toHaveLength(3);
  });

  it('[COLLAB-36] a batch of one sender keeps that sender as its origin, so the sender skips it (COLLAB-4)', async () => {
    const { room, relayed } = await authority();
    const ada = editor(1);
    ada.type('x');
    await room.handle('ada', { type: 'update', id: 'a1', update: ada.updates[0]! });
    expect(relayed()).toHaveLength(1);
    expect(relayed()[0]!.origin).toBe('ada');
  });

  it('[COLLAB-36] with a relay window, an update after a quiet spell goes at once and the ones stored within the window go together at its end', async () => {
    const { room, clock, relayed, acked } = await authority({ relayWindowMs: 20 });
    const ada = editor(1);
    const bob = editor(2);
    ada.type('a');
    await room.handle('ada', { type: 'update', id: 'a1', update: ada.updates[0]! });
    expect(relayed().map((u) => u.origin)).toEqual(['ada']); // the room was quiet: no wait
    clock.advance(5);
    ada.type('b');
    await room.handle('ada', { type: 'update', id: 'a2', update: ada.updates[1]! });
    clock.advance(5);
    bob.type('c');
    await room.handle('bob', { type: 'update', id: 'b1', update: bob.updates[0]! });
    expect(acked()).toEqual(['ada', 'ada', 'bob']); // acknowledged as stored, whatever the window
    expect(relayed()).toHaveLength(1);
    clock.advance(10);
    expect(relayed().map((u) => u.origin)).toEqual(['ada', MERGED_ORIGIN]);
    expect(textOf(...relayed().map((u) => u.update))).toBe(room.doc.getText('t').toString());
    clock.advance(100);
    ada.type('d');
    await room.handle('ada', { type: 'update', id: 'a3', update: ada.updates[2]! });
    expect(relayed().map((u) => u.origin)).toEqual(['ada', MERGED_ORIGIN, 'ada']);
  });

  it('[COLLAB-36] closing the room relays what its window still holds before the final snapshot', async () => {
    const { room, relayed, store } = await authority({ relayWindowMs: 1000 });
    const ada = editor(1);
    ada.type('hi');
    ada.type(' bye');
    await room.handle('ada', { type: 'update', id: 'a1', update: ada.updates[0]! });
    await room.handle('ada', { type: 'update', id: 'a2', update: ada.updates[1]! });
    expect(relayed()).toHaveLength(1);
    await room.close();
    expect(relayed()).toHaveLength(2);
    expect(textOf(...relayed().map((u) => u.update))).toBe('hi bye');
    expect(store.calls.at(-1)).toBe('snapshot:2');
  });
});
