// Redis goes away for a moment (SPEC: REDIS-5): nothing published meanwhile is lost. Node A reaches
// Redis through a TCP relay the test can cut; node B reaches it directly.
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RedisEngine } from '../../src/redis.js';
import { createFaye } from '../helpers/faye.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';
import { cleanup, eventually, startKuiper, onCleanup } from '@kuiper/testkit';

interface Relay {
  url: string;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  restore(): void;
}

async function startRelay(): Promise<Relay> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  const url = new URL(REDIS_URL);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.href,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
  };
}

describe('Redis away for a moment', () => {
  it('[REDIS-5] publishes made while a node cannot reach Redis, on it and on others, all arrive', async () => {
    await requireRedis();
    const prefix = randomPrefix();
    onCleanup(() => deletePrefix(prefix));
    const relay = await startRelay();
    const redis = { retryStrategy: () => 20 };
    const a = await startKuiper({ engine: new RedisEngine({ url: relay.url, prefix, redis }) });
    const b = await startKuiper({ engine: new RedisEngine({ url: REDIS_URL, prefix }) });
    const faye = createFaye(cleanup, a.url, 'websocket');
    const got: unknown[] = [];
    await faye.subscribe('/outage', (data) => got.push(data));
    await b.server.publish('/outage', 1);
    await eventually(() => expect(got).toEqual([1]));

    relay.cut();
    // B queues it in Redis; A misses the wake-up (its subscriber connection is down).
    await b.server.publish('/outage', 2);
    // A's own publish waits in its client's offline queue.
    const fromA = a.server.publish('/outage', 3);
    relay.restore();
    expect(await fromA).toBe(1);
    // Back: A looks at the queues it watches again and delivers what it missed.
    await eventually(() => expect(got).toEqual([1, 2, 3]), 10_000);
  });
});
