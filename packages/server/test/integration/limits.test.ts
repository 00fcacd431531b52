// Abusive but well-formed clients: limits refuse what is over them, with an error the sender
// sees, and nothing else changes for anybody.
import { describe, it, expect } from 'vitest';
import { WebSocket } from 'ws';
import {
  cleanup,
  eventually,
  startKuiper,
  bayeux,
  rawHandshake,
  immediateConnect,
  connectMessage,
  handshakeMessage,
  replyTo,
  expectHealthy,
  msgId,
  RawSocket,
  type WireMessage,
  onCleanup,
} from '@kuiper/testkit';

async function subscribe(url: string, clientId: string, subscription: string): Promise<WireMessage> {
  const sub = { channel: '/meta/subscribe', clientId, subscription, id: msgId() };
  return replyTo(await bayeux(url, [sub]), sub.id);
}

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opens. */
function upgradeStatus(wsUrl: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}

describe('limits', () => {
  it('[LIMIT-2] refuses a publish over maxMessageBytes with 413 and delivers nothing', async () => {
    const { url, server: kuiper } = await startKuiper({ limits: { maxMessageBytes: 1000 } });
    const received: unknown[] = [];
    onCleanup(kuiper.subscribe('/chat/**', (m) => received.push(m.data)));
    const clientId = await rawHandshake(url);
    const big = { channel: '/chat/big', clientId, data: { text: 'x'.repeat(2000) }, id: msgId() };
    const reply = replyTo(await bayeux(url, [big]), big.id);
    expect(reply.successful).toBe(false);
    expect(reply.error).toBe('413:1000:message_too_large');

    const small = { channel: '/chat/small', clientId, data: { text: 'ok' }, id: msgId() };
    expect(replyTo(await bayeux(url, [small]), small.id).successful).toBe(true);
    await eventually(() => expect(received).toHaveLength(1));
    expect(received).toEqual([{ text: 'ok' }]);
  });

  it('[LIMIT-3] refuses subscriptions past maxSubscriptions with 403, keeping the ones it has', async () => {
    const { url, server: kuiper } = await startKuiper({ limits: { maxSubscriptions: 2 } });
    const clientId = await rawHandshake(url);
    await bayeux(url, [immediateConnect(clientId)]);
    expect((await subscribe(url, clientId, '/chat/a')).successful).toBe(true);
    expect((await subscribe(url, clientId, '/chat/b')).successful).toBe(true);
    const third = await subscribe(url, clientId, '/chat/c');
    expect(third.successful).toBe(false);
    expect(third.error).toBe('403:2:subscriptions_exceeded');

    await kuiper.publish('/chat/c', { n: 0 });
    await kuiper.publish('/chat/a', { n: 1 });
    const replies = await bayeux(url, [connectMessage(clientId)]);
    expect(replies.filter((m) => m.data !== undefined).map((m) => m.channel)).toEqual(['/chat/a']);
  });

  it('[LIMIT-4] rate-limits a publish burst with 429, and every acknowledged publish is delivered', async () => {
    const { url, server: kuiper } = await startKuiper({ limits: { publishRate: { perSecond: 5, burst: 5 } } });
    const received: unknown[] = [];
    onCleanup(kuiper.subscribe('/chat/**', (m) => received.push(m.data)));
    const clientId = await rawHandshake(url);
    const burst = Array.from({ length: 20 }, (_, n) => ({ channel: '/chat/burst', clientId, data: { n }, id: msgId() }));
    const replies = await bayeux(url, burst);
    const acks = burst.map((m) => replyTo(replies, m.id));
    const accepted = acks.filter((r) => r.successful === true);
    const refused = acks.filter((r) => r.successful !== true);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.error).toMatch(/^429:[^:]+:rate_limited$/);
    await kuiper.publish('/chat/sentinel', 'end');
    await eventually(() => expect(received).toContain('end'));
    expect(received).toHaveLength(accepted.length + 1);
    // Another session has its own budget.
    await expectHealthy(url);
  });

  it('[LIMIT-6] drops the oldest queued messages of a slow consumer past maxQueue', async () => {
    const { url, server: kuiper } = await startKuiper({ limits: { maxQueue: 5, overflow: 'drop-oldest' } });
    const overflow: unknown[] = [];
    kuiper.on('session:overflow', (ev: unknown) => overflow.push(ev));
    const clientId = await rawHandshake(url);
    await bayeux(url, [immediateConnect(clientId)]);
    await subscribe(url, clientId, '/chat/flood');
    for (let n = 1; n <= 10; n++) await kuiper.publish('/chat/flood', { n });

    const replies = await bayeux(url, [connectMessage(clientId)]);
    expect(replies.filter((m) => m.channel === '/chat/flood').map((m) => m.data)).toEqual(
      [6, 7, 8, 9, 10].map((n) => ({ n })),
    );
    expect(overflow.length).toBeGreaterThan(0);
  });
});

describe('slow consumer removal', () => {
  it("[LIMIT-6] with overflow 'disconnect' removes the session, which then gets 402", async () => {
    const { url, server: kuiper } = await startKuiper({ limits: { maxQueue: 3, overflow: 'disconnect' } });
    const removed: Array<{ clientId: string; reason: string }> = [];
    kuiper.on('session:removed', (ev: { clientId: string; reason: string }) => removed.push(ev));
    const clientId = await rawHandshake(url);
    await bayeux(url, [immediateConnect(clientId)]);
    await subscribe(url, clientId, '/chat/flood');
    for (let n = 1; n <= 5; n++) await kuiper.publish('/chat/flood', { n });

    await eventually(() => expect(removed).toEqual([expect.objectContaining({ clientId, reason: 'overflow' })]));
    const connect = connectMessage(clientId);
    expect(replyTo(await bayeux(url, [connect]), connect.id)).toMatchObject({ error: '402::session_unknown' });
    await expectHealthy(url);
  });
});

describe('websocket limits', () => {
  it('[LIMIT-5] refuses a handshake past maxSessionsPerConnection with 403 and reconnect none', async () => {
    const { wsUrl } = await startKuiper({ limits: { maxSessionsPerConnection: 2 } });
    const socket = await RawSocket.open(cleanup, wsUrl);
    expect((await socket.request(handshakeMessage(['websocket']))).successful).toBe(true);
    expect((await socket.request(handshakeMessage(['websocket']))).successful).toBe(true);
    const third = await socket.request(handshakeMessage(['websocket']));
    expect(third).toMatchObject({ successful: false, advice: { reconnect: 'none' } });
    expect(third.error).toBe('403:2:sessions_exceeded');
  });

  it('[LIMIT-5] counts only live sessions: handshake and disconnect in turn on one socket never hits the limit', async () => {
    const { wsUrl } = await startKuiper({ limits: { maxSessionsPerConnection: 2 } });
    const socket = await RawSocket.open(cleanup, wsUrl);
    for (let round = 1; round <= 4; round++) {
      const hs = await socket.request(handshakeMessage(['websocket']));
      expect(hs.successful, `handshake ${round}: ${hs.error ?? ''}`).toBe(true);
      const bye = await socket.request({ channel: '/meta/disconnect', clientId: hs.clientId, id: msgId() });
      expect(bye.successful).toBe(true);
    }
  });

  it('[SEC-6] refuses a cross-site WebSocket upgrade by default, allows same-origin and no-origin', async () => {
    const { wsUrl, port } = await startKuiper();
    expect(await upgradeStatus(wsUrl, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(wsUrl, `http://127.0.0.1:${port}`)).toBe(101);
    expect(await upgradeStatus(wsUrl, undefined)).toBe(101);
  });

  it('[SEC-6] allowedOrigins admits listed origins only', async () => {
    const { wsUrl } = await startKuiper({ allowedOrigins: ['https://app.example'] });
    expect(await upgradeStatus(wsUrl, 'https://app.example')).toBe(101);
    expect(await upgradeStatus(wsUrl, 'https://evil.example')).toBe(403);
  });
});
