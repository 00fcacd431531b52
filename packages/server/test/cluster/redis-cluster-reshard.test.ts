// A channel's slot moved to another master while running, as `redis-cli --cluster reshard` does it
// (issue 15; SPEC: REDIS-11), on a Redis Cluster of the test's own: a publisher on node A, a
// subscriber on node B (real @kuiper/client clients); ioredis follows MOVED, the node's sharded
// subscription follows the slot.
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { keySlot } from '../../src/engines/redis/keyslot.js';
import { channelOffControl, expectEveryAckedOnce, expectOnceInOrder, pause, publisher, runOnPast, type Setup, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { type ClusterNodeInfo, startPrivateCluster, type PrivateCluster } from '../helpers/private-redis-cluster.js';

/**
 * The steps of `redis-cli --cluster reshard` for one slot; resolves once every node agrees on its
 * new owner. With `beforeTargetTold`, the new owner is told last, once that has run: meanwhile the
 * other masters' slot map names it while it still answers MOVED to the old one.
 */
async function moveSlot(cluster: PrivateCluster, slot: string, from: string, to: { id: string; port: number }, fromPort: number, beforeTargetTold?: () => Promise<void>): Promise<string> {
  await cluster.cli(to.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', from);
  await cluster.cli(fromPort, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
  const keys = (await cluster.cli(fromPort, 'CLUSTER', 'GETKEYSINSLOT', slot, '100')).split('\n').filter(Boolean);
  const migrated = await cluster.cli(fromPort, 'MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', ...keys);
  const masters = (await cluster.nodes()).filter((n) => n.role === 'master');
  const last = beforeTargetTold ? masters.filter((n) => n.id === to.id) : [];
  for (const n of masters) if (!last.includes(n)) await cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
  await beforeTargetTold?.();
  for (const n of last) await cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
  await cluster.waitHealthy();
  return migrated;
}

/**
 * A channel off the control slot with a burst published through A and seen by a subscriber on B;
 * the slot is then moved by `move`, and a second burst must arrive, once, in order, nothing told.
 */
async function burstsAroundMove(prefix: string, move: (s: Setup, slot: string, owner: ClusterNodeInfo, target: ClusterNodeInfo) => Promise<void>): Promise<void> {
  const s = await setUp(await startPrivateCluster({ replicas: 0 }));
  const { channel, owner } = await channelOffControl(s, prefix);
  const target = (await s.cluster.nodes()).find((n) => n.role === 'master' && n.id !== owner.id);
  if (!target) throw new Error('no other master');
  const slot = await s.cluster.cli(owner.port, 'CLUSTER', 'KEYSLOT', `${s.prefix}{c:${channel}}:x`);
  const sub = await subscriber(s.b.url, channel);
  const pub = publisher(newClient(s.a.url), channel, 20);
  await eventually(() => expect(pub.acked.length).toBeGreaterThan(10));
  await pub.stop();
  await eventually(() => expect(sub.got.data).toEqual([...pub.acked].sort((x, y) => x - y)), 10_000);
  const before = pub.acked.length;
  await move(s, slot, owner, target);
  // The stream's keys (:m, :x) went with the slot.
  expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(target.id);
  expect(Number(await s.cluster.cli(target.port, 'XLEN', `${s.prefix}{c:${channel}}:x`))).toBe(before);
  const after = publisher(newClient(s.a.url), channel, 20);
  await eventually(() => expect(after.acked.length).toBeGreaterThan(10));
  await after.stop();
  await eventually(() => expect(sub.got.data.slice(before)).toEqual([...after.acked].sort((x, y) => x - y)), 10_000);
  expectOnceInOrder(sub.got.data.slice(before));
  expect(sub.got.unrecovered).toEqual([]);
}

/** Another channel whose stream is in `slot` (the stream keys' slot: KEYSLOT of `<prefix>{c:<channel>}`). */
function channelInSlot(prefix: string, slot: number, base: string): string {
  for (let i = 0; i < 1_000_000; i++) if (keySlot(`${prefix}{c:${base}${i}}`) === slot) return `${base}${i}`;
  throw new Error(`no channel found in slot ${slot}`);
}

describe('resharding', () => {
  it('[REDIS-11] a channel\'s slot moves to another master between bursts: what is published after arrives, once, in order, nothing told', async () => {
    await burstsAroundMove('/moved/', async (s, slot, owner, target) => {
      expect(await moveSlot(s.cluster, slot, owner.id, target, owner.port)).toBe('OK');
    });
  }, 40_000);

  // Seen in CI: the subscriber read a slot map naming the new master before that master knew, its
  // SSUBSCRIBE got MOVED, and ioredis never tried again (the map it read next was the same). Node B
  // publishing meanwhile to another channel of the same slot makes it read the slot map again and
  // again (those publishes bounce between the two masters and fail, or wait: they are not checked).
  it('[REDIS-11] the slot\'s new master is told last, 3 s after the others: the subscription follows the slot all the same', async () => {
    await burstsAroundMove('/told-last/', async (s, slot, owner, target) => {
      const moved = await moveSlot(s.cluster, slot, owner.id, target, owner.port, async () => {
        const sibling = publisher(newClient(s.b.url), channelInSlot(s.prefix, Number(slot), '/told-last-sibling/'), 50);
        await pause(3000);
        await sibling.stop();
      });
      expect(moved).toBe('OK');
    });
  }, 60_000);

  it('[REDIS-11] [REDIS-12] a busy channel\'s slot moves: no publish fails, every acknowledged publish arrives once, in order, nothing told', async () => {
    await busyMove(300);
  }, 40_000);

  // Seen once in CI, and in 1 of 8 runs here before the fix (REDIS-11): with the slot half moved
  // for seconds, the subscriber's node had its feed's SSUBSCRIBE, auto-pipelined and answered
  // MOVED, sent again on a pooled command connection ioredis never reads for messages, and every
  // publish after the move was lost to it, nothing told.
  it('[REDIS-11] [REDIS-12] a busy channel\'s slot half moved for seconds: no publish fails, every acknowledged publish arrives once, in order, nothing told', async () => {
    await busyMove(1200);
  }, 40_000);
});

/** A busy channel's slot moved as `redis-cli --cluster reshard` does, with `halfMs` between its steps (publishes keep coming). */
async function busyMove(halfMs: number): Promise<void> {
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
  await pause(halfMs);
  const keys = (await s.cluster.cli(owner.port, 'CLUSTER', 'GETKEYSINSLOT', slot, '100')).split('\n').filter(Boolean);
  expect(keys.sort()).toEqual([`${s.prefix}{c:${channel}}:m`, `${s.prefix}{c:${channel}}:x`]);
  // Refused (BUSYKEY) if a publish made meanwhile had started a second stream on the target.
  expect(await s.cluster.cli(owner.port, 'MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'KEYS', ...keys)).toBe('OK');
  await pause(halfMs);
  for (const n of await s.cluster.nodes()) if (n.role === 'master') await s.cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id);
  await s.cluster.waitHealthy();
  expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(target.id);
  const movedAt = pub.issued();
  await runOnPast(pub, movedAt, 20);
  // [REDIS-12] Refused while the slot was half moved, the appends were sent again: none failed
  // (before, 122 of 160 publishes failed with 1.2 s + 1.2 s half moved).
  expect(pub.failed).toEqual([]);
  await expectEveryAckedOnce(sub.got, pub.acked);
  expect(sub.got.unrecovered).toEqual([]);
}
