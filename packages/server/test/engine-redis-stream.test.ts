// What only the stream engine promises (SPEC: ENG-STREAM-*): a publish's Redis work does not grow
// with its subscribers, a session moves between nodes without losing or repeating a delivery, and
// loss (a trimmed history, a stream Redis lost) is told to the session, never silent. The engine
// contracts run on it in engine-redis.test.ts. Needs Redis (REDIS_URL).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import { type RedisEngine, UNRECOVERED_CHANNEL } from '../src/redis.js';
import { requireRedis } from './helpers/redis.js';
import { cluster, commandsDuring, monitorDuring, node, spy } from './helpers/redis-nodes.js';
import { ALL_SCRIPTS } from '../src/engines/redis/scripts.js';
import { startRelay } from './helpers/relay.js';

beforeAll(requireRedis);

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });

const data = (messages: Message[]): unknown[] => messages.map((m) => m.data);

describe('RedisEngine', () => {
  it('[ENG-STREAM-1] a publish runs the same Redis commands for 10 subscribers as for 200', async () => {
    const counts: number[] = [];
    for (const subscribers of [10, 200]) {
      // No sweep during the count: its lease renewals and pruning would be counted as the publish's
      // (under load, setting up 200 sessions outlasts the default period of maxInterval / 3).
      // Nor a write of the nodes' per-stream positions (ENG-STREAM-8), once a second by default.
      const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
      const [a, b] = (await cluster(2, quiet, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
      // Set up together (a loaded CI machine makes 200 sessions one by one slow).
      const ids = await Promise.all(Array.from({ length: subscribers }, () => a.createSession()));
      await Promise.all(ids.map((id, i) => a.subscribe(id, i % 2 === 0 ? '/fan/out' : '/fan/*')));
      // Half of them attached to node B, as sessions whose requests B serves.
      const onB = await Promise.all(ids.filter((_, i) => i % 2 === 1).map((id) => b.take(id)));
      expect(onB.every((taken) => taken.length === 0)).toBe(true);
      const commands = await commandsDuring(a.prefix, () => a.publish({ channel: '/fan/out', data: subscribers }));
      expect(commands.filter((c) => c === 'xadd')).toHaveLength(2);
      expect(commands.filter((c) => c === 'publish')).toHaveLength(2);
      // No server-side listener anywhere: one EXISTS, no listener lease looked up per pattern.
      expect(commands.filter((c) => c === 'zscore')).toHaveLength(0);
      counts.push(commands.length);
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it('[ENG-STREAM-4] a session watched on A and then taken on B gets every message once, in order', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await b.subscribe(id, '/move');
    await b.subscribe(id, '/move/**');
    const woken = vi.fn();
    a.watch(id, woken);
    for (let n = 1; n <= 3; n++) await b.publish({ channel: '/move', data: n });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    expect(data(await a.take(id))).toEqual([1, 2, 3]);
    // Delivered to A's buffer, never taken there: B reads them from the streams.
    for (let n = 4; n <= 6; n++) await b.publish({ channel: n % 2 === 0 ? '/move' : '/move/x', data: n });
    await waitFor(() => expect(woken.mock.calls.length).toBeGreaterThan(1));
    expect(data(await b.take(id))).toEqual([4, 5, 6]);
    await a.publish({ channel: '/move', data: 7 });
    expect(data(await a.take(id))).toEqual([7]);
    expect(await b.take(id)).toEqual([]);
  });

  it('[ENG-STREAM-7] the positions of a held session are written behind, and handed over when another node claims it', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/held');
    a.connectOpened(id);
    const woken = vi.fn();
    a.watch(id, woken);
    for (let n = 1; n <= 3; n++) await b.publish({ channel: '/held', data: n });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    expect(data(await a.take(id))).toEqual([1, 2, 3]);
    // Given out on A and not written yet: Redis still has the position before them.
    const redis = spy();
    expect(await redis.hget(`${a.prefix}pos:${id}`, '/held')).toMatch(/:0@/);
    await b.publish({ channel: '/held', data: 4 });
    // B claims the session: A writes what it gave out first, so B gives out only what A did not
    // (and, attached to B now, its take writes nothing either: ENG-STREAM-8).
    expect(data(await b.take(id))).toEqual([4]);
    expect(await redis.hget(`${a.prefix}pos:${id}`, '/held')).toMatch(/:3@/);
  });

  it('[ENG-STREAM-8] idle held sessions cost Redis the same commands per period for 10 sessions as for 200', async () => {
    const counts: number[] = [];
    for (const sessions of [10, 200]) {
      // No timers: each period's work is run by hand, three times, while MONITOR counts.
      const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
      const [a] = (await cluster(1, quiet, { positionsMs: 3_600_000 })) as [RedisEngine];
      const ids = await Promise.all(Array.from({ length: sessions }, () => a.createSession()));
      await Promise.all(ids.map((id) => a.subscribe(id, '/idle')));
      for (const id of ids) {
        a.connectOpened(id);
        a.watch(id, () => undefined);
      }
      expect((await Promise.all(ids.map((id) => a.take(id)))).flat()).toEqual([]);
      await a.publish({ channel: '/idle', data: 'given' });
      expect((await Promise.all(ids.map((id) => a.take(id)))).map(data)).toEqual(ids.map(() => ['given']));
      const commands = await commandsDuring(a.prefix, async () => {
        for (let period = 0; period < 3; period++) {
          // Each held connect answered and sent again (as a WebSocket's /meta/connect): no write.
          for (const id of ids) {
            a.connectClosed(id);
            a.connectOpened(id);
          }
          await a.upkeep();
          await a.writePositions();
        }
      });
      counts.push(commands.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
  });

  it('[SWEEP-1][REDIS-4] a sweep costs Redis the same commands with 10 channels in use as with 300, and still sweeps a channel left', async () => {
    const counts: number[] = [];
    for (const channels of [10, 300]) {
      const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
      const [a] = (await cluster(1, quiet, { positionsMs: 3_600_000 })) as [RedisEngine];
      const id = await a.createSession();
      await Promise.all(Array.from({ length: channels }, (_, i) => a.subscribe(id, `/used/${i}`)));
      // The first sweep looks at the channels made since the last one: each in use, none goes.
      await a.sweep(3_600_000, 1);
      const commands = await commandsDuring(a.prefix, async () => {
        for (let k = 0; k < 3; k++) {
          // Each sweep takes the period's lock (1 ms) again.
          await new Promise((resolve) => setTimeout(resolve, 3));
          await a.sweep(3_600_000, 1);
        }
      });
      counts.push(commands.length);
      await a.unsubscribe(id, '/used/0');
      await new Promise((resolve) => setTimeout(resolve, 3));
      await a.sweep(3_600_000, 1);
      expect(await a.hasChannel('/used/0')).toBe(false);
      expect(await a.hasChannel('/used/1')).toBe(true);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
  });

  it('[SWEEP-1] a channel only a server-side listener kept is swept once its lease lapses, not before', async () => {
    const [a] = (await cluster(1, { sweepIntervalMs: 20 })) as [RedisEngine];
    const stop = a.listen('/heard/here', () => undefined);
    await waitFor(async () => expect(await a.hasChannel('/heard/here')).toBe(true));
    // Renewed every period while listened: sweeps come and go, the channel stays.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await a.hasChannel('/heard/here')).toBe(true);
    stop();
    await waitFor(async () => expect(await a.hasChannel('/heard')).toBe(false));
  });

  it('[REDIS-3][ENG-STREAM-8] a node\'s channel listeners cost Redis nothing per period: the same upkeep commands with 1 listened pattern as with 300', async () => {
    const counts: number[] = [];
    for (const patterns of [1, 300]) {
      const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
      const [a] = (await cluster(1, quiet, { positionsMs: 3_600_000 })) as [RedisEngine];
      for (let i = 0; i < patterns; i++) a.listen(`/heard/${i}`, () => undefined);
      await waitFor(async () => expect(await a.hasChannel(`/heard/${patterns - 1}`)).toBe(true));
      await a.upkeep();
      const commands = await commandsDuring(a.prefix, async () => {
        for (let k = 0; k < 3; k++) await a.upkeep();
      });
      counts.push(commands.length);
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
  });

  it('[REDIS-3] a node taken for gone loses its listeners with it, and listens again once it is back', async () => {
    const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
    const [a, b] = (await cluster(2, quiet)) as [RedisEngine, RedisEngine];
    const heard: unknown[] = [];
    a.listen('/heard/here', (m) => heard.push(m.data));
    await waitFor(async () => expect(await a.hasChannel('/heard/here')).toBe(true));
    await Promise.all([a.upkeep(), b.upkeep()]);
    await b.publish({ channel: '/heard/here', data: 1 });
    await waitFor(() => expect(heard).toEqual([1]));
    // A's lease looks lapsed (a pause longer than it): B's sweep takes A for gone.
    const redis = spy();
    await redis.zadd(`${a.prefix}nodes`, 0, a.nodeId);
    // (The upkeeps above took this period's sweep lock, for the hour-long period of these nodes.)
    await redis.del(`${a.prefix}lock:sweep`);
    await b.sweep(3_600_000, 1);
    expect(await a.hasChannel('/heard/here')).toBe(false);
    await b.publish({ channel: '/heard/here', data: 2 });
    // Back: A's next period finds its lease gone and listens again.
    await a.upkeep();
    await waitFor(async () => expect(await redis.hexists(`${a.prefix}lsn`, '/heard/here')).toBe(1));
    await b.publish({ channel: '/heard/here', data: 3 });
    await waitFor(() => expect(heard).toEqual([1, 3]));
  });

  it('[REDIS-3][REDIS-4] a node taken for gone whose first write back is a new hold, not its period, still holds its sessions again and listens again', async () => {
    // Periods of a minute (a lease of three), sessions pruned an hour after their last connect.
    const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 60_000 };
    const [a, b] = (await cluster(2, quiet)) as [RedisEngine, RedisEngine];
    const redis = spy();
    const heldHere = (id: string) => redis.sismember(`${a.prefix}held:${a.nodeId}`, id);
    const kept = await a.createSession();
    a.connectOpened(kept);
    const heard: unknown[] = [];
    a.listen('/heard/back', (m) => heard.push(m.data));
    await waitFor(async () => expect([await heldHere(kept), await a.hasChannel('/heard/back')]).toEqual([1, true]));
    await Promise.all([a.upkeep(), b.upkeep()]);
    await b.publish({ channel: '/heard/back', data: 1 });
    await waitFor(() => expect(heard).toEqual([1]));
    // A paused just longer than its lease: B's sweep takes it for gone, and its session's pruning
    // clock runs from A's last renewal (due an hour later).
    const [seconds] = await redis.time();
    await redis.zadd(`${a.prefix}nodes`, Number(seconds) * 1000 - 181_000, a.nodeId);
    await redis.del(`${a.prefix}lock:sweep`);
    await b.sweep(3_600_000, 1);
    expect([await heldHere(kept), await redis.zscore(`${a.prefix}sessions`, kept)]).not.toContain('inf');
    // Back, A's first write is a connect opened for a session new to it (a request handled before
    // its timer), which renews its lease: its period must not take that for "never gone".
    const fresh = await a.createSession();
    a.connectOpened(fresh);
    await waitFor(async () => expect(await heldHere(fresh)).toBe(1));
    await a.upkeep();
    await waitFor(async () => expect([await heldHere(kept), await redis.zscore(`${a.prefix}sessions`, kept)]).toEqual([1, 'inf']));
    await waitFor(async () => expect(await redis.hexists(`${a.prefix}lsn`, '/heard/back')).toBe(1));
    await b.publish({ channel: '/heard/back', data: 2 });
    await waitFor(() => expect(heard).toEqual([1, 2]));
  });

  it('[REDIS-4][SESS-3] a hold lost to a moment without Redis is sent again after the node\'s next period: the session is not pruned while the node holds its connect', async () => {
    const relay = await startRelay();
    const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
    // Through a relay the test cuts; a command fails after one reconnection attempt (REDIS-5).
    const [a] = (await cluster(1, quiet, { url: relay.url, redis: { retryStrategy: () => 50, maxRetriesPerRequest: 1 } })) as [RedisEngine];
    const redis = spy();
    const heldHere = () => redis.sismember(`${a.prefix}held:${a.nodeId}`, id);
    const id = await a.createSession();
    await a.upkeep(); // the node's lease is there: what follows is not its start
    relay.cut();
    await waitFor(() => expect(a.redisUp).toBe(false)); // so the HOLD is queued, not in flight
    a.connectOpened(id);
    await null; // its HOLD is queued (a microtask), then a read that fails with it
    await expect(a.subscriptionCount(id)).rejects.toThrow();
    relay.restore();
    await waitFor(async () => expect(await a.subscriptionCount(id)).toBe(0));
    expect(await heldHere()).toBe(0);
    await a.upkeep();
    await waitFor(async () => expect([await heldHere(), await redis.zscore(`${a.prefix}sessions`, id)]).toEqual([1, 'inf']));
  });

  it('[REDIS-4][SESS-2] a release lost to a moment without Redis is sent again at the next period: Redis does not keep the session held by a node that let it go', async () => {
    const relay = await startRelay();
    // Periods of a second; a connect's end is released once 1.5 s old (half the pruning time).
    const options = { maxInterval: 3000, sweepIntervalMs: 1000 };
    const [a] = (await cluster(1, options, { url: relay.url, redis: { retryStrategy: () => 50, maxRetriesPerRequest: 1 } })) as [RedisEngine];
    const redis = spy();
    const id = await a.createSession();
    const heldHere = () => redis.sismember(`${a.prefix}held:${a.nodeId}`, id);
    a.connectOpened(id);
    await waitFor(async () => expect(await heldHere()).toBe(1));
    a.connectClosed(id);
    relay.cut();
    await waitFor(() => expect(a.redisUp).toBe(false));
    // The period that releases it (1.5 to 2.5 s after the connect ended) comes while Redis is away.
    await new Promise((resolve) => setTimeout(resolve, 2600));
    relay.restore();
    await waitFor(async () => expect(await heldHere()).toBe(0));
  });

  it('[ENG-STREAM-8] a period\'s upkeep sends its lease, sweep, stats counts and positions as one script, and an unchanged positions hash is not written again', async () => {
    // The positions' period is the upkeep's (as with the defaults, 1 s both): written by upkeep().
    const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 1_000_000 };
    const [a] = (await cluster(1, quiet, { positionsMs: 1_000_000 })) as [RedisEngine];
    const ids = await Promise.all(Array.from({ length: 5 }, () => a.createSession()));
    await Promise.all(ids.map((id) => a.subscribe(id, '/still')));
    for (const id of ids) {
      a.connectOpened(id);
      a.watch(id, () => undefined);
    }
    const takeAll = async (): Promise<unknown[]> => (await Promise.all(ids.map((id) => a.take(id)))).flatMap(data);
    expect(await takeAll()).toEqual([]);
    await a.publish({ channel: '/still', data: 1 });
    expect(await takeAll()).toEqual(ids.map(() => 1));
    // What the clients sent, and whether the node's positions hash was written (its PEXPIRE).
    const upkeep = async (): Promise<{ sent: string[]; positions: boolean }> => {
      const m = await monitorDuring(a.prefix, () => a.upkeep());
      return { sent: m.sent, positions: m.seen.includes('pexpire') };
    };
    // Lease, sweep (with the counts for stats()) and the moved positions: one script, no ZCARD / SCARD / GET.
    expect(await upkeep()).toEqual({ sent: ['evalsha'], positions: true });
    expect(a.stats()).toEqual({ clients: 5, channels: 1, subscriptions: 5 });
    // Nothing moved since: the lease and the sweep only.
    expect(await upkeep()).toEqual({ sent: ['evalsha'], positions: false });
    await a.publish({ channel: '/still', data: 2 });
    expect(await takeAll()).toEqual(ids.map(() => 2));
    expect(await upkeep()).toEqual({ sent: ['evalsha'], positions: true });
  });

  it('[REDIS-4][SWEEP-1] a session whose connect the node holds, and a channel its sessions follow, are checked without Redis; a removal elsewhere is seen', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    const other = await b.createSession();
    await a.subscribe(id, '/held/x');
    a.connectOpened(id);
    expect(await a.take(id)).toEqual([]);
    const commands = await commandsDuring(a.prefix, async () => {
      expect(await a.hasSession(id)).toBe(true);
      expect(await a.hasChannel('/held/x')).toBe(true);
      // Not held here, not followed here: asked of Redis.
      expect(await a.hasSession(other)).toBe(true);
      expect(await a.hasChannel('/held/none')).toBe(false);
    });
    expect(commands.sort()).toEqual(['sismember', 'zscore']);
    expect(await b.destroySession(id, 'disconnect')).toBe(true);
    // The removal comes on the notification channel: from then on the held session is gone here too.
    await waitFor(async () => expect(await a.hasSession(id)).toBe(false));
    a.connectClosed(id);
  });

  it('[REDIS-4] a session whose connect ended here within the grace time is checked without Redis on its next connect; a removal elsewhere is seen', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const ids = await Promise.all(Array.from({ length: 20 }, () => a.createSession()));
    for (const id of ids) a.connectOpened(id);
    expect(await a.hasSession(ids[0]!)).toBe(true);
    // Each connect answered at its timeout, the next one's session check (as the gate asks it) before
    // it is opened: still held in Redis by this node, so no ZSCORE (the old code sent one each).
    const commands = await commandsDuring(a.prefix, async () => {
      for (const id of ids) {
        a.connectClosed(id);
        const [alive, session] = await Promise.all([a.hasSession(id), a.session(id)]);
        expect([alive, session?.clientId]).toEqual([true, id]);
        a.connectOpened(id);
      }
    });
    expect(commands.filter((c) => c === 'zscore')).toEqual([]);
    // Between two connects, disconnected through another node: answered false here at once.
    const gone = ids[0]!;
    a.connectClosed(gone);
    expect(await b.destroySession(gone, 'disconnect')).toBe(true);
    await waitFor(async () => expect(await a.hasSession(gone)).toBe(false));
    for (const id of ids.slice(1)) a.connectClosed(id);
  });

  it('[ENG-STREAM-6] takes a feed caused, in the iteration it came, need no barrier token; a take after that sends one', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/fed');
    expect(await b.take(id)).toEqual([]);
    const link = (b as unknown as { link: { publish(channel: string, text: string): Promise<unknown> } }).link;
    const publish = vi.spyOn(link, 'publish');
    const tokens = (): number => publish.mock.calls.filter(([channel, text]) => channel.includes(':sync:') && !text.startsWith('f ')).length;
    const taken: unknown[] = [];
    // As a WebSocket flow takes: on the wake, in the check phase of the same iteration.
    b.watch(id, () => setImmediate(() => void b.take(id).then((messages) => taken.push(...data(messages)))));
    await a.publish({ channel: '/fed', data: 1 });
    await waitFor(() => expect(taken).toEqual([1]));
    expect(tokens()).toBe(0);
    // Taken later (a poll, a test): the token, so it sees every publish Redis ran before it.
    await a.publish({ channel: '/fed', data: 2 });
    await waitFor(() => expect(taken).toEqual([1, 2]));
    expect(await b.take(id)).toEqual([]);
    expect(tokens()).toBe(1);
    publish.mockRestore();
  });

  it('[ENG-7][ENG-STREAM-6] the take a feed caused is answered at once; later, or behind a take still in flight, it answers nothing and the take gets it', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/now');
    expect(await b.take(id)).toEqual([]);
    let onWake = (): void => undefined;
    b.watch(id, () => onWake());
    const got: unknown[][] = [];
    // As a WebSocket flow takes: in the check phase of the iteration the feed came in.
    onWake = () => setImmediate(() => got.push(data(b.takeNow(id))));
    await a.publish({ channel: '/now', data: 1 });
    await waitFor(() => expect(got).toEqual([[1]]));
    // Taken in a later iteration (it may not have seen every publish): the asynchronous take is.
    onWake = () => setTimeout(() => got.push(data(b.takeNow(id))), 20);
    await a.publish({ channel: '/now', data: 2 });
    await waitFor(() => expect(got).toEqual([[1], []]));
    expect(data(await b.take(id))).toEqual([2]);
    // Behind a take issued first, an answer at once would overtake it (ENG-3): it answers nothing.
    const behind: Promise<Message[]>[] = [];
    onWake = () =>
      setImmediate(() => {
        behind.push(b.take(id));
        got.push(data(b.takeNow(id)));
      });
    await a.publish({ channel: '/now', data: 3 });
    await waitFor(() => expect(behind).toHaveLength(1));
    expect(data(await (behind[0] as Promise<Message[]>))).toEqual([3]);
    expect(got).toEqual([[1], [], []]);
  });

  it('[ENG-STREAM-8] a node that goes away leaves its per-stream positions: the next node gives nothing it gave again', async () => {
    const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/floor');
    a.connectOpened(id);
    const woken = vi.fn();
    a.watch(id, woken);
    for (let n = 1; n <= 3; n++) await b.publish({ channel: '/floor', data: n });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    expect(data(await a.take(id))).toEqual([1, 2, 3]);
    const redis = spy();
    // Held: its own position stays at the stamp A gave it when it attached; A's per-stream one moves.
    expect(await redis.hget(`${a.prefix}pos:${id}`, '/floor')).toMatch(/:0@\d+\./);
    await a.writePositions();
    expect(await redis.hget(`${a.prefix}np:${a.nodeId}`, '/floor')).toMatch(/:3$/);
    await a.close();
    await b.publish({ channel: '/floor', data: 4 });
    // A answers no hand-over: B uses A's per-stream position as the session's floor.
    expect(data(await b.take(id))).toEqual([4]);
  });

  it('[ENG-STREAM-7] of three nodes, only the one that had the session answers for its writes: a session taken on C, then on A after C closed, gets nothing again', async () => {
    const [a, , c] = (await cluster(3)) as [RedisEngine, RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/three');
    for (const n of [1, 2]) await a.publish({ channel: '/three', data: n });
    expect(data(await c.take(id))).toEqual([1, 2]);
    await c.close();
    await a.publish({ channel: '/three', data: 3 });
    // B never had the session: no answer of its counts for C's. C, closed, answers none: after the
    // hand-over wait A goes on from C's per-stream positions (its floor for the session).
    expect(data(await a.take(id))).toEqual([3]);
  });

  it('[ENG-STREAM-7] a claim is answered by the node that had the session alone: the same commands with 2 nodes as with 4', async () => {
    const sent: number[] = [];
    for (const n of [2, 4]) {
      const [a, b] = (await cluster(n, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
      const id = await a.createSession();
      await a.subscribe(id, '/claimed');
      await a.publish({ channel: '/claimed', data: 1 });
      expect(data(await a.take(id))).toEqual([1]);
      const monitor = await monitorDuring(a.prefix, async () => {
        expect(await b.take(id)).toEqual([]);
        // Answers from other nodes, if any were sent, would land meanwhile.
        await new Promise((r) => setTimeout(r, 100));
      });
      sent.push(monitor.sent.filter((c) => c === 'publish').length);
    }
    expect(sent[1]).toBe(sent[0]);
  });

  it('[ENG-STREAM-8] a subscribe sent while the session attaches is stamped too: the next node gives nothing again', async () => {
    const [a, b] = (await cluster(2, {}, { positionsMs: 3_600_000 })) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    a.connectOpened(id);
    const woken = vi.fn();
    a.watch(id, woken);
    // As a faye client's first connect and subscribe, sent together: the subscribe races the attach.
    const [first] = await Promise.all([a.take(id), a.subscribe(id, '/race')]);
    expect(first).toEqual([]);
    const redis = spy();
    // Stamped by A (its position then counts in A's per-stream ones), not stored bare.
    expect(await redis.hget(`${a.prefix}pos:${id}`, '/race')).toMatch(/:0@\d+\./);
    await b.publish({ channel: '/race', data: 1 });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    expect(data(await a.take(id))).toEqual([1]);
    await a.writePositions();
    await a.close();
    await b.publish({ channel: '/race', data: 2 });
    expect(data(await b.take(id))).toEqual([2]);
  });

  it('[ENG-STREAM-4] a node that goes away with deliveries it never gave out loses none of them', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/crash');
    const woken = vi.fn();
    a.watch(id, woken);
    await b.publish({ channel: '/crash', data: 1 });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    await a.close();
    await b.publish({ channel: '/crash', data: 2 });
    expect(data(await b.take(id))).toEqual([1, 2]);
  });

  it('[ENG-STREAM-5] a session whose history was trimmed while it was away is told so, once, and goes on', async () => {
    const [a] = (await cluster(1, { maxQueue: 5 }, { historySize: 5 })) as [RedisEngine];
    const id = await a.createSession();
    await a.subscribe(id, '/busy');
    await a.subscribe(id, '/quiet');
    await a.publish({ channel: '/busy', data: 'seen' });
    expect(data(await a.take(id))).toEqual(['seen']);
    await a.close();
    const b = await node(a.prefix, { maxQueue: 5 }, { historySize: 5 });
    // MAXLEN ~ trims whole stream nodes (100 entries): 300 publishes leave the first ones behind.
    for (let n = 0; n < 300; n++) await b.publish({ channel: '/busy', data: n });
    const back = await b.take(id);
    expect(back).toEqual([{ channel: UNRECOVERED_CHANNEL, data: { channels: ['/busy'], reason: 'trimmed' } }]);
    await b.publish({ channel: '/busy', data: 'after' });
    await b.publish({ channel: '/quiet', data: 'still here' });
    expect(data(await b.take(id))).toEqual(['after', 'still here']);
  });

  it('[ENG-STREAM-5] a stream Redis lost (a new epoch) is told to its sessions; what the new one holds still arrives', async () => {
    const [a, b] = (await cluster(2)) as [RedisEngine, RedisEngine];
    const attached = await a.createSession();
    const away = await a.createSession();
    for (const id of [attached, away]) await a.subscribe(id, '/lost');
    await a.publish({ channel: '/lost', data: 'before' });
    expect(data(await b.take(attached))).toEqual(['before']);
    // As a failed-over shard that had not replicated them: the stream and its epoch are gone.
    const redis = spy();
    await redis.del(`${a.prefix}{c:/lost}:m`, `${a.prefix}{c:/lost}:x`);
    await a.publish({ channel: '/lost', data: 'after' });
    const notice = { channel: UNRECOVERED_CHANNEL, data: { channels: ['/lost'], reason: 'epoch' } };
    expect(await b.take(attached)).toEqual([notice, { channel: '/lost', data: 'after' }]);
    expect(await a.take(away)).toEqual([notice, { channel: '/lost', data: 'after' }]);
    await a.publish({ channel: '/lost', data: 'next' });
    expect(data(await b.take(attached))).toEqual(['next']);
  });

  it('[ENG-STREAM-5] a stream whose offsets went back (a replica promoted without its master\'s last writes): what is published after still arrives, once', async () => {
    const [a, b, c] = (await cluster(3)) as [RedisEngine, RedisEngine, RedisEngine];
    const ahead = await a.createSession();
    const behind = await a.createSession();
    for (const id of [ahead, behind]) await a.subscribe(id, '/back');
    await a.publish({ channel: '/back', data: 'p1' });
    await a.publish({ channel: '/back', data: 'p2' });
    // Given p1 and p2 on C, then away (C closed): it stands at offset 2.
    expect(data(await c.take(behind))).toEqual(['p1', 'p2']);
    await c.close();
    for (let n = 3; n <= 5; n++) await a.publish({ channel: '/back', data: `p${n}` });
    expect(data(await b.take(ahead))).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    // As the replica promoted had it: offsets 1 and 2 only. Its next publishes take 3, 4 again.
    const redis = spy();
    const stream = `${a.prefix}{c:/back}:x`;
    const kept = await redis.xrange(stream, '1-0', '2-0');
    await redis.del(stream);
    for (const [id, fields] of kept) await redis.xadd(stream, id, ...fields);
    await redis.hset(`${a.prefix}{c:/back}:m`, 'o', 2);
    for (const n of [6, 7, 8, 9]) await a.publish({ channel: '/back', data: `p${n}` });
    const notice = { channel: UNRECOVERED_CHANNEL, data: { channels: ['/back'], reason: 'epoch' } };
    // It had p3..p5, which Redis lost: told; then everything published since, in order.
    expect(await b.take(ahead)).toEqual([notice, ...['p6', 'p7', 'p8', 'p9'].map((d) => ({ channel: '/back', data: d }))]);
    // It stood before the offsets went back: it lost nothing it had, and is not told.
    expect(data(await a.take(behind))).toEqual(['p6', 'p7', 'p8', 'p9']);
    await a.publish({ channel: '/back', data: 'p10' });
    expect(data(await b.take(ahead))).toEqual(['p10']);
    expect(data(await a.take(behind))).toEqual(['p10']);
  });
});

/** Lua's keywords and the built-in functions the scripts call: not helpers. */
const LUA_WORDS = new Set(['and', 'or', 'not', 'if', 'elseif', 'while', 'until', 'return', 'function', 'in', 'local', 'then', 'do',
  'end', 'tonumber', 'tostring', 'ipairs', 'pairs', 'unpack', 'type', 'error', 'pcall', 'next', 'select', 'assert']);

describe('Redis engine scripts', () => {
  it('[ENG-STREAM-1] each script carries the helpers it calls and no other (Redis makes each one again on every call)', () => {
    for (const s of ALL_SCRIPTS) {
      const code = s.source.replace(/--[^\n]*/g, '');
      const defined = [...code.matchAll(/local function (\w+)/g)].map((m) => m[1] as string);
      const called = new Set([...code.replace(/local function \w+/g, '').matchAll(/(?<![.:\w])([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string));
      for (const name of LUA_WORDS) called.delete(name);
      expect({ script: s.name, missing: [...called].filter((n) => !defined.includes(n)) }).toEqual({ script: s.name, missing: [] });
      expect({ script: s.name, unused: defined.filter((n) => !called.has(n)) }).toEqual({ script: s.name, unused: [] });
    }
  });
});
