// The engine contract against the Redis engine, then what only a shared engine can do: two engines
// on one prefix behave as two nodes of one cluster (SPEC: REDIS-*). Needs Redis (REDIS_URL).
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineEvent, EngineOptions } from '../src/core/engine.js';
import { RedisEngine } from '../src/redis.js';
import { ENGINE_DEFAULTS, engineContract } from './engine-contract.js';
import { lifecycleContract } from './engine-lifecycle-contract.js';
import { REDIS_URL, countKeys, deletePrefix, randomPrefix, requireRedis } from './helpers/redis.js';

const prefixes: string[] = [];
function prefix(): string {
  const p = randomPrefix();
  prefixes.push(p);
  return p;
}

beforeAll(requireRedis);
afterAll(async () => {
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

// [ENG-STREAM-1] A publish counts the subscriptions it matched, not distinct sessions.
engineContract('redis', () => new RedisEngine({ url: REDIS_URL, prefix: prefix() }), { publishCounts: 'subscriptions', overflowNotice: true });
lifecycleContract('redis', () => new RedisEngine({ url: REDIS_URL, prefix: prefix() }));

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });

describe('RedisEngine: two nodes on one prefix', () => {
  const engines: RedisEngine[] = [];
  const extra: Redis[] = [];

  async function nodes(options: Partial<EngineOptions> = {}): Promise<{ a: RedisEngine; b: RedisEngine; events: EngineEvent[]; prefix: string }> {
    const p = prefix();
    const events: EngineEvent[] = [];
    const make = (): RedisEngine => {
      const engine = new RedisEngine({ url: REDIS_URL, prefix: p });
      engine.start({ ...ENGINE_DEFAULTS, ...options, onEvent: (e) => events.push(e) });
      engines.push(engine);
      return engine;
    };
    const a = make();
    const b = make();
    await Promise.all([a.ready(), b.ready()]);
    return { a, b, events, prefix: p };
  }

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
    for (const r of extra.splice(0)) r.disconnect();
  });

  it('[REDIS-1][REDIS-6] a session made on A (with its data, as JSON) is served by B: subscribe, queue, take', async () => {
    const { a, b } = await nodes();
    const id = await a.createSession({ who: 'x' });
    expect(await b.hasSession(id)).toBe(true);
    expect(await b.sessionData(id)).toEqual({ who: 'x' });
    await b.subscribe(id, '/n/*');
    await a.publish({ channel: '/n/1', data: 1 });
    expect(await b.take(id)).toEqual([{ channel: '/n/1', data: 1 }]);
  });

  it('[REDIS-2] a watcher on A is woken by a publish on B', async () => {
    const { a, b } = await nodes();
    const id = await a.createSession();
    await a.subscribe(id, '/w');
    const woken = vi.fn();
    a.watch(id, woken);
    await b.publish({ channel: '/w', data: 'hi' });
    await waitFor(() => expect(woken).toHaveBeenCalled());
    expect((await a.take(id)).map((m) => m.data)).toEqual(['hi']);
  });

  it('[REDIS-2][ENG-STREAM-1] one publish to many subscribers is one pub/sub message, and wakes every watcher of the node it reaches', async () => {
    const { a, b, prefix: p } = await nodes();
    const spy = new Redis(REDIS_URL);
    extra.push(spy);
    const messages: string[] = [];
    spy.on('message', (_c: string, text: string) => messages.push(text));
    await spy.subscribe(`${p}{c:/many}:p`);
    const ids: string[] = [];
    const woken = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const id = await a.createSession();
      await b.subscribe(id, '/many');
      a.watch(id, () => woken.add(id));
      ids.push(id);
    }
    expect(await b.publish({ channel: '/many', data: 1 })).toBe(50);
    await waitFor(() => expect(woken.size).toBe(50));
    expect(messages).toHaveLength(1);
  });

  it('[REDIS-2] one watcher per session in the cluster: watching on B makes A let go', async () => {
    const { a, b } = await nodes();
    const id = await a.createSession();
    await a.subscribe(id, '/m');
    const atA = vi.fn();
    const atB = vi.fn();
    a.watch(id, atA);
    await a.ready();
    expect(a.watching(id)).toBe(true);
    b.watch(id, atB);
    // B's claim reaches A by notification; A checks who won and lets go.
    await waitFor(() => expect(a.watching(id)).toBe(false));
    expect(b.watching(id)).toBe(true);
    await a.publish({ channel: '/m', data: 1 });
    await waitFor(() => expect(atB).toHaveBeenCalled());
    await a.ready();
    expect(atA).not.toHaveBeenCalled();
  });

  it('[REDIS-3] a server-side listener on A sees publishes made on B, and its own once', async () => {
    const { a, b } = await nodes();
    const seen: unknown[] = [];
    a.listen('/feed/**', (m) => seen.push(m.data));
    await a.ready();
    await b.publish({ channel: '/feed/x', data: 'from-b' });
    await a.publish({ channel: '/feed/y', data: 'from-a' });
    await waitFor(() => expect([...seen].sort()).toEqual(['from-a', 'from-b']));
    await b.ready();
    await a.ready();
    expect(seen).toHaveLength(2);
  });

  it('[REDIS-4] a session that stops connecting is pruned once cluster-wide', async () => {
    const { a, b, events } = await nodes({ maxInterval: 150, sweepIntervalMs: 20 });
    const idle = await a.createSession();
    const held = await b.createSession();
    a.connectOpened(held); // held on A: A renews its lease
    await waitFor(() => expect(events.some((e) => e.type === 'session:removed' && e.clientId === idle)).toBe(true));
    expect(await b.hasSession(held)).toBe(true);
    // A goes away with the connect still held: the lease lapses and B prunes the session.
    await a.close();
    await waitFor(async () => expect(await b.hasSession(held)).toBe(false));
    const removals = events.filter((e) => e.type === 'session:removed');
    expect(removals).toEqual([
      { type: 'session:removed', clientId: idle, reason: 'pruned' },
      { type: 'session:removed', clientId: held, reason: 'pruned' },
    ]);
  });

  it('[REDIS-4][ENG-STREAM-8] a session whose connects alternate nodes stays held while either holds one', async () => {
    const { a, b } = await nodes({ maxInterval: 150, sweepIntervalMs: 20 });
    const id = await a.createSession();
    // A's connect answered, one on B answered, then one on A again within A's grace time (no new
    // hold written by A): B's release must not start the pruning clock while A holds this one.
    a.connectOpened(id);
    a.connectClosed(id);
    b.connectOpened(id);
    await waitFor(async () => expect(await b.hasSession(id)).toBe(true));
    b.connectClosed(id);
    a.connectOpened(id);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await a.hasSession(id)).toBe(true);
    a.connectClosed(id);
    await waitFor(async () => expect(await a.hasSession(id)).toBe(false));
  });

  it('[REDIS-1] removed sessions leave no keys behind', async () => {
    const { a, b, prefix: p } = await nodes({ sweepIntervalMs: 20 });
    const id = await a.createSession({ k: 1 });
    await b.subscribe(id, '/gone/x');
    await b.setAck(id, true);
    await a.publish({ channel: '/gone/x', data: 1 });
    await a.takeBatch(id, undefined);
    await a.publish({ channel: '/gone/x', data: 2 });
    await b.destroySession(id, 'disconnect');
    await waitFor(async () => expect(await a.hasChannel('/gone')).toBe(false));
    const redis = new Redis(REDIS_URL);
    extra.push(redis);
    const keys = await redis.keys(`${p}*`);
    // What is left is per node, not per session: the live nodes' leases and per-stream positions
    // (ENG-STREAM-8); and per ack turn, expiring: the turn counter and the turn's positions (ENG-STREAM-9).
    const perNode = (k: string): boolean => k === `${p}nodes` || k.startsWith(`${p}np:`);
    const turns = keys.filter((k) => k.startsWith(`${p}t:`));
    expect(turns).toHaveLength(1);
    for (const k of turns) expect(await redis.pttl(k)).toBeGreaterThan(0);
    const perTurn = (k: string): boolean => k === `${p}turn` || turns.includes(k);
    expect(keys.filter((k) => !k.endsWith('nsubs') && !k.endsWith('lock:sweep') && !perNode(k) && !perTurn(k))).toEqual([]);
    expect(await redis.get(`${p}nsubs`)).toBe('0');
  });

  it('[REDIS-7][ENG-STREAM-6] takes issued in one turn are one script call, and each session gets its own deliveries', async () => {
    const { a, b } = await nodes();
    const ids = await Promise.all(Array.from({ length: 50 }, () => a.createSession()));
    await Promise.all(ids.map((id, i) => a.subscribe(id, i % 2 === 0 ? '/even' : '/odd')));
    // Attached to B first (one script each); from then on B's feeds bring their publishes.
    expect(await Promise.all(ids.map((id) => b.take(id)))).toEqual(ids.map(() => []));
    await a.publish({ channel: '/even', data: 'e1' });
    await a.publish({ channel: '/odd', data: 'o1' });
    await a.publish({ channel: '/even', data: 'e2' });
    // Sessions with deliver()ed messages: their queues are read (and positions written) by the one script.
    for (const id of ids.slice(0, 5)) await a.deliver(id, [{ channel: '/service/x', data: 'q' }]);
    const cmd = (b as unknown as { link: { cmd: { evalsha: (...args: unknown[]) => unknown } } }).link.cmd;
    const evalsha = vi.spyOn(cmd, 'evalsha');
    // Every session twice in the same turn: the second take gets what came since (nothing).
    const taken = await Promise.all([...ids, ...ids].map((id) => b.take(id)));
    expect(evalsha).toHaveBeenCalledTimes(1);
    evalsha.mockRestore();
    ids.forEach((_, i) => {
      const queued = i < 5 ? ['q'] : [];
      expect(taken[i]?.map((m) => m.data)).toEqual([...queued, ...(i % 2 === 0 ? ['e1', 'e2'] : ['o1'])]);
      expect(taken[ids.length + i]).toEqual([]);
    });
    expect(await a.take(ids[0] as string)).toEqual([]);
  });
});

describe('RedisEngine without Redis', () => {
  it('[REDIS-5] ready() rejects with a clear message when Redis cannot be reached', async () => {
    const engine = new RedisEngine({ url: 'redis://127.0.0.1:1', prefix: randomPrefix(), redis: { retryStrategy: () => null } });
    engine.start({ maxInterval: 1000, interval: 0, sweepIntervalMs: 60_000, maxQueue: 10, maxQueueBytes: 1000, overflow: 'drop-oldest', onEvent: () => {} });
    await expect(engine.ready()).rejects.toThrow(/RedisEngine: cannot use Redis/);
    await engine.close();
  });
});

it('cleanup: test prefixes are removed', async () => {
  const p = prefix();
  const engine = new RedisEngine({ url: REDIS_URL, prefix: p });
  engine.start({ maxInterval: 1000, interval: 0, sweepIntervalMs: 60_000, maxQueue: 10, maxQueueBytes: 1000, overflow: 'drop-oldest', onEvent: () => {} });
  await engine.ready();
  await engine.createSession();
  await engine.close();
  expect(await countKeys(p)).toBeGreaterThan(0);
  await deletePrefix(p);
  expect(await countKeys(p)).toBe(0);
});
