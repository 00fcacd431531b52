// The store contract against the Redis store, on the Redis at REDIS_URL (SPEC: COLLAB-15).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisStore } from '../src/stores/redis.js';
import { storeContract } from './store-contract.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
const prefixes = new WeakMap<object, string>();
const used: string[] = [];

afterAll(async () => {
  for (const prefix of used) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

function openWith(prefix: string): RedisStore {
  const store = new RedisStore({ client: redis, prefix });
  prefixes.set(store, prefix);
  return store;
}

storeContract('redis', {
  open: async () => {
    const prefix = `kuiper-test:collab:${randomUUID()}`;
    used.push(prefix);
    return openWith(prefix);
  },
  reopen: async (store) => openWith(prefixes.get(store)!),
});
