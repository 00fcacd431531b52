// [WS-5] Deliveries leave as whole pre-built frames, one Buffer shared by every socket a broadcast
// goes to: what a real `ws` client reads must be exactly what was published, at every length
// class of the frame header (7-bit, 16-bit and 64-bit payload lengths), multi-byte text included.
// [CODEC-6] A frozen data object is serialised once however many messages carry it (a late
// joiner's document chunks, the same objects for every joiner): what every client reads must
// still be exactly what was sent, alone or batched with other messages and replies.
import { describe, it, expect } from 'vitest';
import { cleanup, eventually, startKuiper, handshakeMessage, msgId, RawSocket } from '@kuiper/testkit';
import { encodedSize, encodeMessage, SHARED_DATA_MIN } from '../../src/core/codec.js';
import { deliveryFrame, textFrame } from '../../src/transports/ws-frame.js';

async function member(wsUrl: string, channel: string): Promise<{ socket: RawSocket; clientId: string }> {
  const socket = await RawSocket.open(cleanup, wsUrl);
  const hs = await socket.request(handshakeMessage(['websocket']));
  const clientId = hs.clientId!;
  await socket.request({ channel: '/meta/connect', clientId, connectionType: 'websocket', advice: { timeout: 0 }, id: msgId() });
  const sub = await socket.request({ channel: '/meta/subscribe', clientId, subscription: channel, id: msgId() });
  expect(sub.successful).toBe(true);
  socket.send([{ channel: '/meta/connect', clientId, connectionType: 'websocket', id: msgId() }]);
  return { socket, clientId };
}

const subscriber = async (wsUrl: string, channel: string): Promise<RawSocket> => (await member(wsUrl, channel)).socket;

const payloadOf = (frame: Buffer): unknown => JSON.parse(frame.subarray(frame[1] === 127 ? 10 : frame[1] === 126 ? 4 : 2).toString('utf8'));

describe('[WS-5] shared delivery frames', () => {
  it('frames a payload with the header length its size needs, unmasked, as one text frame', () => {
    for (const [text, headerBytes] of [['x'.repeat(125), 2], ['x'.repeat(126), 4], ['é'.repeat(40_000), 10]] as const) {
      const frame = textFrame(text);
      const payload = Buffer.byteLength(text);
      expect(frame[0]).toBe(0x81); // FIN, text
      expect(frame.length).toBe(headerBytes + payload);
      const declared = headerBytes === 2 ? frame[1] : headerBytes === 4 ? frame.readUInt16BE(2) : Number(frame.readBigUInt64BE(2));
      if (headerBytes === 4) expect(frame[1]).toBe(126);
      if (headerBytes === 10) expect(frame[1]).toBe(127);
      expect(declared).toBe(payload);
      expect(frame.subarray(headerBytes).toString('utf8')).toBe(text);
    }
  });

  it('builds a shared message\'s frame once, and a batch\'s once for every session given that batch', () => {
    // Shared: measured by the codec, as the engines do with every message they queue.
    const message = { channel: '/a', data: { n: 1 } };
    const second = { channel: '/a', data: { n: 2, text: 'é€' } };
    encodedSize(message);
    encodedSize(second);
    expect(deliveryFrame([message])).toBe(deliveryFrame([message]));
    const batch = deliveryFrame([message, second]);
    expect(batch[1]).toBe(batch.length - 2);
    expect(JSON.parse(batch.subarray(2).toString('utf8'))).toEqual([message, second]);
    // Another session's array with the same messages gets the same bytes; another batch its own.
    expect(deliveryFrame([message, second])).toBe(batch);
    const reversed = deliveryFrame([second, message]);
    expect(reversed).not.toBe(batch);
    expect(JSON.parse(reversed.subarray(2).toString('utf8'))).toEqual([second, message]);
  });

  it('frames replies (never shared) whole, and keeps nothing of them', () => {
    const reply = { channel: '/meta/connect', successful: true, id: 'é1' };
    const lone = deliveryFrame([reply]);
    expect(lone[1]).toBe(lone.length - 2);
    expect(JSON.parse(lone.subarray(2).toString('utf8'))).toEqual([reply]);
    expect(deliveryFrame([reply])).not.toBe(lone);
    const delivery = { channel: '/a', data: 'ü'.repeat(200) };
    encodedSize(delivery);
    const mixed = deliveryFrame([delivery, reply]);
    expect(mixed[1]).toBe(126);
    expect(mixed.readUInt16BE(2)).toBe(mixed.length - 4);
    expect(JSON.parse(mixed.subarray(4).toString('utf8'))).toEqual([delivery, reply]);
    expect(deliveryFrame([delivery, reply])).not.toBe(mixed);
  });

  it('delivers every size of broadcast intact to every subscriber socket', async () => {
    const { wsUrl, server: kuiper } = await startKuiper();
    const channel = `/frames/${msgId()}`;
    const sockets = [await subscriber(wsUrl, channel), await subscriber(wsUrl, channel)];
    const payloads = [{ s: 'small' }, { s: 'm'.repeat(300) }, { s: 'ü€'.repeat(30_000) }];
    for (const data of payloads) await kuiper.publish(channel, data);
    for (const socket of sockets) {
      await eventually(() => expect(socket.received.filter((m) => m.channel === channel).map((m) => m.data)).toEqual(payloads));
    }
  });

  it('delivers several publishes of one turn to a socket together, in order', async () => {
    const { wsUrl, server: kuiper } = await startKuiper();
    const channel = `/frames/${msgId()}`;
    const socket = await subscriber(wsUrl, channel);
    await Promise.all([1, 2, 3].map((n) => kuiper.publish(channel, { n })));
    await eventually(() => expect(socket.received.filter((m) => m.channel === channel).map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]));
  });
});

describe('[CODEC-6] shared data', () => {
  it('measures and frames a message of shared data as its JSON, alone and in a batch', () => {
    const data = Object.freeze({ type: 'chunk', part: 'ü€'.repeat(SHARED_DATA_MIN), n: 1 });
    const first = { channel: '/a', data };
    const second = { channel: '/b/c', id: 'x', data };
    for (const m of [first, second]) {
      expect(encodedSize(m)).toBe(Buffer.byteLength(JSON.stringify(m)));
      expect(JSON.parse(encodeMessage(m))).toEqual(m);
      expect(payloadOf(deliveryFrame([m]))).toEqual([m]);
    }
    const reply = { channel: '/meta/connect', successful: true, id: 'é1' };
    const small = { channel: '/a', data: Object.freeze({ small: 'ü' }) };
    encodedSize(small);
    expect(payloadOf(deliveryFrame([first, reply, second, small]))).toEqual([first, reply, second, small]);
  });

  it('delivers the same shared data intact to every session, replies and broadcasts alike', async () => {
    const { wsUrl, server: kuiper } = await startKuiper();
    const channel = `/shared/${msgId()}`;
    const members = [await member(wsUrl, channel), await member(wsUrl, channel)];
    const ascii = Object.freeze({ type: 'chunk', part: 'QUJD'.repeat(20_000) });
    const text = Object.freeze({ type: 'text', part: 'ü€x'.repeat(10_000) });
    for (const { clientId } of members) {
      await kuiper.deliver(clientId, channel, ascii);
      await kuiper.deliver(clientId, channel, text);
    }
    await kuiper.publish(channel, text);
    for (const { socket } of members) {
      await eventually(() => expect(socket.received.filter((m) => m.channel === channel).map((m) => m.data)).toEqual([ascii, text, text]), 10_000);
    }
  });
});
