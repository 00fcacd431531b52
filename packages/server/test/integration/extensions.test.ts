// The cometd client's AckExtension and TimeSyncExtension against the server's built-in ack and
// timesync extensions, plus the ack wire protocol spoken raw.
import { describe, it, expect } from 'vitest';
import { AckExtension, TimeSyncExtension, type Message } from 'cometd';
import {
  cleanup,
  eventually,
  startKuiper,
  bayeux,
  handshakeMessage,
  replyTo,
  msgId,
  type WireMessage,
} from '@kuiper/testkit';
import { createCometD, type CometdTransport } from '../helpers/cometd.js';

function metaSpy(client: ReturnType<typeof createCometD>): Message[] {
  const seen: Message[] = [];
  client.cometd.registerExtension('metaSpy', {
    incoming(message: Message) {
      if (message.channel.startsWith('/meta/')) seen.push(message);
      return message;
    },
  });
  return seen;
}

describe.each<CometdTransport>(['long-polling', 'websocket'])('cometd extensions over %s', (transport) => {
  it('[ACK-1][ACK-3] AckExtension: ack is negotiated and deliveries arrive promptly and in order', async () => {
    const { url, server: kuiper } = await startKuiper();
    const client = createCometD(cleanup, url, transport);
    client.cometd.registerExtension('ack', new AckExtension());
    const meta = metaSpy(client);
    expect((await client.handshake()).successful).toBe(true);
    const handshake = meta.find((m) => m.channel === '/meta/handshake')!;
    expect((handshake.ext as { ack?: unknown } | undefined)?.ack).toBe(true);

    const received: unknown[] = [];
    await client.subscribe('/chat/acked', (m) => received.push(m.data));
    for (let n = 1; n <= 20; n++) await kuiper.publish('/chat/acked', { n });
    // The server holds connects for 30 s: these must not wait for a connect timeout.
    await eventually(() => expect(received).toHaveLength(20));
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => ({ n: i + 1 })));
    const connectAcks = meta
      .filter((m) => m.channel === '/meta/connect' && m.successful)
      .map((m) => (m.ext as { ack?: unknown } | undefined)?.ack);
    expect(connectAcks.length).toBeGreaterThan(0);
    expect(connectAcks.every((a) => typeof a === 'number')).toBe(true);
  });

  it('[TSYNC-1] TimeSyncExtension: meta replies carry ext.timesync {tc, ts, p}', async () => {
    const { url } = await startKuiper({ timeout: 300 });
    const client = createCometD(cleanup, url, transport);
    const timesync = new TimeSyncExtension();
    client.cometd.registerExtension('timesync', timesync);
    const meta = metaSpy(client);
    const before = Date.now();
    expect((await client.handshake()).successful).toBe(true);
    await eventually(() => expect(meta.filter((m) => m.channel === '/meta/connect').length).toBeGreaterThanOrEqual(2));

    for (const m of meta) {
      const ts = (m.ext as { timesync?: { tc?: unknown; ts?: unknown; p?: unknown } } | undefined)?.timesync;
      expect(ts, m.channel).toMatchObject({ tc: expect.any(Number), ts: expect.any(Number), p: expect.any(Number) });
      expect(ts!.ts as number).toBeGreaterThanOrEqual(before);
    }
  });
});

describe('ack protocol, raw long-polling', () => {
  it('[ACK-2] redelivers an unacknowledged batch and forgets an acknowledged one', async () => {
    const { url, server: kuiper } = await startKuiper({ timeout: 15_000 });
    const hs = { ...handshakeMessage(), ext: { ack: true } };
    const hsReply = replyTo(await bayeux(url, [hs]), hs.id);
    expect(hsReply.successful).toBe(true);
    expect(hsReply.ext).toMatchObject({ ack: true });
    const clientId = hsReply.clientId!;
    const connect = (ack: unknown, immediate: boolean): WireMessage => ({
      channel: '/meta/connect',
      clientId,
      connectionType: 'long-polling',
      id: msgId(),
      ext: { ack },
      ...(immediate ? { advice: { timeout: 0 } } : {}),
    });
    const ackOf = (replies: WireMessage[], id: WireMessage['id']): number => {
      const ext = replyTo(replies, id).ext as { ack?: unknown } | undefined;
      expect(typeof ext?.ack).toBe('number');
      return ext!.ack as number;
    };
    const dataOf = (replies: WireMessage[]): unknown[] => replies.filter((m) => m.channel === '/chat/ack').map((m) => m.data);

    const c0 = connect(0, true);
    const b0 = ackOf(await bayeux(url, [c0]), c0.id);
    const sub = { channel: '/meta/subscribe', clientId, subscription: '/chat/ack', id: msgId() };
    expect(replyTo(await bayeux(url, [sub]), sub.id).successful).toBe(true);

    await kuiper.publish('/chat/ack', { n: 1 });
    const c1 = connect(b0, false);
    const r1 = await bayeux(url, [c1]);
    expect(dataOf(r1)).toEqual([{ n: 1 }]);
    const b1 = ackOf(r1, c1.id);

    // That response is "lost": the client reconnects acknowledging only b0, as cometd does.
    await kuiper.publish('/chat/ack', { n: 2 });
    const c2 = connect(b0, true);
    const r2 = await bayeux(url, [c2]);
    expect(dataOf(r2)).toEqual([{ n: 1 }, { n: 2 }]);
    const b2 = ackOf(r2, c2.id);
    expect(b2).not.toBe(b1);

    // Acknowledged: nothing comes again; the next connect carries only the new message.
    const c3 = connect(b2, false);
    const r3Pending = bayeux(url, [c3]);
    await kuiper.publish('/chat/ack', { n: 3 });
    expect(dataOf(await r3Pending)).toEqual([{ n: 3 }]);
  });

  it('a handshake without ext.ack gets no ack in its replies', async () => {
    const { url } = await startKuiper();
    const hs = handshakeMessage();
    const reply = replyTo(await bayeux(url, [hs]), hs.id);
    expect((reply.ext as { ack?: unknown } | undefined)?.ack).toBeUndefined();
    const c = { channel: '/meta/connect', clientId: reply.clientId, connectionType: 'long-polling', advice: { timeout: 0 }, id: msgId() };
    const cReply = replyTo(await bayeux(url, [c]), c.id);
    expect((cReply.ext as { ack?: unknown } | undefined)?.ack).toBeUndefined();
  });
});
