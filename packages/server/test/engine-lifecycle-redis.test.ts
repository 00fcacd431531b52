// Lifecycle events across two RedisEngines on one prefix, as two nodes of a cluster (SPEC: LIFE-1..5):
// "first" and "last" are decided once in Redis, and every node hears every event. Needs Redis.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineOptions, LifecycleEvent } from '../src/core/engine.js';
import { RedisEngine } from '../src/redis.js';
import { ENGINE_DEFAULTS } from './engine-contract.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from './helpers/redis.js';
import { startRelay } from './helpers/relay.js';

const prefixes: string[] = [];
const engines: RedisEngine[] = [];
beforeAll(requireRedis);
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });

interface Node {
  engine: RedisEngine;
  life: LifecycleEvent[];
}

async function nodes(
  options: Partial<EngineOptions> = {},
  onLifecycle: (node: 'a' | 'b', e: LifecycleEvent) => Promise<void> | void = () => {},
): Promise<{ a: Node; b: Node }> {
  const prefix = randomPrefix();
  prefixes.push(prefix);
  const make = (name: 'a' | 'b'): Node => {
    const engine = new RedisEngine({ url: REDIS_URL, prefix });
    const life: LifecycleEvent[] = [];
    engine.start({
      ...ENGINE_DEFAULTS,
      ...options,
      onEvent: () => {},
      onLifecycle: (e) => {
        life.push(e);
        return onLifecycle(name, e);
      },
    });
    engines.push(engine);
    return { engine, life };
  };
  const a = make('a');
  const b = make('b');
  await Promise.all([a.engine.ready(), b.engine.ready()]);
  return { a, b };
}

const channelOf = (e: LifecycleEvent): string | undefined => ('channel' in e ? e.channel : undefined);
const ofType = (life: LifecycleEvent[], type: LifecycleEvent['type']): LifecycleEvent[] => life.filter((e) => e.type === type);

describe('RedisEngine lifecycle: two nodes on one prefix', () => {
  it('[LIFE-1] 20 sessions subscribing at once on both nodes: one occupied, heard once by each node, local on one', async () => {
    const { a, b } = await nodes();
    const ids = await Promise.all([...Array(20).keys()].map((i) => a.engine.createSession({ n: i })));
    await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).engine.subscribe(id, '/rooms/x/doc')));
    await waitFor(() => {
      expect(ofType(a.life, 'occupied')).toHaveLength(1);
      expect(ofType(b.life, 'occupied')).toHaveLength(1);
    });
    const [atA, atB] = [ofType(a.life, 'occupied')[0]!, ofType(b.life, 'occupied')[0]!];
    expect({ ...atA, local: true }).toEqual({ ...atB, local: true });
    expect([atA.local, atB.local].sort()).toEqual([false, true]);

    await Promise.all(ids.map((id, i) => (i % 2 === 0 ? b : a).engine.unsubscribe(id, '/rooms/x/doc')));
    await waitFor(() => {
      expect(ofType(a.life, 'vacated')).toHaveLength(1);
      expect(ofType(b.life, 'vacated')).toHaveLength(1);
    });
    expect([ofType(a.life, 'vacated')[0]!.local, ofType(b.life, 'vacated')[0]!.local].sort()).toEqual([false, true]);
    // Nothing more arrives late: each node heard each change exactly once.
    await a.engine.ready();
    await b.engine.ready();
    expect(a.life).toHaveLength(2);
    expect(b.life).toHaveLength(2);
  });

  it('[LIFE-3][LIFE-4] a session removed on A: B hears its removal (with data and reason) and the channel vacated', async () => {
    const { a, b } = await nodes();
    const id = await a.engine.createSession({ user: 'ada' });
    await b.engine.subscribe(id, '/rooms/y/presence');
    await a.engine.destroySession(id, 'policy');
    await waitFor(() =>
      expect(b.life).toEqual([
        { type: 'occupied', channel: '/rooms/y/presence', clientId: id, data: { user: 'ada' }, local: true },
        { type: 'removed', clientId: id, data: { user: 'ada' }, reason: 'policy', local: false },
        { type: 'vacated', channel: '/rooms/y/presence', clientId: id, data: { user: 'ada' }, reason: 'policy', local: false },
      ]),
    );
    expect(a.life.map((e) => [e.type, e.local])).toEqual([
      ['occupied', false],
      ['removed', true],
      ['vacated', true],
    ]);
  });

  it('[LIFE-4] a session pruned by whichever node sweeps: both nodes hear it once, reason pruned', async () => {
    const { a, b } = await nodes({ maxInterval: 200, sweepIntervalMs: 20 });
    const id = await a.engine.createSession({ user: 'gone' });
    const removed = { type: 'removed', clientId: id, data: { user: 'gone' }, reason: 'pruned' };
    await waitFor(() => {
      expect(ofType(a.life, 'removed')).toEqual([expect.objectContaining(removed)]);
      expect(ofType(b.life, 'removed')).toEqual([expect.objectContaining(removed)]);
    });
    expect([ofType(a.life, 'removed')[0]!.local, ofType(b.life, 'removed')[0]!.local].sort()).toEqual([false, true]);
  });

  it('[LIFE-5] subscribers and session agree on both nodes', async () => {
    const { a, b } = await nodes();
    const ada = await a.engine.createSession({ user: 'ada' });
    const bob = await b.engine.createSession({ user: 'bob' });
    await a.engine.subscribe(ada, '/rooms/z/doc');
    await b.engine.subscribe(bob, '/rooms/z/doc');
    const sorted = async (node: Node) =>
      (await node.engine.subscribers('/rooms/z/doc')).sort((x, y) => x.clientId.localeCompare(y.clientId));
    expect(await sorted(a)).toEqual(await sorted(b));
    expect((await sorted(a)).map((s) => s.data)).toEqual(expect.arrayContaining([{ user: 'ada' }, { user: 'bob' }]));
    expect(await b.engine.session(ada)).toEqual({ clientId: ada, data: { user: 'ada' } });
    // A's cache of bob's data goes when bob is removed on B (the removal notification).
    expect(await a.engine.session(bob)).toEqual({ clientId: bob, data: { user: 'bob' } });
    await b.engine.destroySession(bob, 'disconnect');
    await waitFor(async () => expect(await a.engine.session(bob)).toBeUndefined());
  });

  it('[LIFE-8] a node that starts later hears nothing from before and reconciles with subscribers()', async () => {
    const { a } = await nodes();
    const id = await a.engine.createSession({ user: 'early' });
    await a.engine.subscribe(id, '/rooms/v/doc');
    const late = new RedisEngine({ url: REDIS_URL, prefix: a.engine.prefix });
    const heard: LifecycleEvent[] = [];
    late.start({ ...ENGINE_DEFAULTS, onEvent: () => {}, onLifecycle: (e) => void heard.push(e) });
    engines.push(late);
    await late.ready();
    expect(await late.subscribers('/rooms/v/doc')).toEqual([{ clientId: id, data: { user: 'early' } }]);
    // From now on it hears every change, once.
    await a.engine.unsubscribe(id, '/rooms/v/doc');
    await waitFor(() => expect(heard.map((e) => [e.type, e.local])).toEqual([['vacated', false]]));
    expect(heard).toHaveLength(1);
  });

  it('[LIFE-8] a node cut off from Redis misses what others did meanwhile (subscribers() tells it), and its own events go when Redis is back', async () => {
    const { b } = await nodes();
    const relay = await startRelay();
    const a = new RedisEngine({ url: relay.url, prefix: b.engine.prefix, redis: { retryStrategy: () => 20 } });
    const heard: LifecycleEvent[] = [];
    a.start({ ...ENGINE_DEFAULTS, onEvent: () => {}, onLifecycle: (e) => void heard.push(e) });
    engines.push(a);
    await a.ready();
    const early = await b.engine.createSession({ user: 'early' });
    const late = await b.engine.createSession({ user: 'late' });

    relay.cut();
    await b.engine.subscribe(early, '/rooms/missed/doc'); // A's notification connection is down
    const own = a.subscribe(late, '/rooms/own/doc'); // waits in A's offline queue
    relay.restore();
    expect(await own).toBe('added');
    expect(heard.map((e) => [e.type, channelOf(e), e.local])).toEqual([['occupied', '/rooms/own/doc', true]]);
    await waitFor(() => expect(ofType(b.life, 'occupied').map(channelOf)).toContain('/rooms/own/doc'));
    // Not replayed: A reconciles with the shared state instead.
    await a.ready();
    expect(heard.map(channelOf)).not.toContain('/rooms/missed/doc');
    expect(await a.subscribers('/rooms/missed/doc')).toEqual([{ clientId: early, data: { user: 'early' } }]);
  });

  it('[LIFE-2] an occupied handler that throws on the other node is logged there; the subscribe stands', async () => {
    const { a, b } = await nodes({}, (node, e) => {
      if (node === 'b' && e.type === 'occupied') throw new Error('b cannot load it');
    });
    const id = await a.engine.createSession();
    expect(await a.engine.subscribe(id, '/rooms/w/doc')).toBe('added');
    await waitFor(() => expect(ofType(b.life, 'occupied')).toHaveLength(1));
    expect(await b.engine.subscribers('/rooms/w/doc')).toEqual([{ clientId: id, data: undefined }]);
  });
});
