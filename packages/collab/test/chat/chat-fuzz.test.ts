// [CHAT-11] Seeded fuzzing of chat on the deterministic network: random sends, edits, deletes, older
// pages, disconnects, reconnects and delivery orders. After every operation each member's window is
// ascending with no gap and no duplicate and every acknowledged message is stored under its serial;
// at the end every member's window (all pages loaded) is exactly what is stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatNetwork, type ChatPeer } from './chat-network.js';

type Op =
  | { k: 'send'; m: number; text: string }
  | { k: 'edit'; m: number; pick: number; text: string }
  | { k: 'delete'; m: number; pick: number }
  | { k: 'older'; m: number }
  | { k: 'disconnect'; m: number }
  | { k: 'connect'; m: number }
  | { k: 'blip'; m: number; both: boolean }
  | { k: 'tick' }
  | { k: 'deliver'; picks: number[] };

interface Scenario {
  members: number;
  ops: Op[];
}

let sends = 0;

function apply(net: ChatNetwork, op: Op): void | Promise<void> {
  const peer = (i: number): ChatPeer => net.peers[i % net.peers.length]!;
  switch (op.k) {
    case 'send': {
      const p = peer(op.m);
      void p.client.send(`${op.text}#${++sends}`).then((m) => void p.acked.push(m), (e: { code: string }) => void p.rejected.push(e.code));
      return;
    }
    case 'edit':
    case 'delete': {
      const p = peer(op.m);
      // Mostly its own messages; sometimes any serial, which the server must refuse if not its own.
      const own = p.acked[op.pick % Math.max(1, p.acked.length)];
      const serial = own && op.pick % 5 !== 0 ? own.serial : (op.pick % 7) + 1;
      const done = op.k === 'edit' ? p.client.edit(serial, op.text) : p.client.delete(serial);
      void done.then(() => undefined, (e: { code: string }) => void p.rejected.push(e.code));
      return;
    }
    case 'older':
      return void peer(op.m).client.loadOlder().catch(() => undefined);
    case 'disconnect':
      return net.disconnect(peer(op.m));
    case 'connect':
      return net.connect(peer(op.m));
    case 'blip':
      return net.blip(peer(op.m), op.both);
    case 'tick':
      return net.clock.advance(1000); // resends of sends whose answer was lost
    case 'deliver':
      return (async () => {
        for (const pick of op.picks) await net.step(pick);
      })();
  }
}

async function invariants(net: ChatNetwork): Promise<void> {
  const stored = (await net.store.chatPage(net.room, { after: 0, limit: 1_000_000 })).messages;
  for (const p of net.peers) {
    const serials = p.client.messages().map((m) => m.serial);
    const first = serials[0] ?? 1;
    expect(serials, `${p.name}'s window has no gap and no duplicate`).toEqual(serials.map((_, i) => first + i));
    for (const m of p.acked) expect(stored[m.serial - 1]?.sentAt, `${p.name}'s acknowledged ${m.serial} is stored`).toBe(m.sentAt);
    // Each send is stored at most once, resends included (every text is unique).
    const sent = stored.filter((m) => !m.deleted && m.editedAt === undefined).map((m) => m.text);
    expect(new Set(sent).size, 'no message stored twice').toBe(sent.length);
    expect(p.rejected.filter((code) => !['forbidden', 'not_found', 'send_failed'].includes(code)), `${p.name} got only expected refusals`).toEqual([]);
  }
}

async function runScenario(scenario: Scenario): Promise<void> {
  const net = new ChatNetwork();
  for (let i = 0; i < scenario.members; i++) net.connect(net.add(`m${i}`));
  for (const op of scenario.ops) {
    await apply(net, op);
    await invariants(net);
  }
  for (const p of net.peers) net.connect(p);
  for (let round = 0; round < 4; round++) {
    await net.settle();
    net.clock.advance(1000);
  }
  await net.settle();
  // Every page loaded: the window is all of it.
  for (const p of net.peers) {
    for (let i = 0; i < 100; i++) {
      const more = p.client.loadOlder(50);
      await net.settle();
      if (!(await more)) break;
    }
  }
  await invariants(net);
  const stored = (await net.store.chatPage(net.room, { after: 0, limit: 1_000_000 })).messages;
  for (const p of net.peers) expect(p.client.messages(), `${p.name} shows what is stored`).toEqual(stored);
}

const member = fc.integer({ min: 0, max: 3 });
const text = fc.string({ minLength: 1, maxLength: 8 }).filter((t) => t.trim() !== '');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('send' as const), m: member, text }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('edit' as const), m: member, pick: fc.nat(50), text }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), m: member, pick: fc.nat(50) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('older' as const), m: member }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('disconnect' as const), m: member }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('connect' as const), m: member }) },
  { weight: 1, arbitrary: fc.constant({ k: 'tick' as const }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('deliver' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 40 }) }) },
);
// Without the ack extension a reconnect continues the session but loses what was in flight.
const blip: fc.Arbitrary<Op> = fc.record({ k: fc.constant('blip' as const), m: member, both: fc.boolean() });
const opWithoutAck = fc.oneof({ weight: 10, arbitrary: op }, { weight: 2, arbitrary: blip });

describe('chat fuzz', () => {
  it('[CHAT-11] random sends, edits, deletes, pages and reconnects: no gap, no duplicate, acked ⊆ stored, every window ends as stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ members: fc.integer({ min: 2, max: 4 }), ops: fc.array(op, { minLength: 10, maxLength: 120 }) }), (scenario) => runScenario(scenario)),
      { numRuns: 120, seed: Number(process.env.COLLAB_FUZZ_SEED ?? 20261202) },
    );
  }, 120_000);

  it('[CHAT-11] [CHAT-5] without ack: sessions that lose what was in flight catch up, and every window still ends as stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ members: fc.integer({ min: 2, max: 4 }), ops: fc.array(opWithoutAck, { minLength: 10, maxLength: 120 }) }), (scenario) => runScenario(scenario)),
      { numRuns: 120, seed: Number(process.env.COLLAB_FUZZ_SEED ?? 20261203) },
    );
  }, 120_000);

  it('[CHAT-5] regression: a join whose answer was lost in flight is asked again, so broadcasts are not held for ever', async () => {
    await runScenario({
      members: 2,
      ops: [{ k: 'older', m: 0 }, { k: 'deliver', picks: [0] }, { k: 'send', m: 0, text: '!' }, { k: 'blip', m: 0, both: true }, { k: 'send', m: 0, text: '!' }],
    });
  });
});
