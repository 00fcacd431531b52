// Limits (issue 5, LIMIT-*): each one hit over the wire gives its own clear error, and stops there.
import { describe, it, expect } from 'vitest';
import {
  cleanup,
  RawSocket,
  bayeux,
  immediateConnect,
  msgId,
  replyTo,
  type WireMessage,
  onCleanup,
} from '@kuiper/testkit';
import { RAW_TRANSPORTS, exchangeOver, handshakeFor, post, startHardened } from './support.js';

describe.each(RAW_TRANSPORTS)('over %s', (transport) => {
  it('[LIMIT-2] a publish larger than maxMessageBytes gets 413:<limit>:message_too_large and is not delivered', async () => {
    const server = await startHardened(cleanup, { limits: { maxMessageBytes: 1024 } });
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;
    const delivered: unknown[] = [];
    onCleanup(server.kuiper.subscribe('/big/**', (m) => delivered.push(m.data)));
    const big = await send({ channel: '/big/one', clientId, data: 'x'.repeat(2000), id: msgId() });
    expect(big).toMatchObject({ channel: '/big/one', successful: false, error: '413:1024:message_too_large' });
    const small = await send({ channel: '/big/two', clientId, data: 'x'.repeat(500), id: msgId() });
    expect(small.successful).toBe(true);
    expect(delivered).toEqual(['x'.repeat(500)]);
  });

  it('[LIMIT-3] subscriptions past maxSubscriptions get 403:<limit>:subscriptions_exceeded, all or nothing', async () => {
    const server = await startHardened(cleanup, { limits: { maxSubscriptions: 3 } });
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;
    const sub = (subscription: string | string[]) => send({ channel: '/meta/subscribe', clientId, subscription, id: msgId() });
    expect((await sub(['/s/1', '/s/2'])).successful).toBe(true);
    expect(await sub(['/s/3', '/s/4'])).toMatchObject({ successful: false, error: '403:3:subscriptions_exceeded' });
    expect(server.kuiper.stats().subscriptions).toBe(2);
    expect((await sub('/s/3')).successful).toBe(true);
    expect(await sub('/s/4')).toMatchObject({ channel: '/meta/subscribe', successful: false, error: '403:3:subscriptions_exceeded', subscription: '/s/4' });
    expect(server.kuiper.stats().subscriptions).toBe(3);
    // Unsubscribing makes room again.
    expect((await send({ channel: '/meta/unsubscribe', clientId, subscription: '/s/1', id: msgId() })).successful).toBe(true);
    expect((await sub('/s/4')).successful).toBe(true);
  });

  it('[LIMIT-4] publishes past the token bucket get 429:<rate>:rate_limited; meta messages and other sessions are not limited', async () => {
    const server = await startHardened(cleanup, { limits: { publishRate: { perSecond: 1, burst: 5 } } });
    const send = await exchangeOver(cleanup, transport, server);
    const clientId = (await send(handshakeFor(transport))).clientId as string;
    const results: WireMessage[] = [];
    for (let i = 0; i < 8; i++) results.push(await send({ channel: '/rate/x', clientId, data: { i }, id: msgId() }));
    expect(results.slice(0, 5).every((r) => r.successful === true)).toBe(true);
    for (const r of results.slice(5)) expect(r).toMatchObject({ channel: '/rate/x', successful: false, error: '429:1:rate_limited' });
    // Service calls count as publishes too.
    expect((await send({ channel: '/service/echo', clientId, data: {}, id: msgId() })).error).toBe('429:1:rate_limited');
    // Meta messages still go through: the throttled client can connect and receive.
    expect((await send({ channel: '/meta/subscribe', clientId, subscription: '/rate/y', id: msgId() })).successful).toBe(true);
    const connect = await send({ channel: '/meta/connect', clientId, connectionType: transport, advice: { timeout: 0 }, id: msgId() });
    expect(connect.successful).toBe(true);
    const other = (await send(handshakeFor(transport))).clientId as string;
    expect((await send({ channel: '/rate/x', clientId: other, data: {}, id: msgId() })).successful).toBe(true);
  });
});

describe('limits on the transports', () => {
  it('[LIMIT-2] maxMessageBytes counts bytes (UTF-8), not characters', async () => {
    const server = await startHardened(cleanup, { limits: { maxMessageBytes: 1024 } });
    const hs = handshakeFor('long-polling');
    const clientId = replyTo(await bayeux(server.url, [hs]), hs.id).clientId as string;
    // 600 euro signs: 600 characters, 1800 bytes on the wire.
    const pub = { channel: '/big/euro', clientId, data: '\u20ac'.repeat(600), id: msgId() };
    expect(Buffer.byteLength(JSON.stringify({ channel: pub.channel, data: pub.data }))).toBeGreaterThan(1024);
    expect(replyTo(await bayeux(server.url, [pub]), pub.id)).toMatchObject({ successful: false, error: '413:1024:message_too_large' });
  });

  it('[LIMIT-4] a batch of publishes in one request is limited message by message', async () => {
    const { url } = await startHardened(cleanup, { limits: { publishRate: { perSecond: 1, burst: 3 } } });
    const hs = handshakeFor('long-polling');
    const clientId = replyTo(await bayeux(url, [hs]), hs.id).clientId as string;
    const batch = Array.from({ length: 6 }, (_, i) => ({ channel: '/rate/b', clientId, data: { i }, id: msgId() }));
    const replies = await bayeux(url, batch);
    expect(batch.map((m) => replyTo(replies, m.id).error ?? 'ok')).toEqual(['ok', 'ok', 'ok', '429:1:rate_limited', '429:1:rate_limited', '429:1:rate_limited']);
  });

  it('[LIMIT-5] handshakes past maxSessionsPerConnection on one websocket get 403:<limit>:sessions_exceeded', async () => {
    const server = await startHardened(cleanup, { limits: { maxSessionsPerConnection: 2 } });
    const socket = await RawSocket.open(cleanup, server.wsUrl);
    expect((await socket.request(handshakeFor('websocket'))).successful).toBe(true);
    expect((await socket.request(handshakeFor('websocket'))).successful).toBe(true);
    const third = handshakeFor('websocket');
    expect(await socket.request(third)).toMatchObject({
      channel: '/meta/handshake', id: third.id, successful: false, error: '403:2:sessions_exceeded', advice: { reconnect: 'none' },
    });
    expect(server.kuiper.stats().clients).toBe(2);
    // Another socket, and long-polling, are not affected.
    const other = await RawSocket.open(cleanup, server.wsUrl);
    expect((await other.request(handshakeFor('websocket'))).successful).toBe(true);
    const lp = handshakeFor('long-polling');
    expect(replyTo(await bayeux(server.url, [lp]), lp.id).successful).toBe(true);
  });

  it('[LIMIT-5] sessions that ended no longer count against their websocket', async () => {
    const server = await startHardened(cleanup, { limits: { maxSessionsPerConnection: 2 } });
    const socket = await RawSocket.open(cleanup, server.wsUrl);
    // A client that disconnects and handshakes again (or is told to re-handshake after a 402) on the
    // same socket, three times: it never holds more than one session at once.
    for (let i = 0; i < 3; i++) {
      const hs = await socket.request(handshakeFor('websocket'));
      expect(hs.successful, `handshake ${i + 1}: ${JSON.stringify(hs)}`).toBe(true);
      const bye = await socket.request({ channel: '/meta/disconnect', clientId: hs.clientId, id: msgId() });
      expect(bye.successful).toBe(true);
    }
    expect(server.kuiper.stats().clients).toBe(0);
  });

  it('[LIMIT-1] a body over maxBodyBytes gets HTTP 413 (413::body_too_large); a frame over it closes the socket 1009', async () => {
    const server = await startHardened(cleanup, { limits: { maxBodyBytes: 4096 } });
    const body = JSON.stringify([{ channel: '/x', data: 'y'.repeat(8000), id: '1' }]);
    const res = await post(server.url, body);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject([{ successful: false, error: '413::body_too_large' }]);
    const socket = await RawSocket.open(cleanup, server.wsUrl);
    socket.send(body);
    await new Promise<void>((resolve) => socket.ws.once('close', () => resolve()));
    expect(socket.closeCode).toBe(1009);
    // The server is fine.
    const hs = handshakeFor('long-polling');
    const clientId = replyTo(await bayeux(server.url, [hs]), hs.id).clientId as string;
    const connect = immediateConnect(clientId);
    expect(replyTo(await bayeux(server.url, [connect]), connect.id).successful).toBe(true);
  });
});
