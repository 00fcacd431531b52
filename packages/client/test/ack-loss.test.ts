/**
 * Loss test (issue 5) for the Kuiper client: the server destroys every TCP connection every 150 ms
 * while it publishes 1,000 numbered messages; with the ack extension the client hands each message
 * to the application exactly once, in order, without a new handshake.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { createKuiperServer } from '../../server/src/index.js';
import { createClient } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';

const TOTAL = 1000;

async function chaoticServer() {
  const kuiper = createKuiperServer({ path: '/bayeux', timeout: 1500 });
  const http = createServer();
  kuiper.attach(http);
  const sockets = new Set<Socket>();
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  onCleanup(async () => {
    await kuiper.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => http.close(r));
  });
  const dropAll = (): number => {
    const n = sockets.size;
    for (const socket of sockets) socket.destroy();
    return n;
  };
  return { kuiper, url: `http://127.0.0.1:${address.port}/bayeux`, dropAll };
}

describe.each(['long-polling', 'websocket'] as const)('ack over %s', (transport) => {
  it('[CLI-31][CLI-32][CLI-33] receives 1,000 messages exactly once, in order, while connections are destroyed', async () => {
    const { kuiper, url, dropAll } = await chaoticServer();
    let handshakes = 0;
    kuiper.on('session:added', () => handshakes++);
    const client = createClient(url, { transports: [transport], backoff: { base: 20, max: 200 } });
    onCleanup(() => client.disconnect());
    const received: number[] = [];
    const sub = client.subscribe('/loss', (data) => received.push((data as { n: number }).n));
    await sub.ready;
    expect(client.transport).toBe(transport);

    let destroyed = 0;
    const dropper = setInterval(() => (destroyed += dropAll()), 150);
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
    const kuiper = createKuiperServer({ path: '/bayeux', ack: false });
    const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
    onCleanup(() => kuiper.close());
    const client = createClient(url, { transports: ['long-polling'] });
    onCleanup(() => client.disconnect());
    const got: unknown[] = [];
    await client.subscribe('/plain', (d) => got.push(d)).ready;
    await kuiper.publish('/plain', 1);
    await vi.waitFor(() => expect(got).toEqual([1]));
    expect((await kuiper.engine.deliveryMode(client.clientId as string)).ack).toBe(false);
  });
});
