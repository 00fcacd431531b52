// When a held long-poll that deliveries woke is answered (CONN-8, CONN-9): sooner is lower latency,
// later is fewer requests. Spoken raw over HTTP against a real server, with wide margins: the
// bounds asserted are "not before" (which no slow machine can break) and generous "not after".
import { describe, it, expect, vi } from 'vitest';
import {
  startKuiper,
  bayeux,
  rawHandshake,
  subscribedSession,
  immediateConnect,
  connectMessage,
  msgId,
  newClient,
  type WireMessage,
} from '@kuiper/testkit';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a held connect; resolves with its replies and how long after sending they came. */
async function timedConnect(url: string, clientId: string): Promise<{ replies: WireMessage[]; ms: number }> {
  const started = performance.now();
  const replies = await bayeux(url, [connectMessage(clientId)]);
  return { replies, ms: performance.now() - started };
}

const data = (replies: WireMessage[]): unknown[] => replies.filter((m) => m.channel === '/paced').map((m) => m.data);

describe('answering a held connect that deliveries woke', () => {
  it('[CONN-8] waits batchDelayMs after the first delivery, so later ones share the response', async () => {
    const { url } = await startKuiper({ batchDelayMs: 300, pollPacingMs: 0 });
    const subscriber = await subscribedSession(url, '/paced');
    const publisher = await rawHandshake(url);
    const held = timedConnect(url, subscriber);
    await sleep(100);
    const firstAt = performance.now();
    await bayeux(url, [{ channel: '/paced', clientId: publisher, data: 1, id: msgId() }]);
    await sleep(100);
    await bayeux(url, [{ channel: '/paced', clientId: publisher, data: 2, id: msgId() }]);
    const { replies } = await held;
    expect(performance.now() - firstAt).toBeGreaterThanOrEqual(290);
    expect(data(replies)).toEqual([1, 2]);
  });

  it('[CONN-9] a connect that finds messages flowing is answered pollPacingMs after it arrived, with all of them', async () => {
    const { url } = await startKuiper({ batchDelayMs: 0, pollPacingMs: 400 });
    const subscriber = await subscribedSession(url, '/paced');
    const publisher = await rawHandshake(url);
    const held = timedConnect(url, subscriber);
    for (let n = 1; n <= 3; n++) {
      await bayeux(url, [{ channel: '/paced', clientId: publisher, data: n, id: msgId() }]);
      await sleep(50);
    }
    const { replies, ms } = await held;
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(3000);
    expect(data(replies)).toEqual([1, 2, 3]);
  });

  it('[CONN-9] a message to a connect held longer than pollPacingMs goes out after batchDelayMs only', async () => {
    const { url } = await startKuiper({ batchDelayMs: 0, pollPacingMs: 200 });
    const subscriber = await subscribedSession(url, '/paced');
    const publisher = await rawHandshake(url);
    const held = timedConnect(url, subscriber);
    await sleep(600);
    const publishedAt = performance.now();
    await bayeux(url, [{ channel: '/paced', clientId: publisher, data: 'late', id: msgId() }]);
    const { replies } = await held;
    // Well under another 200 ms pacing period, however busy the machine (typically ~1 ms).
    expect(performance.now() - publishedAt).toBeLessThan(190);
    expect(data(replies)).toEqual(['late']);
  });

  it('[CONN-9] pacing never holds a connect past its timeout, nor an immediate connect at all', async () => {
    const { url } = await startKuiper({ timeout: 300, batchDelayMs: 0, pollPacingMs: 5000 });
    const subscriber = await subscribedSession(url, '/paced');
    const publisher = await rawHandshake(url);
    const held = timedConnect(url, subscriber);
    await bayeux(url, [{ channel: '/paced', clientId: publisher, data: 'x', id: msgId() }]);
    const { replies, ms } = await held;
    expect(ms).toBeLessThan(2500);
    expect(data(replies)).toEqual(['x']);
    await bayeux(url, [{ channel: '/paced', clientId: publisher, data: 'y', id: msgId() }]);
    const started = performance.now();
    const immediate = await bayeux(url, [immediateConnect(subscriber)]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(data(immediate)).toEqual(['y']);
  });

  it('[CONN-9] an ack session on a WebSocket is not paced: its next connect is a frame, not a request', async () => {
    // Pacing of 5 s would hold the delivery for 5 s; batchDelayMs alone lets it out at once.
    const { url, server: kuiper } = await startKuiper({ batchDelayMs: 10, pollPacingMs: 5000 });
    const client = newClient(url, { transports: ['websocket'] });
    const received: unknown[] = [];
    await client.subscribe('/paced', (data) => void received.push(data));
    // Let the connect that follows the subscription be held before publishing.
    await sleep(200);
    const publishedAt = performance.now();
    await kuiper.publish('/paced', 'now');
    await vi.waitFor(() => expect(received).toEqual(['now']), { timeout: 4000, interval: 10 });
    expect(performance.now() - publishedAt).toBeLessThan(2500);
  });

  it('[CONN-9] on a WebSocket, batchDelayMs counts from the connect\'s arrival: a connect held longer goes out on the next turn', async () => {
    // A 1.5 s batch delay counted from the first delivery would hold 'quiet' for 1.5 s; the
    // connect has been held 2 s when it comes, so it goes at once.
    const { url, server: kuiper } = await startKuiper({ batchDelayMs: 1500, pollPacingMs: 5000 });
    const client = newClient(url, { transports: ['websocket'] });
    const received: unknown[] = [];
    await client.subscribe('/quiet', (data) => void received.push(data));
    await sleep(2000);
    const publishedAt = performance.now();
    await kuiper.publish('/quiet', 'quiet');
    await vi.waitFor(() => expect(received).toEqual(['quiet']), { timeout: 4000, interval: 10 });
    expect(performance.now() - publishedAt).toBeLessThan(1000);
    // A busy stream: the connect that follows that answer is new, so the next message waits out
    // the rest of batchDelayMs from its arrival, with what else comes meanwhile.
    const busyAt = performance.now();
    await kuiper.publish('/quiet', 'busy-1');
    await sleep(100);
    await kuiper.publish('/quiet', 'busy-2');
    await vi.waitFor(() => expect(received).toEqual(['quiet', 'busy-1', 'busy-2']), { timeout: 6000, interval: 10 });
    expect(performance.now() - busyAt).toBeGreaterThanOrEqual(1000);
  });

  it('[CONN-9] an ack session on long-polling is still paced', async () => {
    const { url, server: kuiper } = await startKuiper({ batchDelayMs: 10, pollPacingMs: 1500 });
    const client = newClient(url, { transports: ['long-polling'] });
    const received: unknown[] = [];
    await client.subscribe('/paced', (data) => void received.push(data));
    await sleep(200);
    const publishedAt = performance.now();
    await kuiper.publish('/paced', 'later');
    await vi.waitFor(() => expect(received).toEqual(['later']), { timeout: 6000, interval: 10 });
    // The held connect arrived at most ~200 ms before the publish: pacing holds it to 1.5 s after arrival.
    expect(performance.now() - publishedAt).toBeGreaterThanOrEqual(1000);
  });
});
