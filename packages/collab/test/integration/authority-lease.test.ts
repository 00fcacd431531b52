// [COLLAB-30] A node renews the authority leases of all its rooms together: renewed one after the
// other, each waiting for the store's round trip, a node with thousands of rooms took longer than
// a lease per round (10,000 rooms: 438 ms on a local Redis, and past the 3 s lease with 0.3 ms of
// network between node and Redis), and its rooms' leases lapsed while it was still serving them.
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { member, startCollab } from './helpers.js';

/** A store shared by several nodes (as the Redis store is), each claim answered 50 ms later: a distant store. */
class DistantStore extends MemoryStore {
  inFlight = 0;
  most = 0;
  renewals = 0;

  async claimAuthority(_room: string, _owner: string, _ttlMs: number): Promise<boolean> {
    this.inFlight++;
    this.most = Math.max(this.most, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.inFlight--;
    this.renewals++;
    return true;
  }
}

describe('authority leases', () => {
  it('[COLLAB-30] a node renews its rooms\' leases together, not one store round trip after another', async () => {
    const store = new DistantStore();
    const { url } = await startCollab({ store, authorityLeaseMs: 600 });
    const rooms = Array.from({ length: 12 }, (_, i) => member(url, `lease-${i}`).room);
    await Promise.all(rooms.map((r) => r.synced));
    store.most = 0;
    const before = store.renewals;
    // A renewal round every 200 ms (a third of the lease): the next ones go out as one.
    await eventually(() => expect(store.renewals - before).toBeGreaterThanOrEqual(24), 5000);
    expect(store.most).toBe(12);
  });
});
