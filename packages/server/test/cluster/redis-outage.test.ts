// Redis goes away for a moment (SPEC: REDIS-5): nothing published meanwhile is lost. Node A reaches
// Redis through a TCP relay the test can cut; node B reaches it directly.
import { describe, expect, it } from 'vitest';
import { RedisEngine } from '../../src/redis.js';
import { createFaye } from '../helpers/faye.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';
import { startRelay } from '../helpers/relay.js';
import { cleanup, eventually, startKuiper, onCleanup } from '@kuiper/testkit';

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
