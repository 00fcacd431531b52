// A session subscribed to a channel and to a wildcard over it gets each publish once (SPEC:
// ENG-STREAM-10), when the wildcard is subscribed on another node than the one serving it while the
// channel's stream is feeding it, and when it then moves to that other node. Found by the seeded
// traffic of ack-fuzz.test.ts: before, the publishes made between the wildcard's subscribe and the
// serving node learning of it came twice (once from each stream).
import { describe, expect, it } from 'vitest';
import { ackHandshake, bayeux, cleanup, immediateConnect, msgId, replyTo, type WireMessage } from '@kuiper/testkit';
import { startCluster, type ClusterNode, type SharedRedis } from './cluster.js';

interface AckSession {
  id: string;
  acked: number | undefined;
  got: string[];
}

async function ackSession(url: string): Promise<AckSession> {
  return { id: await ackHandshake(url), acked: undefined, got: [] };
}

async function subscribe(node: ClusterNode, s: AckSession, pattern: string): Promise<void> {
  const m = { channel: '/meta/subscribe', clientId: s.id, subscription: pattern, id: msgId() };
  expect(replyTo(await bayeux(node.url, [m]), m.id).successful).toBe(true);
}

/** An immediate connect; what it delivers is what the application gets (`channel:data`). */
async function connect(node: ClusterNode, s: AckSession): Promise<void> {
  const c = { ...immediateConnect(s.id), ext: s.acked === undefined ? {} : { ack: s.acked } };
  const replies = await bayeux(node.url, [c]);
  const reply = replyTo(replies, c.id);
  expect(reply.successful).toBe(true);
  s.acked = (reply.ext as { ack: number }).ack;
  s.got.push(...replies.filter((m: WireMessage) => m.id !== c.id).map((m) => `${m.channel ?? ''}:${String(m.data)}`));
}

// On one Redis, and on a Redis Cluster, where the two streams live on two masters with no common
// order: there the node learns what the channels' streams gave from their reads (ENG-STREAM-12).
describe.each(['redis', 'redis-cluster'] as SharedRedis[])('a channel and a wildcard over it, on %s', (on) => {
  it('[ENG-STREAM-10][REDIS-1] the wildcard subscribed on the other node, then a move: every publish once', async () => {
    const { nodes } = await startCluster(cleanup, 2, { timeout: 250 }, on);
    const [a, b] = nodes as [ClusterNode, ClusterNode];
    const s = await ackSession(a.url);
    await connect(b, s);
    await subscribe(a, s, '/ov/b');
    await subscribe(a, s, '/ov/c');
    await connect(b, s);
    let n = 0;
    const round = async (): Promise<void> => {
      for (const channel of ['/ov/b', '/ov/c']) await nodes[n % 2]?.kuiper.publish(channel, ++n);
    };
    await round();
    // Served by B, subscribed to the wildcard through A while publishes go on: B learns of it a
    // moment after the channels' streams gave it some of the same publishes.
    const burst = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await round();
    };
    await Promise.all([subscribe(a, s, '/ov/*'), burst()]);
    await round();
    await connect(b, s);
    await round();
    // Then served by A, from the positions B left.
    await connect(a, s);
    await connect(b, s);
    await connect(a, s);
    const want = Array.from({ length: n }, (_, i) => `/ov/${i % 2 === 0 ? 'b' : 'c'}:${i + 1}`);
    expect([...s.got].sort()).toEqual([...want].sort());
    // And in order per channel (nothing is published while the session moves).
    for (const channel of ['/ov/b', '/ov/c']) {
      expect(s.got.filter((g) => g.startsWith(channel))).toEqual(want.filter((w) => w.startsWith(channel)));
    }
  });
});
