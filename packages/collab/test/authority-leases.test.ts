// [COLLAB-30] Which node is a room's authority, on the Redis store: the node written for the room,
// for as long as that node's one lease lives (src/server/authority-leases.ts). On the Redis at REDIS_URL.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthorityLeases } from '../src/server/authority-leases.js';
import { MemoryStore } from '../src/index.js';
import { RedisStore } from '../src/stores/redis.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `kuiper-test:collab-leases:${randomUUID()}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function node(): AuthorityLeases {
  return new AuthorityLeases(new RedisStore({ client: redis, prefix }), 60_000);
}

describe('AuthorityLeases', () => {
  it('[COLLAB-30] a node relaying to a room takes it over once its authority\'s node is gone: left (at once) or lapsed', async () => {
    const [a, b, c] = [node(), node(), node()];
    expect(await a.claim('left')).toBe(true);
    expect(await b.claim('left')).toBe(false);
    // a lives: nothing to take over, and one look at a's lease answers for every room a holds.
    expect(await b.tick([], ['left'])).toEqual({ lost: [], orphaned: [] });
    await a.close();
    expect(await b.tick([], ['left'])).toEqual({ lost: [], orphaned: ['left'] });
    expect(await b.claim('left')).toBe(true);
    expect(await c.claim('left')).toBe(false);
    // b's lease lapses (a pause longer than it): c takes the room over.
    await redis.del(`${prefix}:node:{${b.node}}`);
    expect(await c.tick([], ['left'])).toEqual({ lost: [], orphaned: ['left'] });
    expect(await c.claim('left')).toBe(true);
  });

  it('[COLLAB-30] a node back from a lapsed lease keeps the rooms nobody took and is told of those taken over meanwhile', async () => {
    const [a, b] = [node(), node()];
    expect([await a.claim('kept'), await a.claim('taken')]).toEqual([true, true]);
    expect(await a.tick(['kept', 'taken'], [])).toEqual({ lost: [], orphaned: [] });
    await redis.del(`${prefix}:node:{${a.node}}`);
    expect(await b.claim('taken')).toBe(true);
    expect(await a.tick(['kept', 'taken'], [])).toEqual({ lost: ['taken'], orphaned: [] });
    // Its lease is back: 'kept' is still its room.
    expect(await b.claim('kept')).toBe(false);
  });

  it('[COLLAB-30] on a store only one node uses, the node is every room\'s authority and has no period', async () => {
    const only = new AuthorityLeases(new MemoryStore(), 3000);
    expect(only.shared).toBe(false);
    expect(await only.claim('any')).toBe(true);
    expect(await only.tick(['any'], ['other'])).toEqual({ lost: [], orphaned: [] });
  });
});
