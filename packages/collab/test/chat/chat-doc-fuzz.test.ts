// [CHAT-11] [COLLAB-18] Documents and chat together on the deterministic networks: each member is a
// document member (test/helpers/network.ts) and a chat member (./chat-network.ts) whose links drop
// and come back together, with deliveries interleaved across both. At the end the documents converge
// and every chat window is what is stored, with no gap and no duplicate.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.js';
import { content, Network } from '../helpers/network.js';
import { ChatNetwork } from './chat-network.js';

type Op =
  | { k: 'type'; m: number; text: string }
  | { k: 'say'; m: number; text: string }
  | { k: 'drop'; m: number }
  | { k: 'back'; m: number }
  | { k: 'deliver'; picks: number[] };

async function run(members: number, ops: Op[]): Promise<void> {
  const docs = await new Network({ store: new MemoryStore(), throttleMs: 50 }).open();
  const chat = new ChatNetwork('together', 2);
  for (let i = 0; i < members; i++) {
    docs.connect(docs.add(`m${i}`));
    chat.connect(chat.add(`m${i}`));
  }
  const pick = <T>(list: T[], i: number): T => list[i % list.length]!;
  for (const op of ops) {
    if (op.k === 'type') {
      const t = pick(docs.members, op.m).sync.doc.getText('t');
      t.insert(t.length, op.text);
    } else if (op.k === 'say') void pick(chat.peers, op.m).client.send(op.text).catch(() => undefined);
    else if (op.k === 'drop') (docs.disconnect(pick(docs.members, op.m)), chat.disconnect(pick(chat.peers, op.m)));
    else if (op.k === 'back') (docs.connect(pick(docs.members, op.m)), chat.connect(pick(chat.peers, op.m)));
    else for (const p of op.picks) await (p % 2 === 0 ? docs.step(p >> 1) : chat.step(p >> 1));
    for (const peer of chat.peers) {
      const s = peer.client.messages().map((m) => m.serial);
      expect(s, `${peer.name}: no gap, no duplicate`).toEqual(s.map((_, i) => (s[0] ?? 1) + i));
    }
  }
  for (let i = 0; i < members; i++) (docs.connect(docs.members[i]!), chat.connect(chat.peers[i]!));
  for (let round = 0; round < 3; round++) {
    await docs.settle();
    docs.clock.advance(2000);
    await docs.authority.idle();
    await chat.settle();
  }
  const truth = content(docs.authority.doc);
  for (const m of docs.members) expect(content(m.sync.doc), `${m.name}'s document`).toEqual(truth);
  const stored = (await chat.store.chatPage(chat.room, { after: 0, limit: 1_000_000 })).messages;
  for (const peer of chat.peers) {
    for (let i = 0; i < 100; i++) {
      const more = peer.client.loadOlder(50);
      await chat.settle();
      if (!(await more)) break;
    }
    expect(peer.client.messages(), `${peer.name}'s chat`).toEqual(stored);
  }
}

const m = fc.integer({ min: 0, max: 2 });
const word = fc.string({ minLength: 1, maxLength: 5 }).filter((t) => t.trim() !== '');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('type' as const), m, text: word }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('say' as const), m, text: word }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), m }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('back' as const), m }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('deliver' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }) }) },
);

describe('documents and chat together', () => {
  it('[CHAT-11] [COLLAB-18] drops and reconnects hit both at once: documents converge, chat windows end as stored with no gap and no duplicate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 3 }), fc.array(op, { minLength: 10, maxLength: 80 }), (members, ops) => run(members, ops)),
      { numRuns: 80, seed: Number(process.env.COLLAB_FUZZ_SEED ?? 20261203) },
    );
  }, 120_000);
});
