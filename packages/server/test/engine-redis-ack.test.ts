// Ack mode on the stream engine (SPEC: ACK-2, ENG-STREAM-9): an ack session's batches are made on
// the node it is attached to and written as one record per session, every record of a turn in one
// script call: no message is copied into a list per session, and the turn's calls do not grow with
// its sessions. A node gone without a word (no hand-over) leaves the records: the next node sends
// again what was not acknowledged and nothing that was. Needs Redis (REDIS_URL).
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
  it('[ENG-STREAM-9] a turn of ack takes is the same calls for 200 sessions as for 10: one record each, no message copied into a list', async () => {
    const sent: string[][] = [];
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
      expect(batches.every((b) => b.batch === 1 && data(b.messages).join() === String(count))).toBe(true);
      // One SET … XX each (setAck made the record), no session check, no list.
      expect(monitor.seen.filter((c) => c === 'set')).toHaveLength(count);
      expect(monitor.seen.filter((c) => c === 'zscore' || c === 'rpush' || c === 'lrange')).toEqual([]);
      sent.push(monitor.sent);
    }
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[0]?.filter((c) => c === 'evalsha')).toHaveLength(1);
  });

  for (const acknowledged of [false, true]) {
    it(`[ENG-STREAM-9][ACK-2] a node gone without a hand-over: the next node sends ${acknowledged ? 'only what came after the acknowledged batch' : 'the unacknowledged batch again, then what came after'}`, async () => {
      // No per-stream positions written behind: only the records say where the session stands.
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
      // A goes away as a killed node would, for this session: no hand-over, and no position of it
      // written (A's per-stream positions may stand past batch 2, which is not acknowledged).
      await a.close();
      await b.publish({ channel: '/ack/gone', data: 4 });
      expect(await b.deliveryMode(id)).toEqual({ ack: true, unacked: second.batch });
      const third = await b.takeBatch(id, acknowledged ? second.batch : first.batch);
      expect(data(third.messages)).toEqual(acknowledged ? [4] : [3, 4]);
      expect(third.batch).toBeGreaterThan(second.batch);
      const fourth = await b.takeBatch(id, third.batch);
      expect(fourth.messages).toEqual([]);
      expect(fourth.batch).toBeGreaterThan(third.batch);
    });
  }

  it('[ENG-STREAM-9] a record Redis lost is written again with the next batch; a removed session gets none back', async () => {
    const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
    const { id, woken } = await ackSession(a, '/ack/lost');
    const other = await ackSession(a, '/ack/lost');
    const redis = spy();
    await redis.del(`${a.prefix}ack:${id}`);
    await b.publish({ channel: '/ack/lost', data: 1 });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    await b.destroySession(other.id, 'disconnect');
    const [batch, none] = await Promise.all([a.takeBatch(id, undefined), a.takeBatch(other.id, undefined)]);
    expect(data(batch.messages)).toEqual([1]);
    expect(none).toEqual({ batch: 0, messages: [] });
    expect(await redis.get(`${a.prefix}ack:${id}`)).toMatch(/^1\t1\n/);
    expect(await redis.exists(`${a.prefix}ack:${other.id}`)).toBe(0);
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
