// One watcher per session in the cluster (SPEC: REDIS-2): when a client moves to another node, the
// node it left stops taking its deliveries, even while the old socket is still open (half-open).
import { describe, expect, it } from 'vitest';
import { cleanup, RawSocket, eventually, handshakeMessage, msgId, type WireMessage } from '@kuiper/testkit';
import { startCluster } from './cluster.js';

const data = (socket: RawSocket): unknown[] => socket.received.filter((m) => m.channel === '/moved').map((m) => m.data);

describe('a websocket client moving from node A to node B', () => {
  it('[REDIS-2][WS-3] the socket left open on A takes nothing once the client connects on B', async () => {
    const { nodes } = await startCluster(cleanup);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const onA = await RawSocket.open(cleanup, a.wsUrl);
    const hs = await onA.request(handshakeMessage(['websocket']));
    const clientId = hs.clientId as string;
    const connect = (timeout?: number): WireMessage => ({
      channel: '/meta/connect',
      clientId,
      connectionType: 'websocket',
      id: msgId(),
      ...(timeout === undefined ? {} : { advice: { timeout } }),
    });
    expect((await onA.request({ channel: '/meta/subscribe', clientId, subscription: '/moved', id: msgId() })).successful).toBe(true);
    expect((await onA.request(connect(0))).successful).toBe(true);
    onA.send([connect()]); // held on A, streaming
    await b.kuiper.publish('/moved', 'to A');
    await eventually(() => expect(data(onA)).toEqual(['to A']));

    // The client opens a socket on B and connects there; A's socket stays open.
    const onB = await RawSocket.open(cleanup, b.wsUrl);
    expect((await onB.request(connect(0))).successful).toBe(true);
    onB.send([connect()]);
    let n = 0;
    await eventually(async () => {
      await a.kuiper.publish('/moved', `probe ${++n}`);
      expect(data(onB).length).toBeGreaterThan(0);
    });
    const seenOnA = data(onA).length;
    for (let i = 1; i <= 5; i++) await a.kuiper.publish('/moved', i);
    await eventually(() => expect(data(onB).slice(-5)).toEqual([1, 2, 3, 4, 5]));
    await a.kuiper.ready();
    expect(data(onA)).toHaveLength(seenOnA);
    // Nothing was lost on the way: every probe reached one socket or the other.
    expect(data(onA).length + data(onB).length).toBe(1 + n + 5);
  });
});
