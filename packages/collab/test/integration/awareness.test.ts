// [COLLAB-46] A y-protocols Awareness over room presence, on a real server: what one member's editor
// sets (its user, its cursor) is in the other's awareness under its doc's clientID, with the change
// events editor bindings listen to; a member that stops or leaves is removed when presence says so,
// never by awareness's own 30-second timeout while it is still here; a malformed peer is ignored.
import { describe, expect, it, vi } from 'vitest';
import type { Awareness } from 'y-protocols/awareness';
import { onCleanup } from '@kuiper/testkit';
import { AWARENESS_ORIGIN, createAwareness } from '../../src/index.js';
import { member, startCollab } from './helpers.js';

const THROTTLE = { throttleMs: 10 };

function awarenessOf(room: Parameters<typeof createAwareness>[0], options?: Parameters<typeof createAwareness>[1]): Awareness {
  const awareness = createAwareness(room, options);
  onCleanup(() => awareness.destroy());
  return awareness;
}

/** Every 'change' an awareness emits, as [added, updated, removed, origin]. */
function changes(awareness: Awareness): unknown[][] {
  const seen: unknown[][] = [];
  awareness.on('change', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => seen.push([added, updated, removed, origin]));
  return seen;
}

describe('[COLLAB-46] createAwareness', () => {
  it('Ada\'s user and cursor reach Bob\'s awareness under her clientID, with added and updated changes; her destroy removes her', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'aw-1', THROTTLE).room;
    const bob = member(url, 'aw-1', THROTTLE).room;
    await Promise.all([ada.synced, bob.synced]);
    const adaAwareness = awarenessOf(ada);
    const bobAwareness = awarenessOf(bob);
    expect(adaAwareness.clientID).toBe(ada.doc.clientID);
    const heard = changes(bobAwareness);

    adaAwareness.setLocalStateField('user', { name: 'Ada', color: '#e03131' });
    await vi.waitFor(() => expect(bobAwareness.getStates().get(ada.doc.clientID)).toEqual({ user: { name: 'Ada', color: '#e03131' } }));
    adaAwareness.setLocalStateField('cursor', { anchor: { tname: 'prosemirror', item: { client: ada.doc.clientID, clock: 4 }, assoc: 0 }, head: null });
    await vi.waitFor(() => expect(bobAwareness.getStates().get(ada.doc.clientID)).toMatchObject({ cursor: { anchor: { item: { clock: 4 } }, head: null } }));
    // Bob's own state is his, and Ada sees it too.
    bobAwareness.setLocalStateField('user', { name: 'Bob' });
    await vi.waitFor(() => expect(adaAwareness.getStates().get(bob.doc.clientID)).toEqual({ user: { name: 'Bob' } }));
    expect(bobAwareness.getLocalState()).toEqual({ user: { name: 'Bob' } });
    expect(heard.some(([added, , , origin]) => (added as number[]).includes(ada.doc.clientID) && origin === AWARENESS_ORIGIN)).toBe(true);
    expect(heard.some(([, updated]) => (updated as number[]).includes(ada.doc.clientID))).toBe(true);

    adaAwareness.destroy();
    await vi.waitFor(() => expect(bobAwareness.getStates().has(ada.doc.clientID)).toBe(false));
    expect(heard.at(-1)).toEqual([[], [], [ada.doc.clientID], AWARENESS_ORIGIN]);
    expect(ada.presence.get()['awareness']).toBeNull(); // her other presence fields stay
  });

  it('a member who leaves the room is removed from the others\' awareness, as presence says', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'aw-2', THROTTLE);
    const bob = member(url, 'aw-2', THROTTLE).room;
    await Promise.all([ada.room.synced, bob.synced]);
    awarenessOf(ada.room).setLocalStateField('user', { name: 'Ada' });
    const bobAwareness = awarenessOf(bob);
    await vi.waitFor(() => expect(bobAwareness.getStates().has(ada.room.doc.clientID)).toBe(true));
    ada.room.leave();
    await vi.waitFor(() => expect([...bobAwareness.getStates().keys()]).toEqual([bob.doc.clientID]), { timeout: 10_000 });
  });

  it('a member who is still here is not dropped after awareness\'s 30 s without an update', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'aw-3', THROTTLE).room;
    const bob = member(url, 'aw-3', THROTTLE).room;
    await Promise.all([ada.synced, bob.synced]);
    awarenessOf(ada).setLocalStateField('user', { name: 'Ada' });
    const bobAwareness = awarenessOf(bob, { keepAliveMs: 100 });
    await vi.waitFor(() => expect(bobAwareness.getStates().has(ada.doc.clientID)).toBe(true));
    // As if Ada had said nothing for a minute: y-protocols checks every 3 s and drops what is 30 s old.
    bobAwareness.meta.set(ada.doc.clientID, { clock: 1, lastUpdated: Date.now() - 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(bobAwareness.getStates().get(ada.doc.clientID)).toEqual({ user: { name: 'Ada' } });
  });

  it('a peer\'s malformed awareness field is ignored; the well-formed peers still show', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'aw-4', THROTTLE).room;
    const mallory = member(url, 'aw-4', THROTTLE).room;
    const bob = member(url, 'aw-4', THROTTLE).room;
    await Promise.all([ada.synced, mallory.synced, bob.synced]);
    const bobAwareness = awarenessOf(bob);
    mallory.presence.set({ awareness: { clientID: -3, state: { user: 'x' } }, name: 'Mallory' });
    awarenessOf(ada).setLocalStateField('user', { name: 'Ada' });
    await vi.waitFor(() => expect(bob.presence.others().map((o) => o.state['name'])).toContain('Mallory'));
    mallory.presence.set({ awareness: { clientID: 7, state: 'not an object' } });
    mallory.presence.set({ awareness: [1, 2] });
    await vi.waitFor(() => expect(bobAwareness.getStates().has(ada.doc.clientID)).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...bobAwareness.getStates().keys()].sort()).toEqual([ada.doc.clientID, bob.doc.clientID].sort());
  });
});
