// The chat store contract against the three stores (SPEC: CHAT-4): memory, LevelDB, Redis.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore, type DocumentStore } from '../../src/index.js';
import { LevelStore } from '../../src/stores/level.js';
import { RedisStore } from '../../src/stores/redis.js';
import { chatStoreContract } from './chat-store-contract.js';

const dirs: string[] = [];
const redisPrefixes: string[] = [];
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const where = new WeakMap<DocumentStore, string>();

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const prefix of redisPrefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

const level = async (location: string): Promise<LevelStore> => {
  const store = new LevelStore({ location });
  await store.open();
  where.set(store, location);
  return store;
};
const onRedis = (prefix: string): RedisStore => {
  const store = new RedisStore({ client: redis, prefix });
  where.set(store, prefix);
  return store;
};

chatStoreContract('memory', { open: async () => new MemoryStore() });
chatStoreContract('level', {
  open: () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-chat-level-'));
    dirs.push(dir);
    return level(dir);
  },
  reopen: (store) => level(where.get(store)!),
});
chatStoreContract('redis', {
  open: async () => {
    const prefix = `kuiper-test:chat:${randomUUID()}`;
    redisPrefixes.push(prefix);
    return onRedis(prefix);
  },
  reopen: async (store) => onRedis(where.get(store)!),
});

describe('[CHAT-15] [CHAT-10] reactions on Redis from several nodes at once', () => {
  it('[CHAT-15] 30 people reacting to one message through three nodes all land, once each', async () => {
    const prefix = `kuiper-test:chat:${randomUUID()}`;
    redisPrefixes.push(prefix);
    const nodes = [onRedis(prefix), onRedis(prefix), onRedis(prefix)];
    await nodes[0]!.appendChat('r', { author: { id: 'ada' }, text: 'ship it?', sentAt: 1 });
    const people = Array.from({ length: 30 }, (_, i) => ({ id: `p${i}` }));
    const results = await Promise.all(people.map((by, i) => nodes[i % 3]!.changeChat('r', 1, by.id, { react: i % 3 === 0 ? '🚀' : '👍', on: true, by })));
    expect(results.filter((r) => 'refused' in r)).toEqual([]);
    const [stored] = (await nodes[1]!.chatPage('r', { limit: 1 })).messages;
    const given = stored!.reactions!.flatMap((r) => r.users.map((u) => `${r.emoji}${u.id}`)).sort();
    expect(given).toEqual(people.map((p, i) => `${i % 3 === 0 ? '🚀' : '👍'}${p.id}`).sort());
    expect(stored!.rev).toBe(30);
  });
});
