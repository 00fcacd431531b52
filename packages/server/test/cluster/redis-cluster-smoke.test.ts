// The local Redis Cluster the engine's cluster tests run on (issue 15) is really a cluster: three
// masters sharing the slots, keys spread by hash tag, sharded pub/sub working. When it is not up
// this fails, saying to run `bash scripts/ensure-services.sh`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { clusterClient, clusterPrefix, deleteClusterPrefix, requireRedisCluster } from '../helpers/redis-cluster.js';

const prefix = clusterPrefix();
let cluster: Cluster;

beforeAll(async () => {
  await requireRedisCluster();
  cluster = clusterClient({ lazyConnect: true, shardedSubscribers: true });
  await cluster.connect();
});
afterAll(async () => {
  cluster?.disconnect();
  await deleteClusterPrefix(prefix);
});

function masterAddresses(): string[] {
  return cluster.nodes('master').map((n) => `${n.options.host}:${n.options.port}`).sort();
}

/** The address of the master that owns `key`'s slot, read from the cluster's own slot table. */
async function ownerOf(key: string): Promise<string> {
  const slot = await cluster.cluster('KEYSLOT', key);
  const ranges = await cluster.cluster('SLOTS');
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`no node serves slot ${slot}`);
  const master = range[2];
  if (!master) throw new Error(`slot ${slot} has no master`);
  return `${master[0]}:${master[1]}`;
}

/** One key per master: hash tags tried in turn until every master owns one of them. */
async function onePerMaster(): Promise<Map<string, string>> {
  const byOwner = new Map<string, string>();
  for (let i = 0; byOwner.size < masterAddresses().length && i < 1000; i++) {
    const key = `${prefix}{t${i}}`;
    const owner = await ownerOf(key);
    if (!byOwner.has(owner)) byOwner.set(owner, key);
  }
  return byOwner;
}

describe('the local Redis Cluster (for the engine tests)', () => {
  it('has three masters that together serve all 16384 slots', async () => {
    expect(masterAddresses()).toHaveLength(3);
    const info = await cluster.cluster('INFO');
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_ok:16384/);
    expect(info).toMatch(/cluster_size:3/);
  });

  it('keys with different hash tags are stored on different nodes', async () => {
    const byOwner = await onePerMaster();
    expect([...byOwner.keys()].sort()).toEqual(masterAddresses());
    for (const key of byOwner.values()) await cluster.set(key, key, 'EX', 60);
    // Asked directly, each master holds exactly its own key and redirects (MOVED) for the others.
    for (const node of cluster.nodes('master')) {
      const address = `${node.options.host}:${node.options.port}`;
      for (const [owner, key] of byOwner) {
        if (owner === address) expect(await node.get(key)).toBe(key);
        else await expect(node.get(key)).rejects.toThrow(/MOVED/);
      }
    }
  });

  it('sharded pub/sub (SSUBSCRIBE/SPUBLISH) delivers on channels owned by each master', async () => {
    const channels = [...(await onePerMaster()).values()].map((key) => `${key}:channel`);
    const received: [string, string][] = [];
    const arrived = new Promise<void>((resolve) => {
      cluster.on('smessage', (channel: string, message: string) => {
        received.push([channel, message]);
        if (received.length === channels.length) resolve();
      });
    });
    for (const channel of channels) await cluster.ssubscribe(channel);
    const publisher = clusterClient({ lazyConnect: true });
    try {
      await publisher.connect();
      for (const channel of channels) expect(await publisher.spublish(channel, `to ${channel}`)).toBe(1);
      await arrived;
    } finally {
      publisher.disconnect();
    }
    expect(received.sort()).toEqual(channels.map((c) => [c, `to ${c}`]).sort());
  });
});
