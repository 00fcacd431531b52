// The store contract against the Redis store, on the Redis at REDIS_URL (SPEC: COLLAB-15).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

describe('the authority lease on the Redis store', () => {
  it('[COLLAB-30] one owner at a time: it renews its own lease, others are refused until it is released or lapses', async () => {
    const prefix = `kuiper-test:collab:${randomUUID()}`;
    used.push(prefix);
    const store = openWith(prefix);
    expect(await store.claimAuthority('r', 'node-a', 60_000)).toBe(true);
    expect(await store.claimAuthority('r', 'node-b', 60_000)).toBe(false);
    expect(await store.claimAuthority('r', 'node-a', 60_000)).toBe(true); // a renewal
    await store.releaseAuthority('r', 'node-b'); // not its lease: nothing changes
    expect(await store.claimAuthority('r', 'node-b', 60_000)).toBe(false);
    await store.releaseAuthority('r', 'node-a');
    expect(await store.claimAuthority('r', 'node-b', 20)).toBe(true);
    await vi.waitFor(async () => expect(await store.claimAuthority('r', 'node-c', 60_000)).toBe(true)); // node-b's lapsed
  });
});
