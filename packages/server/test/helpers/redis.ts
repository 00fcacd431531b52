// Redis for the engine and cluster tests: found via REDIS_URL (default redis://127.0.0.1:6379).
// These tests fail, loudly, when Redis is unreachable: a skipped cluster suite proves nothing.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A prefix no other test run uses, so runs in parallel never see each other's keys. */
export function randomPrefix(): string {
  return `kuiper-test:${randomBytes(6).toString('hex')}:`;
}

/** One short-lived connection; rejects with a message that says what to do. */
async function connection(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${reason}). The Redis engine and cluster tests need a ` +
        'running redis-server: start one, or point REDIS_URL at one.',
    );
  }
}

/** Fails the suite with a clear message when Redis is not there. */
export async function requireRedis(): Promise<void> {
  const redis = await connection();
  redis.disconnect();
}

/** Calls `onKeys` with each SCAN batch of the keys under `prefix`, on one short-lived connection. */
async function scanPrefix(prefix: string, onKeys: (redis: Redis, keys: string[]) => Promise<void> | void): Promise<void> {
  const redis = await connection();
  let cursor = '0';
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await onKeys(redis, keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN + DEL), so a test run leaves Redis as it found it. */
export async function deletePrefix(prefix: string): Promise<number> {
  let deleted = 0;
  await scanPrefix(prefix, async (redis, keys) => {
    deleted += await redis.del(...keys);
  });
  return deleted;
}

/** How many keys live under `prefix` (to check that cleanup and removal leave nothing behind). */
export async function countKeys(prefix: string): Promise<number> {
  let count = 0;
  await scanPrefix(prefix, (_redis, keys) => {
    count += keys.length;
  });
  return count;
}
