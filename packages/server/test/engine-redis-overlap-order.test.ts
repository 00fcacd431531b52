// One channel's publishes reaching a session through two of its streams (a wildcard's and the
// channel's) come in publish order also while one of those streams is being read (SPEC:
// ENG-STREAM-11): a stream read from a lagging position returns publishes older than those the
// other stream's feed brings meanwhile. Found by the seeded traffic of
// test/cluster/ack-fuzz.test.ts (4 of 30 runs on one Redis gave a channel's publishes out of order).
// Needs Redis (REDIS_URL).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import type { RedisEngine } from '../src/redis.js';
import { requireRedis } from './helpers/redis.js';
import { cluster } from './helpers/redis-nodes.js';

beforeAll(requireRedis);

const BACKLOG = 300;
const LIVE = 40;
const ROUNDS = 5;

const numbers = (messages: Message[]): number[] => messages.map((m) => m.data as number);

/** Publishes `from`..`to` on /ro/a, sent at once on one connection: Redis runs them in that order. */
async function publishAll(node: RedisEngine, from: number, to: number): Promise<void> {
  await Promise.all(Array.from({ length: to - from + 1 }, (_, i) => node.publish({ channel: '/ro/a', data: from + i })));
}

describe('RedisEngine: overlapping subscriptions while one stream is read', () => {
  it('[ENG-STREAM-11][ENG-STREAM-10] moved to a node that reads the wildcard\'s backlog while the channel is subscribed there and publishes go on: every publish once, in order', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
      const s = await a.createSession();
      await a.subscribe(s, '/ro/*');
      // Attached to A, which gives nothing of what follows: the session's backlog is in the stream.
      expect(await a.take(s)).toEqual([]);
      await publishAll(a, 1, BACKLOG);
      const got: number[] = [];
      // Its next connect goes to B, which reads the wildcard's backlog; meanwhile the session
      // subscribes to the channel through B and publishes go on, reaching B through both streams.
      await Promise.all([
        b.take(s).then((m) => got.push(...numbers(m))),
        b.subscribe(s, '/ro/a'),
        (async () => {
          for (let n = BACKLOG + 1; n <= BACKLOG + LIVE; n++) await a.publish({ channel: '/ro/a', data: n });
        })(),
      ]);
      await vi.waitFor(
        async () => {
          got.push(...numbers(await b.take(s)));
          expect(got.length).toBeGreaterThanOrEqual(BACKLOG + LIVE);
        },
        { timeout: 5000, interval: 20 },
      );
      // Joined, so a failure shows where the order broke.
      expect(got.join(','), `round ${round}`).toBe(Array.from({ length: BACKLOG + LIVE }, (_, i) => i + 1).join(','));
    }
  });
});
