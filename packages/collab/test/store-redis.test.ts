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

describe('the authority on the Redis store', () => {
  it('[COLLAB-30] a room has one authority at a time, for as long as its node\'s lease lives: refused to others meanwhile, taken over once the lease lapses or the node leaves', async () => {
    const prefix = `kuiper-test:collab:${randomUUID()}`;
    used.push(prefix);
    const store = openWith(prefix);
    expect(await store.renewNode('node-a', 60_000)).toBe(false); // its first renewal: not there before
    expect(await store.renewNode('node-a', 60_000)).toBe(true);
    await store.renewNode('node-b', 60_000);
    expect(await store.claimAuthority('r', 'node-a')).toBe('node-a');
    expect(await store.claimAuthority('r', 'node-b')).toBe('node-a');
    expect(await store.claimAuthority('r', 'node-a')).toBe('node-a'); // its own already
    await store.releaseAuthority('r', 'node-b'); // not its room: nothing changes
    expect(await store.claimAuthority('r', 'node-b')).toBe('node-a');
    await store.releaseAuthority('r', 'node-a');
    expect(await store.claimAuthority('r', 'node-b')).toBe('node-b');
    expect(await store.liveNodes(['node-a', 'node-b', 'node-x'])).toEqual(new Set(['node-a', 'node-b']));
    // node-b's lease lapses (a pause, a crash): node-c takes the room over, and node-b, back, is told.
    await store.renewNode('node-b', 20);
    await store.renewNode('node-c', 60_000);
    await vi.waitFor(async () => expect(await store.claimAuthority('r', 'node-c')).toBe('node-c'));
    expect(await store.renewNode('node-b', 60_000)).toBe(false);
    expect(await store.claimAuthority('r', 'node-b')).toBe('node-c');
    // node-c leaves (its lease dropped): the room is free at once, no lapse to wait for.
    expect(await store.renewNode('node-c', 0)).toBe(true);
    expect(await store.claimAuthority('r', 'node-b')).toBe('node-b');
    // A room deleted forgets its authority too.
    await store.delete('r');
    expect(await store.claimAuthority('r', 'node-a')).toBe('node-a');
  });
});
