// Ack mode on the stream engine (SPEC: ACK-2, ENG-STREAM-9): an ack session's batches are made on
// the node it is attached to; every batch of a turn has the turn's number, and what another node
// needs to go on is written once per turn (where its sessions stand), whatever the number of
// sessions, with a record of its own only for a session that one cannot describe (a batch sent
// again, deliver() messages, subscriptions its node may not know yet). A node gone without a word
// (no hand-over): the next node starts where the client's ack says, sends again what was not
// acknowledged and nothing that was. Needs Redis (REDIS_URL).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import type { RedisEngine } from '../src/redis.js';
import { requireRedis } from './helpers/redis.js';
import { cluster, monitorDuring, spy } from './helpers/redis-nodes.js';

beforeAll(requireRedis);

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 10_000, interval: 10 });
const data = (messages: Message[]): unknown[] => messages.map((m) => m.data);

/** An ack session on `on`, subscribed to `channel`, attached there and watched; `woken` counts its wake-ups. */
async function ackSession(on: RedisEngine, channel: string): Promise<{ id: string; woken: ReturnType<typeof vi.fn> }> {
  const id = await on.createSession();
  await on.setAck(id, true);
  await on.subscribe(id, channel);
  expect(await on.deliveryMode(id)).toEqual({ ack: true, unacked: undefined });
  const woken = vi.fn();
  on.watch(id, woken);
  return { id, woken };
}

describe('RedisEngine in ack mode', () => {
  it('[ENG-STREAM-9] a turn of ack takes is the same calls for 200 sessions as for 10: the turn\'s number and one record of where they stand', async () => {
    const sent: string[][] = [];
    const turns: string[] = [];
    for (const count of [10, 200]) {
      const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
      const [a] = (await cluster(1, quiet, { positionsMs: 3_600_000 })) as [RedisEngine];
      const sessions = await Promise.all(Array.from({ length: count }, () => ackSession(a, '/ack/fan')));
      await a.publish({ channel: '/ack/fan', data: count });
      await waitFor(() => expect(sessions.every((s) => s.woken.mock.calls.length > 0)).toBe(true));
      let batches: { batch: number; messages: Message[] }[] = [];
      const monitor = await monitorDuring(a.prefix, async () => {
        batches = await Promise.all(sessions.map((s) => a.takeBatch(s.id, undefined)));
      });
      const n = batches[0]?.batch ?? 0;
      expect(n).toBeGreaterThan(0);
      expect(batches.every((b) => b.batch === n && data(b.messages).join() === String(count))).toBe(true);
      // The turn's number, its positions (one SET, expiring), the marks read: no record per session, no list.
      expect(monitor.seen.filter((c) => c === 'set')).toHaveLength(1);
      expect(monitor.seen.filter((c) => c === 'incr' || c === 'smembers')).toEqual(['incr', 'smembers']);
      expect(monitor.seen.filter((c) => c === 'zscore' || c === 'rpush' || c === 'lrange')).toEqual([]);
      sent.push(monitor.sent);
      turns.push(`${a.prefix}t:${n}`);
    }
    expect(sent[1]).toEqual(sent[0]);
    // The turn's record: where its sessions stand, kept as long as one may come back with its number.
    const redis = spy();
    for (const key of turns) {
      expect(await redis.get(key)).toMatch(/^\/ack\/fan\t[^\t]+:1$/);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(3_600_000);
      expect(ttl).toBeLessThanOrEqual(3_600_000 + 60_000 + 60_000);
    }
    expect(sent[0]?.filter((c) => c === 'evalsha')).toHaveLength(1);
  });

  for (const acknowledged of [false, true]) {
    it(`[ENG-STREAM-9][ACK-2] a node gone without a hand-over: the next node sends ${acknowledged ? 'only what came after the acknowledged batch' : 'the unacknowledged batch again, then what came after'}`, async () => {
      // No per-stream positions written behind: only the turns' records say where the session stands.
      const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
      const { id, woken } = await ackSession(a, '/ack/gone');
      for (const n of [1, 2]) await b.publish({ channel: '/ack/gone', data: n });
      await waitFor(() => expect(woken).toHaveBeenCalled());
      const first = await a.takeBatch(id, undefined);
      expect(data(first.messages)).toEqual([1, 2]);
      const calls = woken.mock.calls.length;
      await b.publish({ channel: '/ack/gone', data: 3 });
      await waitFor(() => expect(woken.mock.calls.length).toBeGreaterThan(calls));
      const second = await a.takeBatch(id, first.batch);
      expect(data(second.messages)).toEqual([3]);
      expect(second.batch).toBeGreaterThan(first.batch);
      // A goes away as a killed node would, for this session: no hand-over, and no position of it
      // written (A's per-stream positions may stand past batch 2, which is not acknowledged).
      await a.close();
      await b.publish({ channel: '/ack/gone', data: 4 });
      const acked = acknowledged ? second.batch : first.batch;
      // The connect names the batch it took: B starts where that batch's turn left the session;
      // told nothing (a caller without the ack), B attaches from the record and again once a take names it.
      expect(await (acknowledged ? b.deliveryMode(id) : b.deliveryMode(id, acked))).toEqual({ ack: true, unacked: undefined });
      const third = await b.takeBatch(id, acked);
      expect(data(third.messages)).toEqual(acknowledged ? [4] : [3, 4]);
      expect(third.batch).toBeGreaterThan(second.batch);
      const fourth = await b.takeBatch(id, third.batch);
      // Nothing new: an empty batch keeps the number (nothing to acknowledge).
      expect(fourth).toEqual({ batch: third.batch, messages: [] });
      await b.publish({ channel: '/ack/gone', data: 5 });
      await waitFor(async () => expect(data((await b.takeBatch(id, third.batch)).messages)).toEqual([5]));
    });
  }

  it('[ENG-STREAM-9][ACK-2] a batch sent again has a record of its own; one Redis lost is written again, a removed session gets none back', async () => {
    const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
    const { id, woken } = await ackSession(a, '/ack/lost');
    const other = await ackSession(a, '/ack/lost');
    const redis = spy();
    await b.publish({ channel: '/ack/lost', data: 1 });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    const [first, otherFirst] = await Promise.all([a.takeBatch(id, undefined), a.takeBatch(other.id, undefined)]);
    expect(first.batch).toBe(otherFirst.batch);
    // The turn's record stands for both: neither has a record of its own past setAck's.
    expect(await redis.get(`${a.prefix}ack:${id}`)).toBe('0\t\n');
    await redis.del(`${a.prefix}ack:${id}`);
    await b.destroySession(other.id, 'disconnect');
    // Both lost batch `first`: sent again, so not described by the turn's positions.
    const [again, none] = await Promise.all([a.takeBatch(id, first.batch - 1), a.takeBatch(other.id, first.batch - 1)]);
    expect(data(again.messages)).toEqual([1]);
    expect(none).toEqual({ batch: 0, messages: [] });
    expect(await redis.get(`${a.prefix}ack:${id}`)).toMatch(new RegExp(`^${again.batch}\t${again.batch}\n`));
    expect(await redis.exists(`${a.prefix}ack:${other.id}`)).toBe(0);
    // Gone without a word: B sends it again from that record, then nothing more.
    await a.close();
    expect(data((await b.takeBatch(id, first.batch - 1)).messages)).toEqual([1]);
  });

  it('[ENG-STREAM-9] a subscription made on another node that the session\'s node has not read yet: its batches get records of their own, and the next node gives the new channel from where it was subscribed', async () => {
    const [a, b, c] = (await cluster(3, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine, RedisEngine];
    const { id, woken } = await ackSession(a, '/ack/one');
    const other = await ackSession(a, '/ack/one');
    await a.subscribe(other.id, '/ack/two');
    // A does not hear of the subscription (its note delayed past the turn, as a busy node may).
    (a as unknown as { bus: { onResub: unknown } }).bus.onResub = () => undefined;
    await b.subscribe(id, '/ack/two');
    const redis = spy();
    expect(await redis.sismember(`${a.prefix}subd:${a.nodeId}`, id)).toBe(1);
    await b.publish({ channel: '/ack/two', data: 'two' });
    await b.publish({ channel: '/ack/one', data: 'one' });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    await waitFor(() => expect(other.woken.mock.calls.length).toBeGreaterThan(0));
    const [mine, theirs] = await Promise.all([a.takeBatch(id, undefined), a.takeBatch(other.id, undefined)]);
    expect(data(mine.messages)).toEqual(['one']);
    expect(data(theirs.messages).sort()).toEqual(['one', 'two']);
    // The turn's positions put /ack/two past 'two'; the session's own record says nothing of it.
    expect(await redis.get(`${a.prefix}ack:${id}`)).toMatch(new RegExp(`^${mine.batch}\t${mine.batch}\n/ack/one\t[^\t]+$`, 'm'));
    await a.close();
    expect(data((await c.takeBatch(id, mine.batch)).messages)).toEqual(['two']);
  });

  it('[ENG-STREAM-9] a node that has not let go of a session another node claimed writes no record of it: its take there gives nothing', async () => {
    const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
    const { id, woken } = await ackSession(a, '/ack/moved');
    await b.publish({ channel: '/ack/moved', data: 1 });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    const first = await a.takeBatch(id, undefined);
    expect(data(first.messages)).toEqual([1]);
    // A does not hear of B's claim (its note delayed, as a busy node's may be) and keeps the session.
    (a as unknown as { bus: { onMoved: unknown } }).bus.onMoved = () => undefined;
    expect(await b.deliveryMode(id, first.batch - 1)).toEqual({ ack: true, unacked: undefined });
    const redis = spy();
    const record = await redis.get(`${a.prefix}ack:${id}`);
    // A's batch would be sent again, so it would need a record of its own: refused, A gives nothing and lets go.
    expect(await a.takeBatch(id, first.batch - 1)).toEqual({ batch: 0, messages: [] });
    expect(await redis.get(`${a.prefix}ack:${id}`)).toBe(record);
    expect(data((await b.takeBatch(id, first.batch - 1)).messages)).toEqual([1]);
  });

  it('[ENG-STREAM-9][ACK-2] deliver() messages join the batch in the record: sent again from it by the next node', async () => {
    const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
    const { id, woken } = await ackSession(a, '/ack/mixed');
    await b.publish({ channel: '/ack/mixed', data: 'published' });
    await b.deliver(id, [{ channel: '/service/reply', data: 'direct' }]);
    await waitFor(() => expect(woken.mock.calls.length).toBeGreaterThan(1));
    const first = await a.takeBatch(id, undefined);
    expect(data(first.messages).sort()).toEqual(['direct', 'published']);
    await a.close();
    const again = await b.takeBatch(id, undefined);
    expect(data(again.messages)).toEqual(data(first.messages));
    expect((await b.takeBatch(id, again.batch)).messages).toEqual([]);
  });
});
