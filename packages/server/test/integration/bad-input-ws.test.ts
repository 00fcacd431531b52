// Bayeux over a raw `ws` WebSocket: a well-behaved session, then bad input frame by frame.
import { describe, it, expect } from 'vitest';
import { cleanup, eventually, startKuiper, handshakeMessage, expectHealthy, msgId, RawSocket } from '@kuiper/testkit';

async function wsHandshake(socket: RawSocket): Promise<string> {
  const reply = await socket.request(handshakeMessage(['websocket']));
  expect(reply).toMatchObject({ channel: '/meta/handshake', successful: true });
  expect(reply.supportedConnectionTypes).toContain('websocket');
  return reply.clientId!;
}

/** A fresh socket completes handshake, connect, subscribe and receives a server publish. */
async function expectWsHealthy(wsUrl: string, publish: (channel: string) => Promise<unknown>): Promise<void> {
  const socket = await RawSocket.open(cleanup, wsUrl);
  const clientId = await wsHandshake(socket);
  const connect = await socket.request({ channel: '/meta/connect', clientId, connectionType: 'websocket', advice: { timeout: 0 }, id: msgId() });
  expect(connect.successful).toBe(true);
  const channel = `/health/${msgId()}`;
  const sub = await socket.request({ channel: '/meta/subscribe', clientId, subscription: channel, id: msgId() });
  expect(sub.successful).toBe(true);
  socket.send([{ channel: '/meta/connect', clientId, connectionType: 'websocket', id: msgId() }]);
  await publish(channel);
  await eventually(() => expect(socket.received.filter((m) => m.channel === channel)).toHaveLength(1));
}

describe('raw websocket', () => {
  it('carries a full session: handshake, connect, subscribe, delivery, disconnect', async () => {
    const { wsUrl, server: kuiper } = await startKuiper();
    await expectWsHealthy(wsUrl, (channel) => kuiper.publish(channel, { ok: true }));
    const socket = await RawSocket.open(cleanup, wsUrl);
    const clientId = await wsHandshake(socket);
    const bye = await socket.request({ channel: '/meta/disconnect', clientId, id: msgId() });
    expect(bye).toMatchObject({ channel: '/meta/disconnect', successful: true });
    const after = await socket.request({ channel: '/meta/connect', clientId, connectionType: 'websocket', id: msgId() });
    expect(after).toMatchObject({ successful: false, error: '402::session_unknown' });
  });

  it('[SESS-1] answers an unknown clientId with 402::session_unknown and handshake advice', async () => {
    const { wsUrl, url, server: kuiper } = await startKuiper();
    const socket = await RawSocket.open(cleanup, wsUrl);
    const reply = await socket.request({ channel: '/meta/connect', clientId: 'ghost', connectionType: 'websocket', id: msgId() });
    expect(reply).toMatchObject({
      channel: '/meta/connect',
      successful: false,
      error: '402::session_unknown',
      advice: { reconnect: 'handshake', interval: 0 },
    });
    await expectWsHealthy(wsUrl, (channel) => kuiper.publish(channel, {}));
    await expectHealthy(url);
  });

  it('[CODEC-4][SUB-2] answers a missing channel, an invalid pattern and wrong-typed fields with their errors', async () => {
    const { wsUrl, server: kuiper } = await startKuiper();
    const socket = await RawSocket.open(cleanup, wsUrl);
    const clientId = await wsHandshake(socket);

    expect(await socket.request({ clientId, data: {}, id: msgId() })).toMatchObject({
      successful: false,
      error: '400::channel_missing',
    });
    expect(await socket.request({ channel: '/meta/subscribe', clientId, subscription: '/a/*/b', id: msgId() })).toMatchObject({
      channel: '/meta/subscribe',
      successful: false,
      error: '405::channel_invalid',
    });
    expect(
      await socket.request({ channel: '/meta/connect', clientId: 42 as unknown as string, connectionType: 'websocket', id: msgId() }),
    ).toMatchObject({ successful: false, error: '400:clientId:message_invalid' });

    // The same socket still serves its session.
    const sub = await socket.request({ channel: '/meta/subscribe', clientId, subscription: '/chat/ok', id: msgId() });
    expect(sub.successful).toBe(true);
    await expectWsHealthy(wsUrl, (channel) => kuiper.publish(channel, {}));
  });

  it('[WS-4] answers a malformed JSON frame with 400::body_invalid and the socket stays usable', async () => {
    const { wsUrl, url, server: kuiper } = await startKuiper();
    const socket = await RawSocket.open(cleanup, wsUrl);
    for (const frame of ['[{"channel":', 'not json', '[]']) {
      const before = socket.received.length;
      socket.send(frame);
      await eventually(() => expect(socket.received.length).toBeGreaterThan(before));
      expect(socket.received.at(-1), frame).toMatchObject({ successful: false, error: '400::body_invalid' });
    }
    expect(socket.closed).toBe(false);
    await wsHandshake(socket);
    await expectWsHealthy(wsUrl, (channel) => kuiper.publish(channel, {}));
    await expectHealthy(url);
  });

  it('[LIMIT-1] closes a socket sending a frame over maxBodyBytes with 1009, and keeps serving others', async () => {
    const { wsUrl, url, server: kuiper } = await startKuiper({ maxBodyBytes: 1024 });
    const socket = await RawSocket.open(cleanup, wsUrl);
    const hs = { ...handshakeMessage(['websocket']), ext: { padding: 'x'.repeat(4096) } };
    socket.send([hs]);
    await eventually(() => expect(socket.closeCode).toBe(1009));
    expect(socket.received).toEqual([]);
    expect(kuiper.stats().clients).toBe(0);
    await expectWsHealthy(wsUrl, (channel) => kuiper.publish(channel, {}));
    await expectHealthy(url);
  });
});
