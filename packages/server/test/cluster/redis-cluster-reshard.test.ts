// A channel's slot moved to another master while running, as `redis-cli --cluster reshard` does it
// (issue 15; SPEC: REDIS-11), on a Redis Cluster of the test's own: a publisher on node A, a
// subscriber on node B (real @kuiper/client clients); ioredis follows MOVED, the node's sharded
// subscription follows the slot.
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { channelOffControl, expectEveryAckedOnce, expectOnceInOrder, pause, publisher, runOnPast, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { startPrivateCluster, type PrivateCluster } from '../helpers/private-redis-cluster.js';

/** The steps of `redis-cli --cluster reshard` for one slot; resolves once every node agrees on its new owner. */
async function moveSlot(cluster: PrivateCluster, slot: string, from: string, to: { id: string; port: number }, fromPort: number): Promise<string> {
  await cluster.cli(to.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', from);
  await cluster.cli(fromPort, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
  const keys = (await cluster.cli(fromPort, 'CLUSTER', 'GETKEYSINSLOT', slot, '100')).split('\n').filter(Boolean);
  const migrated = await cluster.cli(fromPort, 'MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', ...keys);
  for (const n of await cluster.nodes()) if (n.role === 'master') await cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
  await cluster.waitHealthy();
  return migrated;
}

describe('resharding', () => {
  it('[REDIS-11] a channel\'s slot moves to another master between bursts: what is published after arrives, once, in order, nothing told', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner } = await channelOffControl(s, '/moved/');
    const target = (await s.cluster.nodes()).find((n) => n.role === 'master' && n.id !== owner.id);
    if (!target) throw new Error('no other master');
    const slot = await s.cluster.cli(owner.port, 'CLUSTER', 'KEYSLOT', `${s.prefix}{c:${channel}}:x`);
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 20);
    await eventually(() => expect(pub.acked.length).toBeGreaterThan(10));
    await pub.stop();
    await eventually(() => expect(sub.got.data).toEqual([...pub.acked].sort((x, y) => x - y)), 10_000);
    const before = pub.acked.length;
    // The stream's keys (:m, :x) go with the slot.
    expect(await moveSlot(s.cluster, slot, owner.id, target, owner.port)).toBe('OK');
    expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(target.id);
    expect(Number(await s.cluster.cli(target.port, 'XLEN', `${s.prefix}{c:${channel}}:x`))).toBe(before);
    const after = publisher(newClient(s.a.url), channel, 20);
    await eventually(() => expect(after.acked.length).toBeGreaterThan(10));
    await after.stop();
    await eventually(() => expect(sub.got.data.slice(before)).toEqual([...after.acked].sort((x, y) => x - y)));
    expectOnceInOrder(sub.got.data.slice(before));
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);

  it('[REDIS-11] a busy channel\'s slot moves: every acknowledged publish arrives once, in order, nothing told', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner } = await channelOffControl(s, '/busy/');
    const target = (await s.cluster.nodes()).find((n) => n.role === 'master' && n.id !== owner.id);
    if (!target) throw new Error('no other master');
    const slot = await s.cluster.cli(owner.port, 'CLUSTER', 'KEYSLOT', `${s.prefix}{c:${channel}}:x`);
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 20);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    // moveSlot's steps, with pauses where the slot is half moved and publishes keep coming.
    await s.cluster.cli(target.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', owner.id);
    await s.cluster.cli(owner.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    await pause(300);
    const keys = (await s.cluster.cli(owner.port, 'CLUSTER', 'GETKEYSINSLOT', slot, '100')).split('\n').filter(Boolean);
    expect(keys.sort()).toEqual([`${s.prefix}{c:${channel}}:m`, `${s.prefix}{c:${channel}}:x`]);
    // Refused (BUSYKEY) if a publish made meanwhile had started a second stream on the target.
    expect(await s.cluster.cli(owner.port, 'MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'KEYS', ...keys)).toBe('OK');
    await pause(300);
    for (const n of await s.cluster.nodes()) if (n.role === 'master') await s.cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id);
    await s.cluster.waitHealthy();
    expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(target.id);
    const movedAt = pub.issued();
    await runOnPast(pub, movedAt, 20);
    await expectEveryAckedOnce(sub.got, pub.acked);
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);
});
