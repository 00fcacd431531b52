/**
 * Loss test (issue 5) for the Kuiper client: the server destroys every TCP connection every 150 ms
 * while it publishes 1,000 numbered messages; with the ack extension the client hands each message
 * to the application exactly once, in order, without a new handshake.
 */
import { describe, expect, it, vi } from 'vitest';
import { newClient, startKuiper } from '@kuiper/testkit';

const TOTAL = 1000;

describe.each(['long-polling', 'websocket'] as const)('ack over %s', (transport) => {
  it('[CLI-31][CLI-32][CLI-33] receives 1,000 messages exactly once, in order, while connections are destroyed', async () => {
    // The server drops every TCP connection every 150 ms (dropConnections) while it publishes.
    const { server: kuiper, url, dropConnections } = await startKuiper({ timeout: 1500 });
    let handshakes = 0;
    kuiper.on('session:added', () => handshakes++);
    const client = newClient(url, { transports: [transport], backoff: { base: 20, max: 200 } });
    const received: number[] = [];
    const sub = client.subscribe('/loss', (data) => received.push((data as { n: number }).n));
    await sub.ready;
    expect(client.transport).toBe(transport);

    let destroyed = 0;
    const dropper = setInterval(() => (destroyed += dropConnections()), 150);
    try {
      for (let n = 0; n < TOTAL; n++) {
        await kuiper.publish('/loss', { n });
        if (n % 5 === 4) await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      clearInterval(dropper);
    }
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(TOTAL), { timeout: 20_000, interval: 50 });
    expect(received).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    expect(destroyed).toBeGreaterThan(10);
    expect(handshakes).toBe(1);
  }, 60_000);
});

describe('ack negotiation', () => {
  it('[CLI-31] asks for ack and uses it only when the server agrees', async () => {
    const { server: kuiper, url } = await startKuiper({ ack: false });
    const client = newClient(url, { transports: ['long-polling'] });
    const got: unknown[] = [];
    await client.subscribe('/plain', (d) => got.push(d)).ready;
    await kuiper.publish('/plain', 1);
    await vi.waitFor(() => expect(got).toEqual([1]));
    expect((await kuiper.engine.deliveryMode(client.clientId as string)).ack).toBe(false);
  });
});
