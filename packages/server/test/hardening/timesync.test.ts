// Timesync (issue 5): the cometd client's TimeSyncExtension against Kuiper's timesync extension.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import { TimeSyncExtension } from 'cometd/TimeSyncExtension.js';
import { cleanup, bayeux, eventually, handshakeMessage, msgId, replyTo, type WireMessage } from '@kuiper/testkit';
import { createCometD, type CometdTransport } from '../helpers/cometd.js';
import { startHardened } from './support.js';

interface Timesync {
  tc: number;
  ts: number;
  p: number;
}

function timesyncOf(m: object): Timesync | undefined {
  return (m as { ext?: { timesync?: Timesync } }).ext?.timesync;
}

describe.each<CometdTransport>(['long-polling', 'websocket'])('timesync over %s', (transport) => {
  it('[TSYNC-1] cometd TimeSyncExtension gets {tc, ts, p} on meta replies and computes a sane offset', async () => {
    const server = await startHardened(cleanup, { timeout: 200 });
    const client = createCometD(cleanup, server.url, transport);
    const timesync = new TimeSyncExtension();
    client.cometd.registerExtension('timesync', timesync);
    const replies: Message[] = [];
    client.cometd.registerExtension('timesync-spy', {
      incoming(m: Message) {
        if (m.channel.startsWith('/meta/')) replies.push(m);
        return m;
      },
    });
    const before = Date.now();
    expect((await client.handshake()).successful).toBe(true);
    // Several held connects (200 ms each) so the held time `p` is exercised too.
    await eventually(() => expect(replies.filter((m) => m.channel === '/meta/connect').length).toBeGreaterThanOrEqual(4));
    const after = Date.now();

    const withSync = replies.map((m) => ({ channel: m.channel, ts: timesyncOf(m) }));
    expect(withSync.filter((m) => m.ts !== undefined).length, JSON.stringify(withSync)).toBe(replies.length);
    for (const m of replies) {
      const t = timesyncOf(m) as Timesync;
      expect(t).toEqual({ tc: expect.any(Number), ts: expect.any(Number), p: expect.any(Number) });
      expect(t.tc).toBeGreaterThanOrEqual(before);
      expect(t.ts).toBeGreaterThanOrEqual(t.tc - 1000);
      expect(t.ts).toBeLessThanOrEqual(after + 1000);
      expect(t.p).toBeGreaterThanOrEqual(0);
    }
    // A held connect reports how long it was held.
    const held = replies.filter((m) => m.channel === '/meta/connect').map((m) => (timesyncOf(m) as Timesync).p);
    expect(Math.max(...held)).toBeGreaterThanOrEqual(150);

    const offset = timesync.getTimeOffset();
    console.log(`[timesync ${transport}] offset ${offset} ms, lag ${timesync.getNetworkLag()} ms over ${replies.length} replies`);
    expect(Math.abs(offset)).toBeLessThan(1000);
    expect(timesync.getNetworkLag()).toBeGreaterThanOrEqual(0);
    expect(Math.abs(timesync.getServerTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('timesync on the wire', () => {
  it('[TSYNC-1] echoes tc and reports receive time and hold time; no timesync asked, none given', async () => {
    const { url } = await startHardened(cleanup);
    const tc = Date.now() - 5000;
    const hs = { ...handshakeMessage(), ext: { timesync: { tc, l: 0, o: 0 } } };
    const reply = replyTo(await bayeux(url, [hs]), hs.id);
    const t = timesyncOf(reply) as Timesync;
    expect(t.tc).toBe(tc);
    expect(Math.abs(t.ts - Date.now())).toBeLessThan(1000);
    expect(t.p).toBeGreaterThanOrEqual(0);

    const plain = handshakeMessage();
    const plainReply = replyTo(await bayeux(url, [plain]), plain.id);
    expect(timesyncOf(plainReply)).toBeUndefined();
    // A malformed timesync is ignored, not echoed and not fatal.
    const bad = { ...handshakeMessage(), ext: { timesync: { tc: 'yesterday' } } };
    const badReply = replyTo(await bayeux(url, [bad]), bad.id);
    expect(badReply.successful).toBe(true);
    expect(timesyncOf(badReply)).toBeUndefined();
  });

  it('[TSYNC-1][EXT-1] still answers when another extension transforms incoming messages', async () => {
    // A user extension that returns a copy of each message (a legitimate transform, EXT-1).
    const { url } = await startHardened(cleanup, {
      extensions: [{ name: 'copy', incoming: (m) => ({ ...m, ext: { ...m.ext, seen: true } }) }],
    });
    const tc = Date.now();
    const hs: WireMessage = { ...handshakeMessage(), ext: { timesync: { tc, l: 0, o: 0 } } };
    const reply = replyTo(await bayeux(url, [hs]), hs.id);
    expect(reply.successful).toBe(true);
    expect(timesyncOf(reply)?.tc, JSON.stringify(reply)).toBe(tc);
    const connect = { channel: '/meta/connect', clientId: reply.clientId, connectionType: 'long-polling', advice: { timeout: 0 }, id: msgId(), ext: { timesync: { tc, l: 0, o: 0 } } };
    const connectReply = replyTo(await bayeux(url, [connect]), connect.id);
    expect(timesyncOf(connectReply)?.tc, JSON.stringify(connectReply)).toBe(tc);
  });
});
