// Presence (SPEC: COLLAB-8, COLLAB-9): per-connection entries, throttled latest-wins sends, and
// server-driven leaves, over the deterministic network.
import { describe, expect, it } from 'vitest';
import { PresenceState, type PresenceEvent, type PresenceSet } from '../src/index.js';
import { ManualClock } from './helpers/clock.js';
import { Network } from './helpers/network.js';
import { ProbeStore } from './helpers/stores.js';

async function room(options: { leaveDelayMs?: number } = {}) {
  const net = await new Network({ store: new ProbeStore(), throttleMs: 50, ...options }).open();
  return net;
}

const states = (p: PresenceState) => Object.fromEntries(p.others().map((e) => [e.connection, e.state]));

describe('presence', () => {
  it('[COLLAB-8] one entry per connection: a user with two tabs is two entries, and nobody sees itself', async () => {
    const net = await room();
    const ada1 = net.add('ada-tab1', { presence: { name: 'Ada' } });
    const ada2 = net.add('ada-tab2', { presence: { name: 'Ada' } });
    const bob = net.add('bob', { presence: { name: 'Bob' } });
    for (const m of [ada1, ada2, bob]) net.connect(m);
    await net.settle();
    expect(states(bob.presence)).toEqual({ 'ada-tab1#1': { name: 'Ada' }, 'ada-tab2#1': { name: 'Ada' } });
    expect(states(ada1.presence)).toEqual({ 'ada-tab2#1': { name: 'Ada' }, 'bob#1': { name: 'Bob' } });
    expect(ada1.presence.others()).toBe(ada1.presence.others()); // a stable snapshot until something changes
  });

  it('[COLLAB-8] sends are throttled and the latest state wins; join, update and leave are events', async () => {
    const net = await room();
    const [ada, bob] = [net.add('ada', { presence: { name: 'Ada' } }), net.add('bob')];
    net.connect(ada);
    net.connect(bob);
    await net.settle();
    const events: PresenceEvent[] = [];
    bob.presence.subscribe((e) => events.push(e));
    net.clock.advance(50);
    for (let x = 1; x <= 10; x++) ada.presence.set({ cursor: { x, y: 0 } });
    await net.settle();
    net.clock.advance(49);
    await net.settle();
    expect(states(bob.presence)['ada#1']).toEqual({ name: 'Ada', cursor: { x: 1, y: 0 } });
    net.clock.advance(1); // the throttle window ends: one send with the latest state
    await net.settle();
    expect(states(bob.presence)['ada#1']).toEqual({ name: 'Ada', cursor: { x: 10, y: 0 } });
    expect(ada.presence.get()).toEqual({ name: 'Ada', cursor: { x: 10, y: 0 } });
    net.disconnect(ada);
    await net.settle();
    expect(events.map((e) => e.type)).toEqual(['update', 'update', 'leave']);
    const carol = net.add('carol', { presence: { name: 'Carol' } });
    net.connect(carol);
    await net.settle();
    expect(events.at(-1)).toEqual({ type: 'join', connection: 'carol#1', state: { name: 'Carol' } });
  });

  it('[COLLAB-8] offline, a member sees nobody; it resends its state and gets a fresh snapshot on reconnect', async () => {
    const clock = new ManualClock();
    const sent: PresenceSet[] = [];
    const p = new PresenceState({ clock, send: (m) => sent.push(m), initial: { name: 'Ada' } });
    p.set({ x: 1 }); // offline: nothing goes out
    expect(sent).toEqual([]);
    p.connected();
    p.receive({ type: 'presence', snapshot: true, changes: [{ connection: 'b', state: { n: 1 } }, { connection: 'me', state: { stale: true } }] });
    p.setConnection('me');
    expect(p.others()).toEqual([{ connection: 'b', state: { n: 1 } }]);
    p.disconnected();
    expect(p.others()).toEqual([]);
    p.connected();
    expect(sent.map((m) => m.state)).toEqual([{ name: 'Ada', x: 1 }, { name: 'Ada', x: 1 }]);
    p.receive({ type: 'presence', snapshot: true, changes: [{ connection: 'c', state: {} }] });
    expect(p.others().map((e) => e.connection)).toEqual(['c']);
  });

  it('[COLLAB-9] a connection sets only its own entry, whatever the message says', async () => {
    const net = await room();
    const [ada, bob] = [net.add('ada', { presence: { name: 'Ada' } }), net.add('bob', { presence: { name: 'Bob' } })];
    net.connect(ada);
    net.connect(bob);
    await net.settle();
    // A forged field naming someone else is not even read: identity comes from the transport.
    const forged = { type: 'presence-set', state: { name: 'Mallory' }, connection: 'ada#1' } as const;
    await net.authority.handle('bob#1', forged);
    expect(Object.fromEntries(net.authority.presence.members)).toEqual({ 'ada#1': { name: 'Ada' }, 'bob#1': { name: 'Mallory' } });
    await net.authority.handle('stranger', { type: 'presence-set', state: { name: 'Eve' } });
    expect([...net.authority.presence.members.keys()]).toEqual(['ada#1', 'bob#1']);
  });

  it('[COLLAB-9] a departed connection leaves every view; a leave delay keeps it through a quick return', async () => {
    const net = await room({ leaveDelayMs: 1000 });
    const [ada, bob] = [net.add('ada', { presence: { name: 'Ada' } }), net.add('bob')];
    net.connect(ada);
    net.connect(bob);
    await net.settle();
    // The same connection id coming back within the delay (the adapter maps a quick reconnect to it).
    net.authority.leave('ada#1');
    net.clock.advance(999);
    net.authority.join('ada#1', { canWrite: true });
    net.clock.advance(5000);
    await net.settle();
    expect(Object.keys(states(bob.presence))).toEqual(['ada#1']);
    net.disconnect(ada);
    net.clock.advance(999);
    await net.settle();
    expect(Object.keys(states(bob.presence))).toEqual(['ada#1']);
    net.clock.advance(1);
    await net.settle();
    expect(states(bob.presence)).toEqual({});
    expect([...net.authority.presence.members.keys()]).toEqual(['bob#1']); // only bob's entry is left
  });
});

describe('[COLLAB-39] members that set no presence', () => {
  it('[COLLAB-39] share one empty state on the server, and each is still an entry the others see, until it sets one', async () => {
    const net = await room();
    const [ada, bob, cy] = [net.add('ada'), net.add('bob'), net.add('cy', { presence: { name: 'Cy' } })];
    for (const m of [ada, bob, cy]) net.connect(m);
    await net.settle();
    expect(states(cy.presence)).toEqual({ 'ada#1': {}, 'bob#1': {} });
    const held = net.authority.presence;
    expect(held.get('ada#1')).toBe(held.get('bob#1')); // one object for both, not one each
    net.clock.advance(50);
    ada.presence.set({ name: 'Ada' });
    await net.settle();
    net.clock.advance(50);
    await net.settle();
    expect(states(cy.presence)).toEqual({ 'ada#1': { name: 'Ada' }, 'bob#1': {} });
    expect(held.get('bob#1')).toEqual({});
  });
});
