// The Redis engine through a Redis Cluster's failovers, on a cluster of the test's own (issue 15;
// SPEC: REDIS-5, REDIS-11), never the shared one on 7000-7002: the master of a channel's stream,
// then the control slot's master, killed -9 and their replicas promoted (and one that had not had
// its master's last writes), while a publisher publishes
// every 40 ms. Two real Kuiper nodes on the cluster (publisher on A, subscriber on B), real
// @kuiper/client clients. A master with no replica: redis-cluster-restart.test.ts.
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { controlBase } from '../../src/engines/redis/link.js';
import { channelOffControl, expectEveryAckedOnce, expectOnceInOrder, type Publisher, publisher, runOnPast, type Setup, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { type ClusterNodeInfo, startPrivateCluster } from '../helpers/private-redis-cluster.js';

/** The replica of `master` (these clusters have one per master). */
async function replicaOf(s: Setup, master: ClusterNodeInfo): Promise<ClusterNodeInfo> {
  const replica = (await s.cluster.nodes()).find((n) => n.role === 'replica' && n.masterId === master.id);
  if (!replica) throw new Error('the master has no replica');
  return replica;
}

/** Waits until `node` serves `key`'s slot (its replica promoted). */
async function awaitOwner(s: Setup, key: string, node: ClusterNodeInfo): Promise<void> {
  await eventually(async () => expect((await s.cluster.ownerOf(key)).id).toBe(node.id), 15_000);
}

/**
 * Until `replica` has had everything `master` wrote so far: a replica still in its first sync when
 * its master dies is promoted without the streams, and the subscriber is rightly told (epoch).
 */
async function caughtUp(s: Setup, master: ClusterNodeInfo, replica: ClusterNodeInfo): Promise<void> {
  const offset = (info: string, field: string): number => Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1] ?? Number.NaN);
  await eventually(async () => {
    const [m, r] = await Promise.all([s.cluster.cli(master.port, 'INFO', 'replication'), s.cluster.cli(replica.port, 'INFO', 'replication')]);
    expect(r).toContain('master_link_status:up');
    expect(r).toContain('master_sync_in_progress:0');
    expect(offset(r, 'slave_repl_offset')).toBeGreaterThanOrEqual(offset(m, 'master_repl_offset'));
  }, 10_000);
}

/**
 * Kills `master` (-9), which owns `key`, while `pub` publishes, once its replica has caught up, and
 * waits for the replica to serve `key`; publishes were made while the slot had no master (they
 * waited, or failed), then after.
 */
async function failOver(s: Setup, pub: Publisher, master: ClusterNodeInfo, key: string): Promise<number> {
  const replica = await replicaOf(s, master);
  await caughtUp(s, master, replica);
  const killedAt = pub.issued();
  s.cluster.kill(master.port);
  await awaitOwner(s, key, replica);
  const promotedAt = pub.issued();
  expect(promotedAt - killedAt).toBeGreaterThan(5);
  return promotedAt;
}

describe('a master fails over (its replica promoted)', () => {
  it('[REDIS-5][REDIS-11] kill -9 of the master of a subscribed channel\'s stream: delivery resumes by itself, every acknowledged publish arrives once, in order', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const { channel, owner } = await channelOffControl(s, '/fo/');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    const promotedAt = await failOver(s, pub, owner, `${s.prefix}{c:${channel}}:x`);
    await runOnPast(pub, promotedAt, 10);
    await expectEveryAckedOnce(sub.got, pub.acked);
    // The replica had every entry (nothing written in the kill's instant was lost): nothing to tell.
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);

  it('[REDIS-11] kill -9 of the control slot\'s master (every session\'s state): delivery resumes by itself, every acknowledged publish arrives once, in order', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const controlKey = `${controlBase(s.prefix, true)}sessions`;
    const control = await s.cluster.ownerOf(controlKey);
    const { channel } = await channelOffControl(s, '/ctl/');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    const promotedAt = await failOver(s, pub, control, controlKey);
    await runOnPast(pub, promotedAt, 10);
    await expectEveryAckedOnce(sub.got, pub.acked);
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);

  it('[REDIS-11][ENG-STREAM-5] the promoted replica had not had the master\'s last entries: the subscriber is told (epoch), and gets what is published after', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const { channel, owner } = await channelOffControl(s, '/lag/');
    const replica = await replicaOf(s, owner);
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    // The replica is frozen and its link cut by the master (nothing in flight to it either): what
    // the master writes now is not replicated, but reaches B live. Then the master dies.
    s.cluster.freeze(replica.port, true);
    expect(Number(await s.cluster.cli(owner.port, 'CLIENT', 'KILL', 'TYPE', 'replica'))).toBe(1);
    const cut = sub.got.data.length;
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(cut + 5));
    s.cluster.kill(owner.port);
    // Issued from now on, a publish can only be made by the replica once promoted (they wait till then).
    const killedAt = pub.issued();
    s.cluster.freeze(replica.port, false);
    await awaitOwner(s, `${s.prefix}{c:${channel}}:x`, replica);
    const promotedAt = pub.issued();
    await runOnPast(pub, promotedAt, 10);
    // The stream's offsets went back: told, never a silent skip of what is published after, even
    // of what took the lost entries' offsets before any node saw the stream had gone back.
    await eventually(() => expect(sub.got.unrecovered).toEqual([{ channels: [channel], reason: 'epoch' }]), 10_000);
    await eventually(() => expect(sub.got.data).toEqual(expect.arrayContaining(pub.acked.filter((n) => n > killedAt))), 10_000);
    expectOnceInOrder(sub.got.data);
  }, 40_000);
});
