// A session subscribed to a wildcard and a channel under it, on a real Redis Cluster (SPEC:
// ENG-STREAM-12): the two streams live on two masters with no common order, and the node serving
// the session next learns from its reads what each stream gave it, so a publish given through one
// is not given again when the other stream is read from a lagging position.
import type { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import { RedisEngine } from '../src/redis.js';
import { ENGINE_DEFAULTS } from './engine-contract.js';
import { REDIS_CLUSTER_NODES, clusterClient, clusterPrefix, deleteClusterPrefix, requireRedisCluster } from './helpers/redis-cluster.js';

let admin: Cluster;
const prefixes: string[] = [];
const engines: RedisEngine[] = [];
beforeAll(async () => {
  await requireRedisCluster();
  admin = clusterClient({ lazyConnect: true });
  await admin.connect();
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  admin?.disconnect();
  for (const p of prefixes.splice(0)) await deleteClusterPrefix(p);
});

async function nodes(options: { positionsMs?: number } = {}): Promise<[RedisEngine, RedisEngine]> {
  const prefix = clusterPrefix();
  prefixes.push(prefix);
  const pair = [0, 1].map(() => new RedisEngine({ cluster: REDIS_CLUSTER_NODES, prefix, ...options })) as [RedisEngine, RedisEngine];
  for (const e of pair) {
    e.start({ ...ENGINE_DEFAULTS, onEvent: () => undefined });
    engines.push(e);
  }
  await Promise.all(pair.map((e) => e.ready()));
  return pair;
}

const data = (messages: Message[]): unknown[] => messages.map((m) => m.data);

/** Takes on `node` until `count` messages came (a publish reaches a node through its feed a moment later). */
async function takeUntil(node: RedisEngine, id: string, count: number): Promise<unknown[]> {
  const got: unknown[] = [];
  await vi.waitFor(
    async () => {
      got.push(...data(await node.take(id)));
      expect(got.length).toBeGreaterThanOrEqual(count);
    },
    { timeout: 5000, interval: 20 },
  );
  return got;
}

/** Two nodes and a session on A following `<root>/*` and `<root>/b`, given publishes 1-3 of `<root>/b` there (each once). */
async function givenOnA(root: string): Promise<{ a: RedisEngine; b: RedisEngine; id: string }> {
  const [a, b] = await nodes();
  const id = await a.createSession();
  await a.subscribe(id, `${root}/*`);
  await a.subscribe(id, `${root}/b`);
  expect(await a.take(id)).toEqual([]);
  for (let i = 1; i <= 3; i++) await a.publish({ channel: `${root}/b`, data: i });
  // Each publish once on A, whichever of its two streams brought it first.
  expect(await takeUntil(a, id, 3)).toEqual([1, 2, 3]);
  // Both streams' copies came (the second passed, not given), and A's per-stream positions, the
  // floor for its sessions (ENG-STREAM-8, written once a second), hold them: otherwise a copy of 3
  // still on its way when a test sets the other stream's position back leaves no trace that 3 was given.
  await vi.waitFor(
    async () => {
      expect(await a.take(id)).toEqual([]);
      const floor = await admin.hmget(`${a.controlBase}np:${a.nodeId}`, `${root}/*`, `${root}/b`);
      expect(floor.map((v) => /^[0-9a-f]+:(\d+)/.exec(v ?? '')?.[1])).toEqual(['3', '3']);
    },
    { timeout: 5000, interval: 20 },
  );
  return { a, b, id };
}

describe('[ENG-STREAM-12] a wildcard and a channel under it, on the Redis Cluster', () => {
  it('a publish the node before gave through the wildcard is not given again from the channel\'s lagging stream', async () => {
    const { a, b, id } = await givenOnA('/ov');
    engines.splice(engines.indexOf(a), 1);
    await a.close();
    // What a node leaves when the channel's stream's copies were still on their way at its last
    // take: the session's position in /ov/b's stream behind what it was given through /ov/*
    // (unstamped: no node's per-stream positions are a floor for it, ENG-STREAM-8).
    const key = `${a.controlBase}pos:${id}`;
    const stored = (await admin.hget(key, '/ov/b')) ?? '';
    expect(stored).toMatch(/^[0-9a-f]+:\d+/);
    await admin.hset(key, '/ov/b', `${stored.slice(0, stored.indexOf(':'))}:0`);
    // B reads both streams: /ov/*'s read names what it gave at or below the session's position.
    expect(data(await b.take(id))).toEqual([]);
    await b.publish({ channel: '/ov/b', data: 4 });
    expect(await takeUntil(b, id, 1)).toEqual([4]);
    expect(await b.take(id)).toEqual([]);
  });

  it('a publish made before the wildcard was subscribed is given from the channel\'s stream, not taken as given', async () => {
    const [a, b] = await nodes();
    const id = await a.createSession();
    await a.subscribe(id, '/ov/b');
    // A second session keeps the wildcard's stream fed before this session subscribes to it.
    const other = await a.createSession();
    await a.subscribe(other, '/ov/*');
    await a.publish({ channel: '/ov/b', data: 1 });
    expect(await takeUntil(a, id, 1)).toEqual([1]);
    await a.subscribe(id, '/ov/*');
    engines.splice(engines.indexOf(a), 1);
    await a.close();
    // The session's position in /ov/*'s stream is past publish 1 (its start), in /ov/b's set back.
    const key = `${a.controlBase}pos:${id}`;
    const stored = (await admin.hget(key, '/ov/b')) ?? '';
    await admin.hset(key, '/ov/b', `${stored.slice(0, stored.indexOf(':'))}:0`);
    // Publish 1 is below /ov/*'s position but from before that subscription: /ov/b gives it (again,
    // as its position says it was not given; never lost on a guess).
    expect(data(await b.take(id))).toEqual([1]);
  });

  it('an ack session\'s batch acknowledged on another node after the wildcard that gave it was unsubscribed: not given again from the channel\'s lagging stream', async () => {
    // Only the records say where the session stands (no per-stream positions written behind).
    const [a, b] = await nodes({ positionsMs: 3_600_000 });
    const id = await a.createSession();
    await a.setAck(id, true);
    await a.subscribe(id, '/og/*');
    await a.subscribe(id, '/og/b');
    expect(await a.deliveryMode(id)).toEqual({ ack: true, unacked: undefined });
    for (let i = 1; i <= 3; i++) await a.publish({ channel: '/og/b', data: i });
    // Both streams' copies reach A (milliseconds on 127.0.0.1) before the batch is made: its
    // record then holds both streams past publish 3, and the lag is made below by hand.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const first = await a.takeBatch(id, undefined);
    expect(data(first.messages)).toEqual([1, 2, 3]);
    let acked = first.batch;
    engines.splice(engines.indexOf(a), 1);
    await a.close();
    // What A leaves when the channel's stream's copies were still on their way at the batch's take:
    // the records (the session's own, and its turn's) and the stored position in /ov/b's stream
    // behind what the batch gave through /og/*, which the records hold past publish 3.
    const base = a.controlBase;
    let wildcardHeld = false;
    for (const key of [`${base}ack:${id}`, `${base}t:${acked}`]) {
      const text = await admin.get(key);
      if (text === null) continue;
      wildcardHeld ||= /\/og\/\*\t[0-9a-f]+:3(\t|\n|$)/.test(text) && /\/og\/b\t[0-9a-f]+:3(\t|\n|$)/.test(text);
      await admin.set(key, text.replace(/(\/og\/b\t[0-9a-f]+:)\d+/, '$10'), 'KEEPTTL');
    }
    expect(wildcardHeld, 'the batch\'s record holds both streams past publish 3').toBe(true);
    const stored = (await admin.hget(`${base}pos:${id}`, '/og/b')) ?? '';
    await admin.hset(`${base}pos:${id}`, '/og/b', `${stored.slice(0, stored.indexOf(':'))}:0`);
    // The wildcard goes before the client's ack reaches B: B follows /og/b alone, from offset 0.
    await b.unsubscribe(id, '/og/*');
    const next = await b.takeBatch(id, acked);
    expect(data(next.messages)).toEqual([]);
    await b.publish({ channel: '/og/b', data: 4 });
    const after: unknown[] = [];
    await vi.waitFor(
      async () => {
        const batch = await b.takeBatch(id, acked);
        if (batch.messages.length > 0) after.push(...data(batch.messages));
        acked = batch.batch;
        expect(after.length).toBeGreaterThanOrEqual(1);
      },
      { timeout: 5000, interval: 20 },
    );
    expect(after).toEqual([4]);
  });

  it('a session without ack that left the wildcard and moved: the hand-over keeps what the wildcard gave it, and the next node does not give that again from the channel\'s lagging stream', async () => {
    const { a, b, id } = await givenOnA('/ogn');
    // The wildcard goes through B; then B takes the session over, and A hands it over with where
    // it stood in the wildcard's stream, kept with the gone subscription.
    await b.unsubscribe(id, '/ogn/*');
    expect(data(await b.take(id))).toEqual([]);
    const gone = `${a.controlBase}gone:${id}`;
    await vi.waitFor(async () => expect(await admin.hget(gone, '/ogn/*')).toMatch(/^\d+ \d+ [0-9a-f]+:3$/), { timeout: 5000, interval: 20 });
    engines.splice(engines.indexOf(b), 1);
    await b.close();
    // What a hand-over leaves when the channel's stream's copies were still on their way to the
    // node: the session's position in /ogn/b's stream behind what it was given through /ogn/*.
    const key = `${a.controlBase}pos:${id}`;
    const stored = (await admin.hget(key, '/ogn/b')) ?? '';
    await admin.hset(key, '/ogn/b', `${stored.slice(0, stored.indexOf(':'))}:0`);
    // A takes it back (B is gone): the wildcard's stream names 1, 2 and 3 as given.
    expect(data(await a.take(id))).toEqual([]);
    await a.publish({ channel: '/ogn/b', data: 4 });
    expect(await takeUntil(a, id, 1)).toEqual([4]);
  });
});
