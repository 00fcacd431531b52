// [REDIS-11] A node's sharded subscriptions on the local Redis Cluster: one redirected (MOVED) is
// made where the node reads it; and the probes that check them: a probe
// published on a channel the node is subscribed to comes back; on one it is not, it does not; the
// engine's message handler never sees a probe, its own or another node's. RedisLink probes every
// subscription made again after a topology change and subscribes again where one is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { onCleanup } from '@kuiper/testkit';
import { keySlot } from '../src/engines/redis/keyslot.js';
import { RedisLink } from '../src/engines/redis/link.js';
import { isProbe, Probes } from '../src/engines/redis/probes.js';
import { clusterPrefix, deleteClusterPrefix, REDIS_CLUSTER_NODES, requireRedisCluster } from './helpers/redis-cluster.js';

const prefix = clusterPrefix();
let link: RedisLink;

beforeAll(async () => {
  await requireRedisCluster();
  link = new RedisLink(prefix, { cluster: REDIS_CLUSTER_NODES });
  await link.connect();
});
afterAll(async () => {
  await link?.close();
  await deleteClusterPrefix(prefix);
});

describe('[REDIS-11] subscription probes', () => {
  it('[REDIS-11] a probe comes back on a channel subscribed here and not on another; the message handler sees real messages only', async () => {
    const seen: string[] = [];
    link.onMessage((channel, text) => channel.includes('{c:/probe') && seen.push(text));
    const probes = new Probes((channel, text) => link.publish(channel, text));
    (link.sub as Cluster).on('smessage', (channel: string, text: string) => probes.arrived(channel, text));
    const subscribed = `${prefix}{c:/probe/a}:p`;
    await link.subscribe(subscribed);

    expect(await probes.send(subscribed, 2000)).toBe(true);
    expect(await probes.send(`${prefix}{c:/probe/b}:p`, 300)).toBe(false); // nobody here listens there
    // Another node's probe on a channel both follow: not this node's answer, and never a message.
    const other = new Probes((channel, text) => link.publish(channel, text));
    expect(await other.send(subscribed, 300)).toBe(false);
    await link.publish(subscribed, '0a1 1 pid 2 {"x":1}');
    await expect.poll(() => seen).toEqual(['0a1 1 pid 2 {"x":1}']);
    expect(isProbe('?probe 3f 1')).toBe(true);
    expect(isProbe('+node id')).toBe(false);
  });
});

describe('[REDIS-11] a sharded subscribe redirected', () => {
  it('[REDIS-11] an SSUBSCRIBE answered MOVED (the slot map stale, as mid-resharding) ends on the connection the node reads: what is published comes', async () => {
    const node = new RedisLink(prefix, { cluster: REDIS_CLUSTER_NODES });
    await node.connect();
    onCleanup(() => node.close());
    const seen = new Map<string, string[]>();
    node.onMessage((channel, text) => seen.set(channel, [...(seen.get(channel) ?? []), text]));
    const group = (node.sub as unknown as { shardedSubscribers: { clusterSlots: string[][]; shardedSubscribers: Map<string, unknown> } }).shardedSubscribers;
    // Eight channels (ioredis sometimes mends it by itself, when its slot refresh subscribes again in time).
    for (let i = 0; i < 8; i++) {
      const channel = `${prefix}{c:/moved/${i}}:p`;
      // The subscriber's slot map names another master for the channel's slot, as when the slot has
      // just moved: the SSUBSCRIBE goes there first and is answered MOVED.
      const slot = keySlot(channel);
      const owner = group.clusterSlots[slot]![0];
      group.clusterSlots[slot] = [[...group.shardedSubscribers.keys()].find((key) => key !== owner)!];
      await node.subscribe(channel);
      await node.publish(channel, `0a1 1 pid 2 {"moved":${i}}`);
      await expect.poll(() => seen.get(channel), { timeout: 3000 }).toEqual([`0a1 1 pid 2 {"moved":${i}}`]);
    }
  });
});
