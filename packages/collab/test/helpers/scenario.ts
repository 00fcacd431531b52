/**
 * A fuzz scenario: a list of operations run against N members and one authority on the
 * deterministic network, with invariants checked after every operation and convergence at the end
 * (SPEC: COLLAB-18). Used by the fast-check property and by the named regression scenarios.
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { MemoryStore } from '../../src/index.js';
import { content, Network, type Member } from './network.js';

export type Op =
  | { k: 'insert'; m: number; at: number; text: string }
  | { k: 'delete'; m: number; at: number; len: number }
  | { k: 'set'; m: number; key: string; value: number }
  | { k: 'presence'; m: number; x: number }
  | { k: 'disconnect'; m: number }
  | { k: 'connect'; m: number }
  /** Loses what is in flight (to the member, or both ways) and the same session re-syncs (no ack). */
  | { k: 'blip'; m: number; both: boolean }
  | { k: 'deliver'; picks: number[] }
  | { k: 'tick'; ms: number }
  | { k: 'flush'; m: number };

export interface Scenario {
  members: number;
  leaveDelayMs: number;
  ops: Op[];
}

interface Flush {
  member: string;
  done: boolean;
  failed: unknown;
  checked: boolean;
  state: Uint8Array;
}

async function storedDoc(store: MemoryStore): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const { snapshot, updates } = await store.load('room-1');
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  return doc;
}

const sameState = (a: Y.Doc, b: Y.Doc): boolean => Y.equalSnapshots(Y.snapshot(a), Y.snapshot(b));

function apply(net: Network, op: Op, flushes: Flush[]): Promise<unknown> | void {
  const member = (i: number): Member => net.members[i % net.members.length]!;
  switch (op.k) {
    case 'insert': {
      const text = member(op.m).sync.doc.getText('t');
      return text.insert(Math.floor(op.at * (text.length + 1)), op.text);
    }
    case 'delete': {
      const text = member(op.m).sync.doc.getText('t');
      const at = Math.floor(op.at * text.length);
      return text.delete(at, Math.min(op.len, text.length - at));
    }
    case 'set':
      return void member(op.m).sync.doc.getMap('m').set(op.key, op.value);
    case 'presence':
      return member(op.m).presence.set({ cursor: op.x });
    case 'disconnect':
      return net.disconnect(member(op.m));
    case 'connect':
      return net.connect(member(op.m));
    case 'blip':
      return net.blip(member(op.m), op.both);
    case 'tick':
      net.clock.advance(op.ms);
      return net.authority.idle();
    case 'flush': {
      // What the member holds when it asks: all of it must be stored once the flush resolves.
      const record = { member: member(op.m).name, done: false, failed: undefined as unknown, checked: false, state: Y.encodeStateAsUpdate(member(op.m).sync.doc) };
      flushes.push(record);
      void member(op.m).sync.flush().then(() => (record.done = true), (e: unknown) => (record.failed = e));
      return;
    }
    case 'deliver':
      return (async () => {
        for (const pick of op.picks) await net.step(pick);
      })();
  }
}

/** Checks made after every operation. */
async function invariants(net: Network, store: MemoryStore, checkedAcks: Map<Member, number>, flushes: Flush[]): Promise<void> {
  const stored = await storedDoc(store);
  // The authority applies only what is stored, and stores nothing it does not apply.
  expect(sameState(stored, net.authority.doc), 'authority document = stored document').toBe(true);
  // A resolved flush means everything its member held when it asked is stored.
  for (const f of flushes.filter((x) => x.done && !x.checked)) {
    const before = Y.snapshot(stored);
    Y.applyUpdate(stored, f.state);
    expect(Y.equalSnapshots(before, Y.snapshot(stored)), `${f.member}'s flush resolved before its edits were stored`).toBe(true);
    f.checked = true;
  }
  for (const m of net.members) {
    // No echo: every update a member sends holds only items its own client created.
    for (const update of m.sent.values()) {
      const foreign = Y.decodeUpdate(update).structs.filter((s) => s.id.client !== m.sync.doc.clientID);
      expect(foreign, `${m.name} sent items of other clients`).toEqual([]);
    }
    // Acknowledged ⊆ stored: applying an acknowledged update to the stored document changes nothing.
    const from = checkedAcks.get(m) ?? 0;
    for (const id of m.acked.slice(from)) {
      const before = Y.snapshot(stored);
      Y.applyUpdate(stored, m.sent.get(id)!);
      expect(Y.equalSnapshots(before, Y.snapshot(stored)), `${m.name}'s acked ${id} is not stored`).toBe(true);
    }
    checkedAcks.set(m, m.acked.length);
  }
}

export async function runScenario(scenario: Scenario): Promise<void> {
  const store = new MemoryStore();
  const net = await new Network({ store, throttleMs: 50, leaveDelayMs: scenario.leaveDelayMs }).open();
  for (let i = 0; i < scenario.members; i++) net.connect(net.add(`m${i}`, { presence: { n: i } }));
  const flushes: Flush[] = [];
  const checkedAcks = new Map<Member, number>();
  for (const op of scenario.ops) {
    await apply(net, op, flushes);
    await invariants(net, store, checkedAcks, flushes);
  }
  // The end: everyone back online, every timer run, nothing in flight.
  for (const m of net.members) net.connect(m);
  for (let round = 0; round < 3; round++) {
    await net.settle();
    net.clock.advance(scenario.leaveDelayMs + 2000);
    await net.authority.idle();
  }
  await net.settle();
  await invariants(net, store, checkedAcks, flushes);
  const truth = content(net.authority.doc);
  for (const m of net.members) {
    expect(content(m.sync.doc), `${m.name} converged`).toEqual(truth);
    expect(sameState(m.sync.doc, net.authority.doc), `${m.name} has the authority's state`).toBe(true);
    expect(m.sync.syncStatus).toBe('synchronized');
    expect(m.errors).toEqual([]);
    // Presence: exactly the other live connections, with their latest state — no ghosts.
    const others = Object.fromEntries(m.presence.others().map((e) => [e.connection, e.state]));
    const expected = Object.fromEntries(net.members.filter((o) => o !== m).map((o) => [o.connection!, o.presence.get()]));
    expect(others, `${m.name}'s view of presence`).toEqual(expected);
  }
  expect([...net.authority.presence.members.keys()].sort()).toEqual(net.members.map((m) => m.connection!).sort());
  await Promise.resolve();
  expect(flushes.filter((f) => !f.done), 'every flush resolved').toEqual([]);
}
