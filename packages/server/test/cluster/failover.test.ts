// A node goes away (SPEC: REDIS-5): its clients reach another node through the balancer and carry
// on with the same session, subscriptions and queued messages; nothing published meanwhile is lost.
import { describe, expect, it } from 'vitest';
import { connectedCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';
import { cleanup, eventually } from '@kuiper/testkit';
import { startBalancer, startCluster } from './cluster.js';

const transports = ['websocket', 'long-polling'] as const;

describe.each<FayeTransport & CometdTransport>(transports)('over %s', (transport) => {
  it('[REDIS-5] node A closes: its faye and cometd clients continue on node B, same session, nothing missed', async () => {
    const { nodes } = await startCluster(cleanup, 2, { timeout: 2000 });
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    // Every client starts on A; B joins the balancer, then A goes away.
    const lb = await startBalancer(cleanup, [a.port]);
    const faye = createFaye(cleanup, lb.url, transport);
    const cometd = await connectedCometD(cleanup, lb.url, transport);
    cometd.cometd.configure({ url: lb.url, backoffIncrement: 50, maxBackoff: 300 });
    const atFaye: unknown[] = [];
    const atCometd: unknown[] = [];
    await faye.subscribe('/fo', (data) => atFaye.push(data));
    await cometd.subscribe('/fo', (m) => atCometd.push(m.data));
    await b.kuiper.publish('/fo', 1);
    await eventually(() => expect(atFaye).toEqual([1]));
    await eventually(() => expect(atCometd).toEqual([1]));
    const fayeId = faye.client._dispatcher.clientId;
    const cometdId = cometd.cometd.getClientId();
    expect(new Set([...lb.routed, ...lb.upgrades])).toEqual(new Set([a.port]));

    lb.add(b.port);
    lb.remove(a.port);
    await a.kuiper.close();
    // Published while the clients are between nodes: it waits in their queues in Redis.
    await b.kuiper.publish('/fo', 2);
    await b.kuiper.publish('/fo', 3);
    await eventually(() => expect(atFaye).toEqual([1, 2, 3]), 15_000);
    await eventually(() => expect(atCometd).toEqual([1, 2, 3]), 15_000);
    // The sessions survived the node: no new handshake was needed.
    expect(faye.client._dispatcher.clientId).toBe(fayeId);
    expect(cometd.cometd.getClientId()).toBe(cometdId);
    expect(lb.routed.includes(b.port) || lb.upgrades.includes(b.port)).toBe(true);
  }, 30_000);
});
