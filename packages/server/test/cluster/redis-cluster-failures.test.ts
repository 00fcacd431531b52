// The Redis engine through a Redis Cluster's failovers, on a cluster of the test's own (issue 15;
// SPEC: REDIS-5, REDIS-11), never the shared one on 7000-7002: the master of a channel's stream,
// then the control slot's master, killed -9 and their replicas promoted (and one that had not had
// its master's last writes), while a publisher publishes
// every 40 ms. Two real Kuiper nodes on the cluster (publisher on A, subscriber on B), real
// @kuiper/client clients. A master with no replica: redis-cluster-restart.test.ts.
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { controlBase } from '../../src/engines/redis/link.js';
import { channelOffControl, expectEveryAckedOnce, expectOnceInOrder, publisher, runOnPast, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { startPrivateCluster } from '../helpers/private-redis-cluster.js';

describe('a master fails over (its replica promoted)', () => {
  it('[REDIS-5][REDIS-11] kill -9 of the master of a subscribed channel\'s stream: delivery resumes by itself, every acknowledged publish arrives once, in order', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const { channel, owner } = await channelOffControl(s, '/fo/');
    const replica = (await s.cluster.nodes()).find((n) => n.role === 'replica' && n.masterId === owner.id);
    if (!replica) throw new Error('the master has no replica');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    const killedAt = pub.issued();
    s.cluster.kill(owner.port);
    await eventually(async () => expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(replica.id), 15_000);
    const promotedAt = pub.issued();
    // Publishes were made while the stream had no master (they waited, or failed), then after.
    expect(promotedAt - killedAt).toBeGreaterThan(5);
    await runOnPast(pub, promotedAt, 10);
    await expectEveryAckedOnce(sub.got, pub.acked);
    // The replica had every entry (nothing written in the kill's instant was lost): nothing to tell.
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);

  it('[REDIS-11] kill -9 of the control slot\'s master (every session\'s state): delivery resumes by itself, every acknowledged publish arrives once, in order', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const controlKey = `${controlBase(s.prefix, true)}sessions`;
    const control = await s.cluster.ownerOf(controlKey);
    const replica = (await s.cluster.nodes()).find((n) => n.role === 'replica' && n.masterId === control.id);
    if (!replica) throw new Error('the master has no replica');
    const { channel } = await channelOffControl(s, '/ctl/');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    const killedAt = pub.issued();
    s.cluster.kill(control.port);
    await eventually(async () => expect((await s.cluster.ownerOf(controlKey)).id).toBe(replica.id), 15_000);
    const promotedAt = pub.issued();
    expect(promotedAt - killedAt).toBeGreaterThan(5);
    await runOnPast(pub, promotedAt, 10);
    await expectEveryAckedOnce(sub.got, pub.acked);
    expect(sub.got.unrecovered).toEqual([]);
  }, 40_000);

  it('[REDIS-11][ENG-STREAM-5] the promoted replica had not had the master\'s last entries: the subscriber is told (epoch), and gets what is published after', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 1 }));
    const { channel, owner } = await channelOffControl(s, '/lag/');
    const replica = (await s.cluster.nodes()).find((n) => n.role === 'replica' && n.masterId === owner.id);
    if (!replica) throw new Error('the master has no replica');
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
    s.cluster.freeze(replica.port, false);
    await eventually(async () => expect((await s.cluster.ownerOf(`${s.prefix}{c:${channel}}:x`)).id).toBe(replica.id), 15_000);
    const promotedAt = pub.issued();
    await runOnPast(pub, promotedAt, 10);
    // The stream's offsets went back: told, never a silent skip of what is published after.
    await eventually(() => expect(sub.got.unrecovered).toEqual([{ channels: [channel], reason: 'epoch' }]), 10_000);
    await eventually(() => expect(sub.got.data).toEqual(expect.arrayContaining(pub.acked.filter((n) => n > promotedAt))), 10_000);
    expectOnceInOrder(sub.got.data);
  }, 40_000);
});
