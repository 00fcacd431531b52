// Memory a client can make the server hold beyond the documented bounds (issue 5, LIMIT-4, LIMIT-6,
// ACK-2): an ack client that never acknowledges, publishes from sessions that do not exist, and a
// WebSocket that sends but never reads its replies.
import { describe, it, expect } from 'vitest';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { Extension } from '../../src/core/extension.js';
import { cleanup, bayeux, eventually, msgId, replyTo, type WireMessage, onCleanup } from '@kuiper/testkit';
import { MiB, handshakeFor, heapUsed, mib, startHardened } from './support.js';

async function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  onCleanup(() => ws.terminate());
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  return ws;
}

/** Counts the messages the server has taken in on a channel (the pipeline sees every message, EXT-1). */
function counter(channel: string): { ext: Extension; count: () => number } {
  let n = 0;
  return { ext: { name: 'count', incoming: (m) => (m.channel === channel && n++, m) }, count: () => n };
}

describe('bounded memory against misbehaving clients', () => {
  it('[ACK-2][LIMIT-6] an ack client that never acknowledges is bounded by maxQueue like any slow consumer', async () => {
    const server = await startHardened(cleanup, { limits: { maxQueue: 500, publishRate: false } });
    const overflows: number[] = [];
    server.kuiper.on('session:overflow', (e) => overflows.push(e.dropped));
    const hs = { ...handshakeFor('long-polling'), ext: { ack: true } };
    const hsReply = replyTo(await bayeux(server.url, [hs]), hs.id);
    expect(hsReply.ext).toMatchObject({ ack: true });
    const clientId = hsReply.clientId as string;
    await bayeux(server.url, [{ channel: '/meta/subscribe', clientId, subscription: '/acked', id: msgId() }]);
    const sizes: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 400; i++) await server.kuiper.publish('/acked', { round, i });
      // Always acknowledges batch 0: as if every reply were lost.
      const connect = { channel: '/meta/connect', clientId, connectionType: 'long-polling', advice: { timeout: 0 }, ext: { ack: 0 }, id: msgId() };
      const replies = await bayeux(server.url, [connect]);
      sizes.push(replies.filter((m) => m.channel === '/acked').length);
    }
    console.log(`[ack never acknowledged] batch sizes ${sizes.join(', ')} (maxQueue 500); overflow events ${overflows.length}`);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(500);
  });

  it('[LIMIT-4] publishes naming sessions that do not exist leave nothing behind', async () => {
    // The default publishRate is on: its token buckets are keyed by the clientId the message names.
    const server = await startHardened(cleanup);
    const ws = await openWs(server.wsUrl);
    let replies = 0;
    ws.on('message', (raw) => (replies += (JSON.parse(raw.toString()) as unknown[]).length));
    const before = heapUsed();
    const FRAMES = 15;
    const PER_FRAME = 90;
    for (let f = 0; f < FRAMES; f++) {
      const batch = Array.from({ length: PER_FRAME }, (_, i) => ({
        channel: '/x',
        clientId: `${f}-${i}-${'f'.repeat(10_000)}`,
        data: {},
      }));
      ws.send(JSON.stringify(batch));
    }
    await eventually(() => expect(replies).toBe(FRAMES * PER_FRAME), 15_000);
    const after = heapUsed();
    console.log(
      `[forged publishers] ${FRAMES * PER_FRAME} publishes with unknown 10 KB clientIds: heapUsed ${mib(before.bytes)} -> ${mib(after.bytes)} ` +
        `(growth ${mib(after.bytes - before.bytes)}, bound 6 MiB)`,
    );
    expect(after.bytes - before.bytes).toBeLessThan(6 * MiB);
  });

  it('[LIMIT-6] a websocket that sends but never reads cannot make the server buffer replies without bound', async () => {
    const { ext, count } = counter('/meta/subscribe');
    const server = await startHardened(cleanup, { extensions: [ext], limits: { wsHighWaterBytes: 64 * 1024 } });
    const ws = await openWs(server.wsUrl);
    const hs = handshakeFor('websocket');
    const got: WireMessage[] = [];
    ws.on('message', (raw) => got.push(...(JSON.parse(raw.toString()) as WireMessage[])));
    ws.send(JSON.stringify([hs]));
    const clientId = (await eventually(() => replyTo(got, hs.id))).clientId as string;
    (ws as unknown as { _socket: Socket })._socket.pause();
    const before = heapUsed();
    const externalBefore = process.memoryUsage().arrayBuffers;
    // Each frame: one subscribe whose (invalid) 400 KB subscription list the error reply echoes.
    const FRAMES = 60;
    const subscription = Array.from({ length: 400 }, (_, i) => `/a b/${i}/${'s'.repeat(1000)}`);
    const frame = JSON.stringify([{ channel: '/meta/subscribe', clientId, subscription }]);
    let sent = 0;
    let stalled = false;
    // One frame at a time; if the server stops taking frames in (backpressure: a bound), stop there.
    for (; sent < FRAMES && !stalled; sent++) {
      ws.send(frame);
      await eventually(() => expect(count()).toBe(sent + 1), 3000).catch(() => (stalled = true));
    }
    const after = heapUsed();
    const growth = after.bytes - before.bytes + (process.memoryUsage().arrayBuffers - externalBefore);
    console.log(
      `[ws never reads] ${sent} frames of ${mib(frame.length)} sent, ${count()} processed${stalled ? ' (server stopped reading)' : ''}, socket ${ws.readyState === WebSocket.OPEN ? 'open' : 'closed'}; ` +
        `server-side growth (heap + buffers) ${mib(growth)}, bound 12 MiB`,
    );
    expect(growth).toBeLessThan(12 * MiB);
  });
});
