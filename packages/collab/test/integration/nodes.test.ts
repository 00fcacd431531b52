// [COLLAB-28] Two real nodes sharing one Redis: the room has one authority, on the node where its
// first member subscribed; a member on the other node is refused rather than served a second copy.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { RedisEngine } from '@kuiper/server/redis';
import { MemoryStore } from '../../src/index.js';
import { member, startCollab, text } from './helpers.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('rooms on two nodes sharing Redis', () => {
  it('[COLLAB-28] only the first member\'s node loads the room; a member on the other node is refused and changes nothing', async () => {
    const prefix = `kuiper-test:collab-nodes:${randomUUID()}:`;
    onCleanup(async () => {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }); // registered first: runs after both nodes closed
    const store = new MemoryStore();
    const [a, b] = [
      await startCollab({ store }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) }),
      await startCollab({ store }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) }),
    ];
    const ada = member(a!.url, 'shared').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'on node a');
    await ada.flush();
    expect(a!.collab.openRooms()).toEqual(['shared']);

    const bob = member(b!.url, 'shared').room;
    const errors: string[] = [];
    bob.onError((e) => errors.push(`${e.code} ${e.message}`));
    await eventually(() => expect(errors.join('\n')).toMatch(/send_failed .*service_unknown/));
    expect(b!.collab.openRooms()).toEqual([]);
    bob.doc.getText('t').insert(0, 'from node b ');
    expect(text(ada)).toBe('on node a');
    expect((await store.load('shared')).updates).toHaveLength(1);
  });
});
