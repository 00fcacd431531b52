// A channel's stream slot moved while its keys are split between two masters (SPEC: REDIS-11), on a
// Redis Cluster of the test's own: `redis-cli --cluster reshard` MIGRATEs a slot's keys in batches,
// so for a while the stream's `:m` (epoch, offset) can be on the new master and its `:x` (the
// entries) still on the old one. A publisher on node A publishes every 20 ms meanwhile, a
// subscriber on node B must get every acknowledged publish once, in order, nothing told, and the
// move must complete (no second copy of a key made on the importing master: MIGRATE refuses those).
import { eventually, newClient } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { channelOffControl, expectEveryAckedOnce, pause, publisher, runOnPast, setUp, subscriber } from '../helpers/cluster-traffic.js';
import { startPrivateCluster } from '../helpers/private-redis-cluster.js';

describe('a stream slot moved in batches', () => {
  it('[REDIS-11] [REDIS-12] while its :m and :x are on two masters, a busy channel loses nothing, repeats nothing, fails no publish, and the move completes', async () => {
    const s = await setUp(await startPrivateCluster({ replicas: 0 }));
    const { channel, owner: from } = await channelOffControl(s, '/split/');
    const to = (await s.cluster.nodes()).find((n) => n.role === 'master' && n.id !== from.id);
    if (!to) throw new Error('no other master');
    const base = `${s.prefix}{c:${channel}}`;
    const slot = await s.cluster.cli(from.port, 'CLUSTER', 'KEYSLOT', `${base}:x`);
    const sub = await subscriber(s.b.url, channel);
    const pubClient = newClient(s.a.url);
    await pubClient.whenConnected();
    const pub = publisher(pubClient, channel, 20);
    await eventually(() => expect(sub.got.data.length).toBeGreaterThan(5), 10_000);

    await s.cluster.cli(to.port, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', from.id);
    await s.cluster.cli(from.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', to.id);
    // First batch: the offset key alone. Publishes go on for 300 ms with the keys split.
    expect(await s.cluster.cli(from.port, 'MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', `${base}:m`)).toBe('OK');
    await pause(300);
    // The rest, as GETKEYSINSLOT lists them; refused (BUSYKEY) if a script made `:x` on the new master.
    const rest = (await s.cluster.cli(from.port, 'CLUSTER', 'GETKEYSINSLOT', slot, '100')).split('\n').filter(Boolean);
    expect(rest).toContain(`${base}:x`);
    expect(await s.cluster.cli(from.port, 'MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'KEYS', ...rest)).toBe('OK');
    for (const n of await s.cluster.nodes()) if (n.role === 'master') await s.cluster.cli(n.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', to.id);
    await s.cluster.waitHealthy();
    expect((await s.cluster.ownerOf(`${base}:x`)).id).toBe(to.id);

    await runOnPast(pub, pub.issued(), 20);
    expect(pub.failed).toEqual([]); // [REDIS-12] the appends refused meanwhile (TRYAGAIN) were sent again
    await expectEveryAckedOnce(sub.got, pub.acked);
    // The stream holds each acknowledged publish once, on the new master.
    expect(Number(await s.cluster.cli(to.port, 'XLEN', `${base}:x`))).toBe(pub.acked.length);
    expect(sub.got.unrecovered).toEqual([]);
  }, 60_000);
});
