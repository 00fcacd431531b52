// Two Kuiper nodes on one Redis: clients on different nodes, and server-side code on one node,
// see each other's messages (SPEC: REDIS-1, REDIS-2, REDIS-3).
import type { Message } from 'cometd';
import { describe, expect, it } from 'vitest';
import { connectedCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';
import { cleanup, eventually } from '@kuiper/testkit';
import { startCluster } from './cluster.js';

const pairs: Array<[FayeTransport, CometdTransport]> = [
  ['websocket', 'websocket'],
  ['long-polling', 'long-polling'],
  ['websocket', 'long-polling'],
];

describe.each(pairs)('faye over %s on node A, cometd over %s on node B', (fayeTransport, cometdTransport) => {
  it('[REDIS-2] they exchange messages both ways, in order', async () => {
    const { nodes } = await startCluster(cleanup);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const faye = createFaye(cleanup, a.url, fayeTransport);
    const cometd = await connectedCometD(cleanup, b.url, cometdTransport);
    const atFaye: unknown[] = [];
    const atCometd: Message[] = [];
    await faye.subscribe('/chat/to-faye', (data) => atFaye.push(data));
    await cometd.subscribe('/chat/to-cometd', (m) => atCometd.push(m));

    for (let n = 1; n <= 5; n++) expect((await cometd.publish('/chat/to-faye', { n })).successful).toBe(true);
    await eventually(() => expect(atFaye).toEqual([1, 2, 3, 4, 5].map((n) => ({ n }))));

    for (let n = 1; n <= 5; n++) await faye.publish('/chat/to-cometd', { n });
    await eventually(() => expect(atCometd.map((m) => m.data)).toEqual([1, 2, 3, 4, 5].map((n) => ({ n }))));
    expect(atCometd[0]!.channel).toBe('/chat/to-cometd');
    expect(faye.connectionType()).toBe(fayeTransport);
    expect(cometd.cometd.getTransport()?.type).toBe(cometdTransport);
  });
});

describe('server-side code', () => {
  it('[REDIS-3] a subscriber on node A sees what clients and the server publish on node B', async () => {
    const { nodes } = await startCluster(cleanup);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const seen: unknown[] = [];
    a.kuiper.subscribe('/feed/**', (m) => seen.push(m.data));
    await a.kuiper.ready();
    const cometd = await connectedCometD(cleanup, b.url, 'long-polling');
    expect((await cometd.publish('/feed/client', 'from a client on B')).successful).toBe(true);
    await b.kuiper.publish('/feed/server', 'from the server B');
    await a.kuiper.publish('/feed/local', 'from the server A');
    await eventually(() =>
      expect([...seen].sort()).toEqual(['from a client on B', 'from the server A', 'from the server B']),
    );
  });

  it('[REDIS-1] a server publish on node B reaches a client of node A; deliver() too', async () => {
    const { nodes } = await startCluster(cleanup);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const faye = createFaye(cleanup, a.url, 'websocket');
    const got: unknown[] = [];
    await faye.subscribe('/news', (data) => got.push(data));
    expect(await b.kuiper.publish('/news', { n: 1 })).toBe(1);
    await eventually(() => expect(got).toEqual([{ n: 1 }]));
    const clientId = faye.client._dispatcher.clientId as string;
    expect(await b.kuiper.deliver(clientId, '/news', { n: 2 })).toBe(true);
    await eventually(() => expect(got).toEqual([{ n: 1 }, { n: 2 }]));
  });
});
