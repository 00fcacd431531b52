// Slow consumers (issue 5, LIMIT-6): a WebSocket that stops reading and a long-poller that stops
// polling cost bounded server memory; past the bound the server drops the oldest messages or the
// session, by policy, and says so through `session:overflow`; a well-behaved subscriber meanwhile
// receives everything.
import { describe, it, expect } from 'vitest';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import {
  cleanup,
  bayeux,
  eventually,
  immediateConnect,
  connectMessage,
  msgId,
  replyTo,
  onCleanup,
} from '@kuiper/testkit';
import type { EngineEvent } from '../../src/core/engine.js';
import { MiB, handshakeFor, heapUsed, mib, range, startHardened, type Hardened } from './support.js';

const TOTAL = 20_000;
const PAYLOAD = 'p'.repeat(1024);
const CHANNEL = '/flood/x';

/** A lean raw websocket subscriber: keeps only the numbers it got, never the frames. */
class Lean {
  readonly numbers: number[] = [];
  readonly meta: Array<{ channel: string; successful?: boolean; error?: string; id?: string; clientId?: string }> = [];
  clientId = '';
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      for (const m of JSON.parse(raw.toString()) as Array<{ channel: string; data?: { n: number } }>) {
        if (m.channel === CHANNEL && m.data) this.numbers.push(m.data.n);
        else this.meta.push(m);
      }
    });
  }

  static async subscribe(server: Hardened): Promise<Lean> {
    const ws = new WebSocket(server.wsUrl);
    onCleanup(() => ws.terminate());
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const lean = new Lean(ws);
    const hs = handshakeFor('websocket');
    lean.send(hs);
    lean.clientId = (await lean.reply(hs.id)).clientId as string;
    const first = { channel: '/meta/connect', clientId: lean.clientId, connectionType: 'websocket', advice: { timeout: 0 }, id: msgId() };
    lean.send(first);
    await lean.reply(first.id);
    const sub = { channel: '/meta/subscribe', clientId: lean.clientId, subscription: CHANNEL, id: msgId() };
    lean.send(sub);
    expect((await lean.reply(sub.id)).successful).toBe(true);
    // The held connect that streams deliveries (WS-2).
    lean.send({ channel: '/meta/connect', clientId: lean.clientId, connectionType: 'websocket', id: msgId() });
    return lean;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify([message]));
  }

  reply(id: string): Promise<{ successful?: boolean; clientId?: string; error?: string }> {
    return eventually(() => {
      const found = this.meta.find((m) => m.id === id);
      if (!found) throw new Error(`no reply ${id}`);
      return found;
    });
  }

  /** Stops reading: the TCP receive window fills and the server's writes back up. */
  pause(): void {
    (this.ws as unknown as { _socket: Socket })._socket.pause();
  }

  resume(): void {
    (this.ws as unknown as { _socket: Socket })._socket.resume();
  }
}

/** Publishes TOTAL numbered 1 KiB messages, paced by the well-behaved subscriber's progress. */
async function flood(server: Hardened, good: Lean): Promise<void> {
  for (let n = 0; n < TOTAL; ) {
    const end = Math.min(TOTAL, n + 400);
    for (; n < end; n++) await server.kuiper.publish(CHANNEL, { n, payload: PAYLOAD });
    await eventually(() => expect(good.numbers.length).toBe(end), 10_000);
  }
}

describe('a websocket that stops reading', () => {
  it.each(['drop-oldest', 'disconnect'] as const)('[LIMIT-6] is bounded with overflow %s while a good subscriber gets everything', async (overflow) => {
    const server = await startHardened(cleanup, {
      limits: { maxQueue: 500, wsHighWaterBytes: 64 * 1024, overflow, publishRate: false },
    });
    const events: EngineEvent[] = [];
    server.kuiper.on('session:overflow', (e) => events.push(e));
    server.kuiper.on('session:removed', (e) => events.push(e));
    const good = await Lean.subscribe(server);
    const slow = await Lean.subscribe(server);
    slow.pause();
    const before = heapUsed();
    const memBefore = process.memoryUsage();

    await flood(server, good);

    const after = heapUsed();
    const memAfter = process.memoryUsage();
    const heapGrowth = after.bytes - before.bytes;
    const bufferGrowth = memAfter.arrayBuffers - memBefore.arrayBuffers;
    const overflows = events.filter((e): e is Extract<EngineEvent, { type: 'session:overflow' }> => e.type === 'session:overflow');
    const dropped = overflows.reduce((sum, e) => sum + e.dropped, 0);
    console.log(
      `[slow ws, ${overflow}] ${TOTAL} x 1 KiB published (${mib(TOTAL * 1100)}); heapUsed ${mib(before.bytes)} -> ${mib(after.bytes)} ` +
        `(growth ${mib(heapGrowth)}, bound 8 MiB, gc ${after.forced ? 'forced' : 'not forced'}), arrayBuffers growth ${mib(bufferGrowth)} (bound 8 MiB); ` +
        `${overflows.length} overflow events, ${dropped} dropped; slow got ${slow.numbers.length} before resuming`,
    );
    // The well-behaved subscriber got everything, in order.
    expect(good.numbers).toEqual(range(TOTAL));
    expect(overflows.every((e) => e.clientId === slow.clientId && e.policy === overflow)).toBe(true);
    expect(overflows.length).toBeGreaterThan(0);
    // Bounded: what is held for the slow session is far below the ~21 MiB that was published.
    expect(heapGrowth).toBeLessThan(8 * MiB);
    expect(bufferGrowth).toBeLessThan(8 * MiB);

    slow.resume();
    if (overflow === 'drop-oldest') {
      // Newest kept, oldest dropped: it ends with the last message, in order, and every message is
      // either delivered or reported dropped.
      await eventually(() => expect(slow.numbers.at(-1)).toBe(TOTAL - 1), 10_000);
      expect(slow.numbers).toEqual([...new Set(slow.numbers)].sort((a, b) => a - b));
      expect(slow.numbers.length + dropped).toBe(TOTAL);
      expect(server.kuiper.stats().clients).toBe(2);
    } else {
      expect(events).toContainEqual({ type: 'session:removed', clientId: slow.clientId, reason: 'overflow' });
      expect(overflows).toHaveLength(1);
      expect(server.kuiper.stats().clients).toBe(1);
      // Once it reads again it is told its session is gone (CONN-5), after what was already in flight.
      await eventually(() => expect(slow.meta.some((m) => m.channel === '/meta/connect' && m.error === '402::session_unknown')).toBe(true), 10_000);
      expect(slow.numbers.length).toBeLessThan(TOTAL);
      expect(slow.numbers).toEqual(range(slow.numbers.length));
    }
  }, 40_000);
});

describe('a long-poller that stops polling', () => {
  it('[LIMIT-6] keeps only the newest maxQueue messages, and maxQueueBytes bounds the bytes', async () => {
    const server = await startHardened(cleanup, { limits: { maxQueue: 500, maxQueueBytes: 200 * 1024, publishRate: false } });
    const dropped: number[] = [];
    server.kuiper.on('session:overflow', (e) => dropped.push(e.dropped));
    const hs = handshakeFor('long-polling');
    const clientId = replyTo(await bayeux(server.url, [hs]), hs.id).clientId as string;
    await bayeux(server.url, [immediateConnect(clientId)]);
    await bayeux(server.url, [{ channel: '/meta/subscribe', clientId, subscription: CHANNEL, id: msgId() }]);
    // Small messages: the count bound applies.
    for (let n = 0; n < 2000; n++) await server.kuiper.publish(CHANNEL, { n });
    let replies = await bayeux(server.url, [connectMessage(clientId)]);
    let got = replies.filter((m) => m.channel === CHANNEL).map((m) => (m.data as { n: number }).n);
    expect(got).toEqual(range(500).map((i) => 1500 + i));
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(1500);
    // 1 KiB messages: the byte bound (200 KiB) applies first.
    dropped.length = 0;
    for (let n = 0; n < 1000; n++) await server.kuiper.publish(CHANNEL, { n, payload: PAYLOAD });
    replies = await bayeux(server.url, [connectMessage(clientId)]);
    got = replies.filter((m) => m.channel === CHANNEL).map((m) => (m.data as { n: number }).n);
    const bytes = replies.filter((m) => m.channel === CHANNEL).reduce((sum, m) => sum + JSON.stringify(m).length, 0);
    expect(bytes).toBeLessThanOrEqual(200 * 1024);
    expect(got.at(-1)).toBe(999);
    expect(got.length + dropped.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

describe('a message larger than the whole queue bound', () => {
  it('[LIMIT-6] is dropped by itself and reported; it does not wipe what is already queued', async () => {
    const server = await startHardened(cleanup, { timeout: 1000, limits: { maxQueueBytes: 10 * 1024, publishRate: false } });
    const events: Array<{ dropped: number }> = [];
    server.kuiper.on('session:overflow', (e) => events.push(e));
    const hs = handshakeFor('long-polling');
    const clientId = replyTo(await bayeux(server.url, [hs]), hs.id).clientId as string;
    await bayeux(server.url, [immediateConnect(clientId)]);
    await bayeux(server.url, [{ channel: '/meta/subscribe', clientId, subscription: CHANNEL, id: msgId() }]);
    for (let n = 0; n < 5; n++) await server.kuiper.publish(CHANNEL, { n });
    await server.kuiper.publish(CHANNEL, { n: 5, payload: 'x'.repeat(20 * 1024) });
    const replies = await bayeux(server.url, [connectMessage(clientId)]);
    const got = replies.filter((m) => m.channel === CHANNEL).map((m) => (m.data as { n: number }).n);
    expect({ got, events }).toEqual({ got: [0, 1, 2, 3, 4], events: [{ type: 'session:overflow', clientId, dropped: 1, policy: 'drop-oldest' }] });
  });
});
