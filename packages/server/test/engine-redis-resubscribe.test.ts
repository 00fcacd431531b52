// Subscriptions changed through another node than the one serving the session (SPEC:
// ENG-STREAM-11): that node learns of the change a moment later, and what it holds for the
// session's old subscription must not reach the session or its stored positions. Found by the
// seeded traffic of test/cluster/ack-fuzz.test.ts, which sends subscription changes to any node and
// subscribes again to what was left. Needs Redis (REDIS_URL).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import { type RedisEngine, UNRECOVERED_CHANNEL } from '../src/redis.js';
import type { RedisLink } from '../src/engines/redis/link.js';
import { TAKE_STREAM } from '../src/engines/redis/scripts.js';
import { requireRedis } from './helpers/redis.js';
import { cluster, spy } from './helpers/redis-nodes.js';

beforeAll(requireRedis);

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });
const data = (messages: Message[]): unknown[] => messages.map((m) => m.data);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RedisEngine: a subscription changed through another node', () => {
  it('[ENG-STREAM-11] unsubscribed through node A: node B, serving the session, gives nothing published after the unsubscribe', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const s = await a.createSession();
    await b.subscribe(s, '/rs/a');
    // Another subscriber keeps the channel's stream fed after the session leaves it.
    const other = await a.createSession();
    await a.subscribe(other, '/rs/a');
    // Attached to B (as a session whose connects B answers) and given what B's feed brings.
    expect(await b.take(s)).toEqual([]);
    await a.publish({ channel: '/rs/a', data: 0 });
    const got: unknown[] = [];
    await waitFor(async () => {
      got.push(...data(await b.take(s)));
      expect(got).toEqual([0]);
    });
    // Publishes sent right behind the unsubscribe on A's connection: Redis runs them after it, and
    // their feed messages reach B before B can read the session's subscriptions again.
    await Promise.all([a.unsubscribe(s, '/rs/a'), ...[1, 2, 3, 4, 5].map((n) => a.publish({ channel: '/rs/a', data: n }))]);
    await sleep(200);
    expect(data(await b.take(s))).toEqual([]);
    // Still attached to B, which follows what Redis has: the session's next subscription works.
    await a.subscribe(s, '/rs/a');
    await a.publish({ channel: '/rs/a', data: 6 });
    await waitFor(async () => {
      got.push(...data(await b.take(s)));
      expect(got).toEqual([0, 6]);
    });
    const theirs: unknown[] = [];
    await waitFor(async () => {
      theirs.push(...data(await a.take(other)));
      expect(theirs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    });
  });

  it('[ENG-STREAM-11][ENG-STREAM-9] an ack session subscribing again to a channel swept meanwhile: no loss notice on the next node, only what came after', async () => {
    const [a, b] = (await cluster(2, { sweepIntervalMs: 25 })) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.setAck(id, true);
    await a.subscribe(id, '/rs/b');
    const woken = vi.fn();
    a.watch(id, woken);
    await a.publish({ channel: '/rs/b', data: 1 });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    // The batch's record says where the session stands in the channel's stream.
    const first = await a.takeBatch(id, undefined);
    expect(data(first.messages)).toEqual([1]);
    await a.unsubscribe(id, '/rs/b');
    // No subscriber left: the channel and its stream are swept; subscribing again makes a new one.
    await waitFor(async () => expect(await a.hasChannel('/rs/b')).toBe(false));
    await a.subscribe(id, '/rs/b');
    await a.publish({ channel: '/rs/b', data: 2 });
    // The client's next connect goes to B, acknowledging the first batch: the record's position is
    // in the swept stream, the subscription's in the new one.
    const next = await waitFor(async () => {
      const batch = await b.takeBatch(id, first.batch);
      expect(batch.messages.length).toBeGreaterThan(0);
      return batch;
    });
    expect(next.messages.map((m) => m.channel)).not.toContain(UNRECOVERED_CHANNEL);
    expect(data(next.messages)).toEqual([2]);
  });

  it('[ENG-STREAM-11] a position written for a subscription is not written to one made again since', async () => {
    const [a] = (await cluster(1)) as [RedisEngine];
    const link = (a as unknown as { link: RedisLink }).link;
    const redis = spy();
    const s = await a.createSession();
    await a.subscribe(s, '/rs/c');
    const since = async (): Promise<string> => (await redis.hget(`${a.prefix}since:${s}`, '/rs/c')) ?? '';
    const position = async (): Promise<string> => (await redis.hget(`${a.prefix}pos:${s}`, '/rs/c')) ?? '';
    const old = await since();
    expect(old).toMatch(/^\d{16}$/);
    await a.unsubscribe(s, '/rs/c');
    await sleep(2);
    await a.subscribe(s, '/rs/c');
    const now = await since();
    expect(now).not.toBe(old);
    const stored = await position();
    // A node that followed the old subscription writes where it was: refused.
    await link.run(TAKE_STREAM, [s, '0', 1, '/rs/c', 'gone:7', old]);
    expect(await position()).toBe(stored);
    // Written for the subscription Redis has, or by a node that does not know when it began: taken.
    await link.run(TAKE_STREAM, [s, '0', 1, '/rs/c', 'e:1', now]);
    expect(await position()).toBe('e:1');
    await link.run(TAKE_STREAM, [s, '0', 1, '/rs/c', 'e:2', '']);
    expect(await position()).toBe('e:2');
    // Not subscribed at all: nothing written, whatever it says.
    await a.unsubscribe(s, '/rs/c');
    await link.run(TAKE_STREAM, [s, '0', 1, '/rs/c', 'e:3', '']);
    await link.run(TAKE_STREAM, [s, '0', 1, '/rs/c', 'e:4', now]);
    expect(await position()).toBe('');
  });
});
