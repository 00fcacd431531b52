// A master with no replica killed -9 and started again empty, on a Redis Cluster of the test's own
// (issue 15; SPEC: REDIS-5, REDIS-11, ENG-STREAM-5): its streams' history is gone, so their
// subscribers are told (`epoch`), and delivery resumes. A publisher publishes every 40 ms through
// node A to a subscriber on node B (real @kuiper/client clients).
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { channelOffControl, expectOnceInOrder, pause, publisher, runOnPast, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { startPrivateCluster } from '../helpers/private-redis-cluster.js';

describe('a master with no replica killed -9 and started again empty', () => {
  it('[REDIS-5][ENG-STREAM-5] its channel\'s subscriber is told (epoch), delivery resumes, and nothing acknowledged since is lost', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner } = await channelOffControl(s, '/empty/');
    const sub = await subscriber(s.b.url, channel);
    const pub = publisher(newClient(s.a.url), channel, 40);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);
    const before = [...pub.acked];
    s.cluster.kill(owner.port);
    await pause(1500); // the cluster marks it failed (node timeout 1 s): the whole cluster refuses writes
    await s.cluster.restart(owner.port);
    await s.cluster.waitHealthy();
    const restartedAt = pub.issued();
    await runOnPast(pub, restartedAt, 10);
    await eventually(() => expect(sub.got.unrecovered).toEqual([{ channels: [channel], reason: 'epoch' }]), 10_000);
    await eventually(() => expect(sub.got.data).toEqual(expect.arrayContaining([...before, ...pub.acked.filter((n) => n > restartedAt)])), 10_000);
    expectOnceInOrder(sub.got.data);
  }, 40_000);
});
