// The CONTROL slot (the hash tag every session, subscription, queue and lease key of the engine
// shares, REDIS-8) moved to another master while running, as `redis-cli --cluster reshard` does it
// (issue 15; SPEC: REDIS-11), on a Redis Cluster of the test's own: a publisher on node A, a
// subscriber on node B (real @kuiper/client clients). The channel's stream stays where it is; every
// session's state moves. Sessions must survive it (same clientId, no new handshake) and delivery
// resume, each acknowledged publish once, in order, nothing told.
import type { KuiperClient } from '@kuiper/client';
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { controlBase } from '../../src/engines/redis/link.js';
import { channelOffControl, expectEveryAckedOnce, pause, publisher, runOnPast, type Setup, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { type ClusterNodeInfo, startPrivateCluster } from '../helpers/private-redis-cluster.js';

/** Every session id the client has had from now on: a second one means it had to handshake again (CLI-35). */
function sessionsOf(client: KuiperClient): string[] {
  const ids: string[] = client.clientId === undefined ? [] : [client.clientId];
  client.onSession(({ clientId }) => {
    if (!ids.includes(clientId)) ids.push(clientId);
  });
  return ids;
}

interface ControlMove {
  slot: string;
  from: ClusterNodeInfo;
  to: ClusterNodeInfo;
}

/** The control slot, its master, and a master to move it to that does not hold the channel's stream either. */
async function planControlMove(s: Setup, channelOwner: ClusterNodeInfo): Promise<ControlMove> {
  const key = `${controlBase(s.prefix, true)}sessions`;
  const from = await s.cluster.ownerOf(key);
  const masters = (await s.cluster.nodes()).filter((n) => n.role === 'master');
  const to = masters.find((n) => n.id !== from.id && n.id !== channelOwner.id) ?? masters.find((n) => n.id !== from.id);
  if (!to) throw new Error('no other master');
  return { slot: await s.cluster.cli(from.port, 'CLUSTER', 'KEYSLOT', key), from, to };
}

/**
 * `redis-cli --cluster reshard`'s steps for the control slot: IMPORTING/MIGRATING, MIGRATE of every
 * key in the slot (again until none is left, as SETSLOT NODE wants), then every master told the new
 * owner. `halfway` runs while the slot is MIGRATING, before and after the keys move: the engine's
 * control scripts are refused meanwhile (TRYAGAIN; ioredis tries again, then the operation fails
 * with 503::engine_unavailable, ENG-6), never run half on one master and half on the other.
 */
async function moveControl(s: Setup, move: ControlMove, halfway: () => Promise<void> = async () => {}): Promise<number> {
  const { cluster } = s;
  const { slot, from, to } = move;
  await cluster.cli(to.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id);
  await cluster.cli(from.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
  await halfway();
  let moved = 0;
  for (;;) {
    const keys = (await cluster.cli(from.port, 'CLUSTER', 'GETKEYSINSLOT', slot, '1000')).split('\n').filter(Boolean);
    if (keys.length === 0) break;
    // Refused (BUSYKEY) if a script had already made one of these keys on the importing master.
    expect(await cluster.cli(from.port, 'MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', ...keys)).toBe('OK');
    moved += keys.length;
  }
  await halfway();
  for (const n of await cluster.nodes()) if (n.role === 'master') await cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
  await cluster.waitHealthy();
  expect((await cluster.ownerOf(`${controlBase(s.prefix, true)}sessions`)).id).toBe(to.id);
  return moved;
}

describe('the control slot moves', () => {
  it('[REDIS-11] between bursts: sessions survive (no new handshake), what is published after arrives, once, in order, nothing told', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner } = await channelOffControl(s, '/ctl-move/');
    const move = await planControlMove(s, owner);
    const sub = await subscriber(s.b.url, channel);
    const pubClient = newClient(s.a.url);
    const first = publisher(pubClient, channel, 20);
    await eventually(() => expect(first.acked.length).toBeGreaterThan(10));
    await first.stop();
    await eventually(() => expect(sub.got.data).toEqual([...first.acked].sort((x, y) => x - y)), 10_000);
    const subSessions = sessionsOf(sub.client);
    const pubSessions = sessionsOf(pubClient);
    // The sessions, their subscriptions and positions, the leases: dozens of keys, all in one slot.
    expect(await moveControl(s, move)).toBeGreaterThan(3);
    const before = sub.got.data.length;
    const after = publisher(pubClient, channel, 20);
    await eventually(() => expect(after.acked.length).toBeGreaterThan(10), 15_000);
    await after.stop();
    expect(after.failed).toEqual([]);
    await eventually(() => expect(sub.got.data.slice(before)).toEqual([...after.acked].sort((x, y) => x - y)), 10_000);
    expect(sub.got.unrecovered).toEqual([]);
    expect([subSessions, pubSessions]).toEqual([[sub.client.clientId], [pubClient.clientId]]);
  }, 60_000);

  it('[REDIS-11] [REDIS-12] while the channel is busy (publishes every 20 ms through the half-moved slot): no publish fails, every acknowledged publish arrives once, in order, sessions survive, nothing told', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner } = await channelOffControl(s, '/ctl-busy/');
    const move = await planControlMove(s, owner);
    const sub = await subscriber(s.b.url, channel);
    const pubClient = newClient(s.a.url);
    await pubClient.whenConnected();
    const subSessions = sessionsOf(sub.client);
    const pubSessions = sessionsOf(pubClient);
    const pub = publisher(pubClient, channel, 20);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    const midway = (): Promise<void> => pause(300);
    expect(await moveControl(s, move, midway)).toBeGreaterThan(3);
    const movedAt = pub.issued();
    await runOnPast(pub, movedAt, 20);
    expect(pub.failed).toEqual([]); // [REDIS-12] the control scripts refused meanwhile were sent again
    await expectEveryAckedOnce(sub.got, pub.acked);
    expect(sub.got.unrecovered).toEqual([]);
    expect([subSessions, pubSessions]).toEqual([[sub.client.clientId], [pubClient.clientId]]);
  }, 60_000);
});
