// A node killed with -9 under ack clients (SPEC: ACK-2, ENG-STREAM-9, REDIS-1): two `kuiper serve`
// processes (and three) on one Redis behind a round-robin balancer, the real cometd client
// (AckExtension) and @kuiper/client (ack by default) long-polling through it, and @kuiper/client
// over WebSocket through it (one socket, to whichever node it reached), a publisher on the node that
// stays. Node A is killed (SIGKILL: no hand-over, nothing written) mid-stream; each client still
// gets every message once, in order, as the ack extension promises.
import type { ChildProcess } from 'node:child_process';
import { AckExtension } from 'cometd';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bayeux, cleanup, eventually, msgId, newClient, rawHandshake, replyTo } from '@kuiper/testkit';
import { createCometD } from '../helpers/cometd.js';
import { runKuiper, stopKuiperProcesses } from '../helpers/kuiper-process.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';
import { startBalancer } from './cluster.js';

const prefix = randomPrefix();

beforeAll(requireRedis);
afterEach(stopKuiperProcesses);
afterAll(() => deletePrefix(prefix));

/** `kuiper serve` on this test's Redis prefix; resolves with its port once it listens. */
async function serve(): Promise<{ child: ChildProcess; port: number; url: string }> {
  const { child, listening } = runKuiper(['serve', '--port', '0', '--host', '127.0.0.1', '--redis', REDIS_URL, '--redis-prefix', prefix, '--no-rate-limit', '--timeout', '2000']);
  const url = await listening;
  return { child, port: Number(new URL(url).port), url };
}

const COUNT = 150;

describe('a node killed with -9 under ack clients', () => {
  it.each([2, 3])('[ACK-2][ENG-STREAM-9] of %i nodes: cometd (AckExtension) and @kuiper/client, long-polling through every node and over WebSocket, get every message once, in order', async (count) => {
    const [a, b, ...others] = await Promise.all(Array.from({ length: count }, () => serve()));
    if (!a || !b) throw new Error('two nodes at least');
    const lb = await startBalancer(cleanup, [a, b, ...others].map((n) => n.port), new URL(a.url).pathname);

    const cometd = createCometD(cleanup, lb.url, 'long-polling');
    cometd.cometd.registerExtension('ack', new AckExtension());
    cometd.cometd.configure({ url: lb.url, backoffIncrement: 50, maxBackoff: 300 });
    expect((await cometd.handshake()).successful).toBe(true);
    const fromCometd: unknown[] = [];
    expect((await cometd.subscribe('/killed/feed', (m) => fromCometd.push(m.data))).reply.successful).toBe(true);

    const kuiper = newClient(lb.url, { transports: ['long-polling'], backoff: { base: 50, max: 300 } });
    const fromKuiper: unknown[] = [];
    await kuiper.subscribe('/killed/feed', (data) => void fromKuiper.push(data)).ready;
    // And over WebSocket, @kuiper/client's first choice, with its socket on A: it dies with A.
    let fromWs: unknown[] = [];
    for (let tries = 0; tries < 8 && lb.upgrades.at(-1) !== a.port; tries++) {
      const received: unknown[] = [];
      const overWs = newClient(lb.url, { transports: ['websocket'], backoff: { base: 50, max: 300 } });
      await overWs.subscribe('/killed/feed', (data) => void received.push(data)).ready;
      if (lb.upgrades.at(-1) === a.port) fromWs = received;
      else await overWs.disconnect();
    }
    expect(lb.upgrades.at(-1)).toBe(a.port);

    // The publisher talks to B only: every publish is acknowledged by a node that stays up.
    const publisher = await rawHandshake(b.url);
    for (let n = 1; n <= COUNT; n++) {
      const pub = { channel: '/killed/feed', clientId: publisher, data: n, id: msgId() };
      expect(replyTo(await bayeux(b.url, [pub]), pub.id).successful).toBe(true);
      if (n === 50) {
        await eventually(() => expect(Math.min(fromCometd.length, fromKuiper.length, fromWs.length)).toBeGreaterThanOrEqual(30), 10_000);
        a.child.kill('SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const all = Array.from({ length: COUNT }, (_, i) => i + 1);
    await eventually(() => expect(fromCometd.length).toBeGreaterThanOrEqual(COUNT), 20_000);
    await eventually(() => expect(fromKuiper.length).toBeGreaterThanOrEqual(COUNT), 20_000);
    await eventually(() => expect(fromWs.length).toBeGreaterThanOrEqual(COUNT), 20_000);
    // Nothing twice, nothing missing, in order.
    expect(fromCometd).toEqual(all);
    expect(fromKuiper).toEqual(all);
    expect(fromWs).toEqual(all);
  });
});
