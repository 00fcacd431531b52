// The rules every streaming transport shares (SPEC: STREAM-*), run against each of them over raw
// HTTP: the transport files call `describeStreamContract(name)` and add their own framing checks.
import { connect } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { ALL_CONNECTION_TYPES } from '../../src/index.js';
import {
  onCleanup,
  type KuiperOptions,
  type WireMessage,
  bayeux,
  eventually,
  handshakeMessage,
  immediateConnect,
  msgId,
  rawGet,
  rawHandshake,
  replyTo,
  startKuiper,
} from '@kuiper/testkit';
import { StreamReader, type StreamQuery, type StreamingType, streamConnect, streamUrl } from './stream-reader.js';

export async function subscribe(url: string, clientId: string, subscription: string): Promise<void> {
  const sub = { channel: '/meta/subscribe', clientId, subscription, id: msgId() };
  expect(replyTo(await bayeux(url, [sub]), sub.id).successful).toBe(true);
}

export async function unsubscribe(url: string, clientId: string, subscription: string): Promise<void> {
  const unsub = { channel: '/meta/unsubscribe', clientId, subscription, id: msgId() };
  expect(replyTo(await bayeux(url, [unsub]), unsub.id).successful).toBe(true);
}

export async function publish(url: string, clientId: string, channel: string, data: unknown): Promise<void> {
  const pub = { channel, clientId, data, id: msgId() };
  expect(replyTo(await bayeux(url, [pub]), pub.id).successful).toBe(true);
}

/** A started server plus a session with an open stream whose first connect reply has arrived. */
export async function openSession(
  transport: StreamingType,
  options: Partial<KuiperOptions> = {},
  query: StreamQuery = {},
) {
  const { server: kuiper, ...started } = await startKuiper(options);
  const clientId = await rawHandshake(started.url);
  const connect = streamConnect(clientId, transport);
  const stream = await openStream(started.url, transport, connect, query);
  await eventually(() => expect(stream.connectReplies()).toHaveLength(1));
  return { ...started, kuiper, clientId, connect, stream };
}

export async function openStream(
  url: string,
  transport: StreamingType,
  connect: WireMessage,
  query: StreamQuery = {},
): Promise<StreamReader> {
  const stream = await StreamReader.open(url, transport, connect, query);
  onCleanup(() => stream.abort());
  return stream;
}

export function describeStreamContract(transport: StreamingType): void {
  describe(`${transport}: the shared stream rules`, () => {
    it('[STREAM-1][STREAM-4][STREAM-8] opens with the connect reply, then streams deliveries in order', async () => {
      const { url, clientId, connect, stream } = await openSession(transport);
      expect(stream.status).toBe(200);
      expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(stream.headers.get('x-accel-buffering')).toBe('no');
      expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
      expect(stream.messages[0]).toMatchObject({ channel: '/meta/connect', id: connect.id, clientId, successful: true });

      await subscribe(url, clientId, '/chat/room');
      const publisher = await rawHandshake(url);
      for (let n = 0; n < 20; n++) await publish(url, publisher, '/chat/room', { n });
      await eventually(() => expect(stream.data('/chat/room')).toHaveLength(20));
      expect(stream.data('/chat/room')).toEqual(Array.from({ length: 20 }, (_, n) => ({ n })));
      // [PUB-3] The delivered copy is {channel, data}.
      const delivery = stream.messages.find((m) => m.channel === '/chat/room');
      expect(Object.keys(delivery ?? {}).sort()).toEqual(['channel', 'data']);
      expect(stream.ended).toBe(false);
    });

    it('[STREAM-4] sends what is queued in one event-loop turn as one batch', async () => {
      const { url, clientId, kuiper, stream } = await openSession(transport);
      await subscribe(url, clientId, '/burst');
      void kuiper.publish('/burst', 1);
      void kuiper.publish('/burst', 2);
      void kuiper.publish('/burst', 3);
      await eventually(() => expect(stream.data('/burst')).toEqual([1, 2, 3]));
      expect(stream.batches.filter((b) => b.some((m) => m.channel === '/burst'))).toHaveLength(1);
    });

    it('[SUB-3][STREAM-4] unsubscribing stops deliveries on the stream', async () => {
      const { url, clientId, kuiper, stream } = await openSession(transport);
      await subscribe(url, clientId, '/a');
      await subscribe(url, clientId, '/b');
      await kuiper.publish('/a', 'before');
      await eventually(() => expect(stream.data('/a')).toEqual(['before']));
      await unsubscribe(url, clientId, '/a');
      await kuiper.publish('/a', 'after');
      await kuiper.publish('/b', 'marker');
      // Deliveries keep queue order, so once the marker is in, '/a' would have been too.
      await eventually(() => expect(stream.data('/b')).toEqual(['marker']));
      expect(stream.data('/a')).toEqual(['before']);
    });

    it('[STREAM-8] sends keep-alives at the configured interval', async () => {
      const { stream } = await openSession(transport, { streamKeepAliveMs: 40 });
      await eventually(() => expect(stream.keepAlives).toBeGreaterThanOrEqual(3));
      expect(stream.ended).toBe(false);
    });

    it('[STREAM-5][CONN-5] ends with 402 and handshake advice after /meta/disconnect', async () => {
      const { url, clientId, connect, stream } = await openSession(transport);
      const bye = { channel: '/meta/disconnect', clientId, id: msgId() };
      expect(replyTo(await bayeux(url, [bye]), bye.id).successful).toBe(true);
      await eventually(() => expect(stream.ended).toBe(true));
      const replies = stream.connectReplies();
      expect(replies).toHaveLength(2);
      expect(replies[1]).toMatchObject({
        id: connect.id,
        successful: false,
        error: '402::session_unknown',
        advice: { reconnect: 'handshake' },
      });
    });

    it('[STREAM-5][CONN-2] ends with the connect reply when the hold times out; the next stream carries on', async () => {
      const { url, clientId, kuiper, connect, stream } = await openSession(transport, { timeout: 300 });
      await subscribe(url, clientId, '/t');
      await eventually(() => expect(stream.ended).toBe(true));
      expect(stream.connectReplies()).toEqual([
        expect.objectContaining({ id: connect.id, successful: true }),
        expect.objectContaining({ id: connect.id, successful: true, advice: expect.objectContaining({ reconnect: 'retry' }) }),
      ]);
      const next = await openStream(url, transport, streamConnect(clientId, transport));
      await eventually(() => expect(next.connectReplies()).toHaveLength(1));
      await kuiper.publish('/t', 'again');
      await eventually(() => expect(next.data('/t')).toEqual(['again']));
    });

    it('[STREAM-5][CONN-2] a connect asking advice.timeout 0 gets what is queued and its reply, then the end', async () => {
      const { url, server: kuiper } = await startKuiper();
      const clientId = await rawHandshake(url);
      await subscribe(url, clientId, '/z');
      await kuiper.publish('/z', 'queued');
      const connect = { ...streamConnect(clientId, transport), advice: { timeout: 0 } };
      const stream = await openStream(url, transport, connect);
      await eventually(() => expect(stream.ended).toBe(true));
      expect(stream.messages.map((m) => m.channel)).toEqual(['/meta/connect', '/z', '/meta/connect']);
      expect(stream.data('/z')).toEqual(['queued']);
    });

    it('[STREAM-5][CONN-3] a newer connect of the session ends the open stream', async () => {
      const { url, clientId, kuiper, stream } = await openSession(transport);
      await subscribe(url, clientId, '/n');
      const next = await openStream(url, transport, streamConnect(clientId, transport));
      await eventually(() => expect(stream.ended).toBe(true));
      expect(stream.connectReplies().at(-1)).toMatchObject({ successful: true });
      await eventually(() => expect(next.connectReplies()).toHaveLength(1));
      await kuiper.publish('/n', 'to the new one');
      await eventually(() => expect(next.data('/n')).toEqual(['to the new one']));
    });

    it('[STREAM-7][CONN-6] a client that goes away leaves its queue for the next connect', async () => {
      const { url, clientId, kuiper, stream } = await openSession(transport);
      await subscribe(url, clientId, '/q');
      const closed = vi.spyOn(kuiper.engine, 'connectClosed');
      stream.abort();
      await eventually(() => expect(closed).toHaveBeenCalledWith(clientId));
      await kuiper.publish('/q', 'kept');
      const poll = immediateConnect(clientId);
      const replies = await bayeux(url, [poll]);
      expect(replies.filter((m) => m.channel === '/q').map((m) => m.data)).toEqual(['kept']);
      expect(replyTo(replies, poll.id).successful).toBe(true);
    });

    it('[STREAM-14][ACK-3] an ack session gets its deliveries as a numbered batch with the final reply', async () => {
      const { url, server: kuiper } = await startKuiper();
      const hs = { ...handshakeMessage(), ext: { ack: true } };
      const hsReply = replyTo(await bayeux(url, [hs]), hs.id);
      expect(hsReply.ext).toMatchObject({ ack: true });
      const clientId = hsReply.clientId!;
      await subscribe(url, clientId, '/ack');
      const stream = await openStream(url, transport, streamConnect(clientId, transport));
      await eventually(() => expect(stream.connectReplies()).toHaveLength(1));
      await kuiper.publish('/ack', 'one');
      await eventually(() => expect(stream.ended).toBe(true));
      expect(stream.messages.map((m) => m.channel)).toEqual(['/meta/connect', '/ack', '/meta/connect']);
      expect(stream.connectReplies()[1]?.ext).toMatchObject({ ack: expect.any(Number) });
    });

    it('[STREAM-13] a reader that stops reading leaves deliveries in the bounded engine queue', async () => {
      const { url, port, server: kuiper } = await startKuiper({ limits: { maxQueueBytes: 256 * 1024 } });
      const clientId = await rawHandshake(url);
      await subscribe(url, clientId, '/flood');
      let overflowed = false;
      kuiper.on('session:overflow', () => {
        overflowed = true;
      });
      const socket = connect(port, '127.0.0.1');
      onCleanup(() => socket.destroy());
      const target = new URL(streamUrl(url, transport, [streamConnect(clientId, transport)]));
      socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await new Promise((resolve) => socket.once('data', resolve));
      socket.pause();
      // Once the kernel's buffers are full, the stream must stop taking from the queue, whose byte
      // bound then applies; without backpressure all of it would pile up in the server's memory.
      const chunk = 'x'.repeat(64 * 1024);
      for (let n = 0; n < 1000 && !overflowed; n++) {
        await kuiper.publish('/flood', { n, chunk });
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(overflowed).toBe(true);
    });

    it('[STREAM-6] a connect for an unknown session gets 402 on a stream that then ends', async () => {
      const { url } = await startKuiper();
      const connect = streamConnect('no-such-client', transport);
      const stream = await openStream(url, transport, connect);
      await eventually(() => expect(stream.ended).toBe(true));
      expect(stream.status).toBe(200);
      expect(stream.messages).toEqual([
        expect.objectContaining({ id: connect.id, error: '402::session_unknown', advice: expect.objectContaining({ reconnect: 'handshake' }) }),
      ]);
    });

    it('[STREAM-3] a GET carrying anything but one /meta/connect is refused', async () => {
      const { url } = await startKuiper();
      const clientId = await rawHandshake(url);
      const publish = { channel: '/x', clientId, data: 1, id: msgId() };
      for (const messages of [[publish], [streamConnect(clientId, transport), publish]]) {
        const res = await rawGet(streamUrl(url, transport, messages));
        expect(res.status).toBe(400);
        expect((res.json as WireMessage[])[0]?.error).toBe('400:connect:message_invalid');
      }
      const notJson = await rawGet(`${url}?transport=${transport}&callback=cb&message=nope`);
      expect(notJson.status).toBe(400);
      expect((notJson.json as WireMessage[])[0]?.error).toBe('400::body_invalid');
    });

    it('[STREAM-12] a disabled transport is not listed in the handshake and its GET is refused', async () => {
      const transports = ALL_CONNECTION_TYPES.filter((t) => t !== transport);
      const { url } = await startKuiper({ transports });
      const hs = handshakeMessage(['long-polling', transport]);
      const reply = replyTo(await bayeux(url, [hs]), hs.id);
      expect(reply.supportedConnectionTypes).toEqual(transports);
      const res = await rawGet(streamUrl(url, transport, [streamConnect(reply.clientId!, transport)]));
      expect(res.status).toBe(400);
      expect((res.json as WireMessage[])[0]?.error).toBe('400::connection_type_unsupported');
    });

    it('[STREAM-1] an enabled transport is listed in the handshake', async () => {
      const { url } = await startKuiper();
      const hs = handshakeMessage([transport, 'long-polling']);
      expect(replyTo(await bayeux(url, [hs]), hs.id).supportedConnectionTypes).toEqual([...ALL_CONNECTION_TYPES]);
    });
  });
}
