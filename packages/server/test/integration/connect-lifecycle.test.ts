// Held /meta/connect edge cases a real deployment meets: a second connect, a disconnect while
// held, a client that goes away, a dropped socket, and server shutdown. Spoken raw.
import { connect as netConnect } from 'node:net';
import { describe, it, expect } from 'vitest';
import {
  cleanup,
  eventually,
  startKuiper,
  bayeux,
  rawHandshake,
  subscribedSession,
  handshakeMessage,
  immediateConnect,
  connectMessage,
  replyTo,
  msgId,
  RawSocket,
  type WireMessage,
} from '@kuiper/testkit';

/** Starts a request without awaiting it; `settled` tells whether it has answered yet. */
function pending<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  return { promise: tracked, settled: () => done };
}

describe('held /meta/connect', () => {
  it('[CONN-3] a second connect from the same session answers the first at once', async () => {
    const { url } = await startKuiper({ timeout: 15_000 });
    const clientId = await subscribedSession(url, '/chat/a');
    const firstMsg = connectMessage(clientId);
    const first = pending(bayeux(url, [firstMsg]));
    // Make sure the first is held before the second arrives: a round trip on another session.
    await rawHandshake(url);
    expect(first.settled()).toBe(false);

    const secondMsg = connectMessage(clientId);
    const second = pending(bayeux(url, [secondMsg]));
    await eventually(() => expect(first.settled()).toBe(true));
    expect(replyTo(await first.promise, firstMsg.id).channel).toBe('/meta/connect');

    // The second is the one held now: a publish ends it with the delivery first.
    const publisher = await rawHandshake(url);
    await bayeux(url, [{ channel: '/chat/a', clientId: publisher, data: { n: 1 }, id: msgId() }]);
    const replies = await second.promise;
    expect(replies.map((m) => m.channel)).toEqual(['/chat/a', '/meta/connect']);
    expect(replies[1]).toMatchObject({ id: secondMsg.id, successful: true });
  });

  it('[CONN-5] a disconnect answers the held connect of its session promptly', async () => {
    const { url, server: kuiper } = await startKuiper({ timeout: 15_000 });
    const clientId = await subscribedSession(url, '/chat/a');
    const heldMsg = connectMessage(clientId);
    const held = pending(bayeux(url, [heldMsg]));
    await rawHandshake(url);
    expect(held.settled()).toBe(false);

    const bye = { channel: '/meta/disconnect', clientId, id: msgId() };
    expect(replyTo(await bayeux(url, [bye]), bye.id).successful).toBe(true);
    await eventually(() => expect(held.settled()).toBe(true));
    const reply = replyTo(await held.promise, heldMsg.id);
    expect(reply).toMatchObject({
      channel: '/meta/connect',
      successful: false,
      error: '402::session_unknown',
      advice: { reconnect: 'handshake' },
    });
    expect(kuiper.stats().clients).toBe(1); // only the probe session
  });

  it('[CONN-6] loses no message when the client of a held long-poll goes away', async () => {
    const { url, port } = await startKuiper({ timeout: 15_000 });
    const clientId = await subscribedSession(url, '/chat/a');

    // A held connect whose client vanishes right after sending it.
    const body = JSON.stringify([connectMessage(clientId)]);
    const socket = netConnect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /bayeux/connect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await rawHandshake(url); // the server has read the request by now
    socket.destroy();
    await rawHandshake(url);

    const publisher = await rawHandshake(url);
    await bayeux(url, [{ channel: '/chat/a', clientId: publisher, data: { n: 1 }, id: msgId() }]);
    const next = connectMessage(clientId);
    const replies = await bayeux(url, [next]);
    expect(replies.filter((m) => m.channel === '/chat/a').map((m) => m.data)).toEqual([{ n: 1 }]);
    expect(replyTo(replies, next.id).successful).toBe(true);
  });

  it('[WS-3] a websocket session survives a dropped socket: queued messages arrive on the next socket', async () => {
    const { wsUrl, server: kuiper } = await startKuiper({ timeout: 15_000 });
    const first = await RawSocket.open(cleanup, wsUrl);
    const clientId = (await first.request(handshakeMessage(['websocket']))).clientId!;
    expect(clientId).toEqual(expect.any(String));
    const sub = { channel: '/meta/subscribe', clientId, subscription: '/chat/ws', id: msgId() };
    first.send([immediateConnect(clientId, 'websocket'), sub]);
    await eventually(() => expect(first.reply(sub.id)?.successful).toBe(true));
    first.send([connectMessage(clientId, 'websocket')]);
    first.ws.terminate();
    await eventually(() => expect(first.closed).toBe(true));

    await kuiper.publish('/chat/ws', { n: 1 });
    await kuiper.publish('/chat/ws', { n: 2 });

    const second = await RawSocket.open(cleanup, wsUrl);
    second.send([connectMessage(clientId, 'websocket')]);
    await eventually(() => expect(second.received.filter((m) => m.channel === '/chat/ws')).toHaveLength(2));
    expect(second.received.filter((m) => m.channel === '/chat/ws').map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(kuiper.stats().clients).toBe(1);
  });

  it('[API-1] close() answers held long-polls, closes websockets and resolves promptly', async () => {
    const { url, wsUrl, server: kuiper } = await startKuiper({ timeout: 15_000 });
    const clientId = await subscribedSession(url, '/chat/a');
    const heldMsg = connectMessage(clientId);
    // No catch: a dropped connection rejects here and fails the test — only an answer counts.
    const held = pending(bayeux(url, [heldMsg]));
    const socket = await RawSocket.open(cleanup, wsUrl);
    const hs = handshakeMessage(['websocket']);
    socket.send([hs]);
    await eventually(() => expect(socket.reply(hs.id)?.successful).toBe(true));
    await rawHandshake(url);

    const closing = pending(kuiper.close());
    await eventually(() => expect(closing.settled()).toBe(true));
    await eventually(() => expect(held.settled()).toBe(true));
    expect(replyTo(await held.promise, heldMsg.id)).toMatchObject({ channel: '/meta/connect', clientId, successful: true });
    await eventually(() => expect(socket.closed).toBe(true));
  });
});

describe('subscriptions', () => {
  it('[PUB-1][SUB-1] subscribing twice to one channel still delivers once; an array subscribes to each', async () => {
    const { url, server: kuiper } = await startKuiper();
    const clientId = await rawHandshake(url);
    await bayeux(url, [immediateConnect(clientId)]);
    const subs: WireMessage[] = [
      { channel: '/meta/subscribe', clientId, subscription: '/chat/a', id: msgId() },
      { channel: '/meta/subscribe', clientId, subscription: '/chat/a', id: msgId() },
      { channel: '/meta/subscribe', clientId, subscription: ['/chat/b', '/chat/c'], id: msgId() },
    ];
    const replies = await bayeux(url, subs);
    for (const s of subs) expect(replyTo(replies, s.id).successful).toBe(true);
    expect(replyTo(replies, subs[2]!.id).subscription).toEqual(['/chat/b', '/chat/c']);

    for (const channel of ['/chat/a', '/chat/b', '/chat/c']) await kuiper.publish(channel, { channel });
    const delivered = await bayeux(url, [connectMessage(clientId)]);
    expect(delivered.filter((m) => m.data !== undefined).map((m) => m.channel)).toEqual(['/chat/a', '/chat/b', '/chat/c']);
  });
});
