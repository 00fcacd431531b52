// The Redis engine through failures of a Redis Cluster of the test's own (issue 15; SPEC: REDIS-5,
// REDIS-11, ENG-STREAM-5), never the shared one on 7000-7002: a master killed -9 and its replica
// promoted, a master with no replica killed -9 and started again empty, each while a publisher
// publishes every 40 ms. Two real Kuiper nodes on the cluster (publisher on A, subscriber on B),
// real @kuiper/client clients. The channel's stream is on a master other than the control slot's.
import type { KuiperClient } from '@kuiper/client';
import { eventually, newClient, onCleanup, startKuiper, type StartedKuiper } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { controlBase } from '../../src/engines/redis/link.js';
import { RedisEngine } from '../../src/redis.js';
import { clusterPrefix } from '../helpers/redis-cluster.js';
import { type ClusterNodeInfo, type PrivateCluster, startPrivateCluster } from '../helpers/private-redis-cluster.js';

interface Setup {
  cluster: PrivateCluster;
  a: StartedKuiper;
  b: StartedKuiper;
  prefix: string;
}

async function setUp(cluster: PrivateCluster): Promise<Setup> {
  onCleanup(() => cluster.stop()); // registered first: runs after the servers and clients closed
  const prefix = clusterPrefix();
  const engine = (): RedisEngine => new RedisEngine({ cluster: cluster.seeds, prefix });
  const a = await startKuiper({ engine: engine() });
  const b = await startKuiper({ engine: engine() });
  return { cluster, a, b, prefix };
}

/** A channel `<base><i>` whose stream is on a master other than the control slot's (which holds every session). */
async function channelOffControl({ cluster, prefix }: Setup, base: string): Promise<{ channel: string; owner: ClusterNodeInfo }> {
  const control = await cluster.ownerOf(`${controlBase(prefix, true)}sessions`);
  for (let i = 0; i < 200; i++) {
    const channel = `${base}${i}`;
    const owner = await cluster.ownerOf(`${prefix}{c:${channel}}:x`);
    if (owner.id !== control.id) return { channel, owner };
  }
  throw new Error('no channel found off the control slot');
}

interface Received {
  data: number[];
  unrecovered: { channels: readonly string[]; reason: string }[];
}

async function subscriber(url: string, channel: string): Promise<{ client: KuiperClient; got: Received }> {
  const client = newClient(url);
  const got: Received = { data: [], unrecovered: [] };
  client.onUnrecovered((e) => got.unrecovered.push({ channels: e.channels, reason: e.reason }));
  await client.subscribe<number>(channel, (n) => void got.data.push(n)).ready;
  return { client, got };
}

/** Each number once, ascending: nothing delivered twice or out of order. */
function expectOnceInOrder(data: number[]): void {
  expect(data).toEqual([...new Set(data)].sort((x, y) => x - y));
}

/** What a failed publish must look like to its publisher: a Bayeux error reply (`code:args:message`), not a hang or a silent success. */
function expectClearErrors(failed: { error: string }[]): void {
  for (const f of failed) expect(f.error).toMatch(/^\d{3}:[^:]*:\S/);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Publishes 1, 2, 3... every `everyMs` until stop(); records which were acknowledged and which failed (with the error). */
function publisher(client: KuiperClient, channel: string, everyMs: number) {
  const acked: number[] = [];
  const failed: { n: number; error: string }[] = [];
  const pending = new Set<Promise<void>>();
  let n = 0;
  const timer = setInterval(() => {
    const i = ++n;
    const p = client.publish(channel, i).then(
      () => void acked.push(i),
      (err: unknown) => void failed.push({ n: i, error: err instanceof Error ? err.message : String(err) }),
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, everyMs);
  return {
    acked,
    failed,
    issued: () => n,
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

describe('a master fails over (its replica promoted)', () => {
  it('[REDIS-5][REDIS-11] kill -9 of the master of a subscribed channel\'s stream: delivery resumes by itself, every acknowledged publish arrives once, in order', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const { channel, owner } = await channelOffControl(s, '/fo/');
    const replica = (await s.cluster.nodes()).find((n) => n.role === 'replica' && n.masterId === owner.id);
    if (!replica) throw new Error('the master has no replica');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5));
    const killedAt = pub.issued();
    s.cluster.kill(owner.port);
    await eventually(async () => expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(replica.id), 15_000);
    const promotedAt = pub.issued();
    // Publishes were made while the stream had no master (they waited, or failed), then after.
    expect(promotedAt - killedAt).toBeGreaterThan(5);
    await eventually(() => expect(pub.acked.some((n) => n > promotedAt + 10)).toBe(true), 15_000);
    await pub.stop();
    expectClearErrors(pub.failed);
    await eventually(() => expect(sub.got.data).toEqual(expect.arrayContaining(pub.acked)), 10_000);
    expectOnceInOrder(sub.got.data);
    // The replica had every entry (nothing written in the kill's instant was lost): nothing to tell.
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);
});

describe('a master with no replica killed -9 and started again empty', () => {
  it('[REDIS-5][ENG-STREAM-5] its channel\'s subscriber is told (epoch), delivery resumes, and nothing acknowledged since is lost', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner } = await channelOffControl(s, '/empty/');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5));
    const before = [...pub.acked];
    s.cluster.kill(owner.port);
    await pause(1500); // the cluster marks it failed (node timeout 1 s): the whole cluster refuses writes
    await s.cluster.restart(owner.port);
    await s.cluster.waitHealthy();
    const restartedAt = pub.issued();
    await eventually(() => expect(pub.acked.some((n) => n > restartedAt + 10)).toBe(true), 15_000);
    await pub.stop();
    expectClearErrors(pub.failed);
    await eventually(() => expect(sub.got.unrecovered).toEqual([{ channels: [channel], reason: 'epoch' }]), 10_000);
    await eventually(() => expect(sub.got.data).toEqual(expect.arrayContaining([...before, ...pub.acked.filter((n) => n > restartedAt)])), 10_000);
    expectOnceInOrder(sub.got.data);
  }, 40_000);
});
