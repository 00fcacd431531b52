// [COLLAB-30] A node's open rooms live by its one lease: an idle node renews that lease each period
// and writes nothing per room. With a lease per room, renewed every period, 10,000 open rooms cost
// Redis ~37-48 ms a second per node (measured by hand on one Redis, 2026-12-04).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { RedisStore } from '../../src/stores/redis.js';
import { cleanRedisPrefix, member, REDIS_URL, startCollab } from './helpers.js';

/** The Redis store, counting what the collaboration layer asks of its authority methods. */
class CountingStore extends RedisStore {
  renewals = 0;
  claims = 0;

  override async renewNode(node: string, ttlMs: number): Promise<boolean> {
    this.renewals++;
    return super.renewNode(node, ttlMs);
  }

  override async claimAuthority(room: string, node: string): Promise<string> {
    this.claims++;
    return super.claimAuthority(room, node);
  }
}

describe('authority leases', () => {
  it('[COLLAB-30] a node with 12 open rooms renews one lease a period, and claims no room again while it lives', async () => {
    const prefix = `kuiper-test:collab-lease:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const redis = new Redis(REDIS_URL);
    onCleanup(() => redis.quit());
    const store = new CountingStore({ client: redis, prefix: `${prefix}collab` });
    const { url, collab } = await startCollab({ store, authorityLeaseMs: 600 });
    const rooms = Array.from({ length: 12 }, (_, i) => member(url, `lease-${i}`).room);
    await Promise.all(rooms.map((r) => r.synced));
    expect(collab.openRooms()).toHaveLength(12);
    expect(store.claims).toBe(12);
    const before = store.renewals;
    // A period every 200 ms (a third of the lease): five periods, five renewals, no claim.
    await eventually(() => expect(store.renewals - before).toBeGreaterThanOrEqual(5), 5000);
    expect(store.renewals - before).toBeLessThan(12);
    expect(store.claims).toBe(12);
    // Its one lease is what other nodes look at, with its time to live.
    const leases = await redis.keys(`${prefix}collab:node:*`);
    expect(leases).toHaveLength(1);
    expect(await redis.pttl(leases[0]!)).toBeGreaterThan(0);
  });
});
