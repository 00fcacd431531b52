// The Redis engine on a real Redis Cluster (issue 15; SPEC: REDIS-8, REDIS-9, REDIS-10, ENG-STREAM-11): the engine
// contracts on the local three-master cluster (`bash scripts/ensure-services.sh`), then two engines
// as two nodes, with channels whose streams are on different masters, and a wildcard subscription
// whose channels are spread over the shards. Fails (saying what to start) when the cluster is down.
import { type Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Message } from '@kuiper/protocol';
import type { EngineOptions } from '../src/core/engine.js';
import { keySlot } from '../src/engines/redis/keyslot.js';
import { READ_STREAM } from '../src/engines/redis/scripts.js';
import { RedisEngine } from '../src/redis.js';
import { ENGINE_DEFAULTS, engineContract } from './engine-contract.js';
import { lifecycleContract } from './engine-lifecycle-contract.js';
import { REDIS_URL, deletePrefix } from './helpers/redis.js';
import { REDIS_CLUSTER_NODES, clusterClient, clusterPrefix, deleteClusterPrefix, requireRedisCluster } from './helpers/redis-cluster.js';

const prefixes: string[] = [];
function prefix(): string {
  const p = clusterPrefix();
  prefixes.push(p);
  return p;
}
const onCluster = (p: string): RedisEngine => new RedisEngine({ cluster: REDIS_CLUSTER_NODES, prefix: p });

let admin: Cluster;
beforeAll(async () => {
  await requireRedisCluster();
  admin = clusterClient({ lazyConnect: true });
  await admin.connect();
});
afterAll(async () => {
  admin?.disconnect();
  for (const p of prefixes.splice(0)) await deleteClusterPrefix(p);
});

// [REDIS-8] Everything the engine promises on one Redis, on the cluster.
engineContract('redis cluster', () => onCluster(prefix()), { publishCounts: 'subscriptions', overflowNotice: true });
lifecycleContract('redis cluster', () => onCluster(prefix()));

const waitFor = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 5000, interval: 10 });
const data = (messages: Message[]): unknown[] => messages.map((m) => m.data);

/** The master (host:port) serving `key`'s slot, from the cluster's own answers (CLUSTER KEYSLOT, CLUSTER SLOTS). */
async function ownerOf(key: string): Promise<string> {
  const slot = await admin.cluster('KEYSLOT', key);
  const ranges = await admin.cluster('SLOTS');
  const master = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
  if (!master) throw new Error(`no master serves slot ${slot}`);
  return `${master[0]}:${master[1]}`;
}

/** `count` channels `<base><i>` whose streams are on `count` different masters (the first found). */
async function channelsOnShards(p: string, base: string, count: number): Promise<string[]> {
  const owners = new Map<string, string>();
  for (let i = 0; owners.size < count && i < 500; i++) {
    const channel = `${base}${i}`;
    const owner = await ownerOf(`${p}{c:${channel}}:x`);
    if (!owners.has(owner)) owners.set(owner, channel);
  }
  expect(owners.size).toBe(count);
  return [...owners.values()];
}

it('[REDIS-10] the barrier computes key slots as the cluster does (CLUSTER KEYSLOT)', async () => {
  const keys = ['plain', 'a{b}c', 'a{}b{c}', '{c:/chat/1}:x', 'kuiper:{kuiper:}sessions', '{b17}:sync:n', 'é{ü/ß}', '{', 'x}{y'];
  for (const key of keys) expect(keySlot(key), key).toBe(await admin.cluster('KEYSLOT', key));
});

describe('RedisEngine on a Redis Cluster: two nodes', () => {
  const engines: RedisEngine[] = [];
  async function nodes(options: Partial<EngineOptions> = {}): Promise<{ a: RedisEngine; b: RedisEngine; p: string }> {
    const p = prefix();
    const [a, b] = [onCluster(p), onCluster(p)];
    for (const e of [a, b]) {
      e.start({ ...ENGINE_DEFAULTS, ...options, onEvent: () => undefined });
      engines.push(e);
    }
    await Promise.all([a.ready(), b.ready()]);
    return { a, b, p };
  }
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });

  it('[REDIS-8] the control keys share one slot; each stream is in its own, spread over the masters', async () => {
    const { a, p } = await nodes();
    const channels = await channelsOnShards(p, '/spread/', 3);
    const id = await a.createSession();
    for (const c of channels) await a.subscribe(id, c);
    for (const c of channels) await a.publish({ channel: c, data: c });
    // The streams exist, each on a different master; the session's keys on the control slot's master.
    const streamOwners = await Promise.all(channels.map((c) => ownerOf(`${p}{c:${c}}:x`)));
    expect(new Set(streamOwners).size).toBe(3);
    for (const c of channels) expect(await admin.xlen(`${p}{c:${c}}:x`)).toBe(1);
    const control = [`sessions`, `s:${id}`, `subs:${id}`, `pos:${id}`, `chan:${channels[0]}`, 'channels'];
    const slots = await Promise.all(control.map((k) => admin.cluster('KEYSLOT', `${a.controlBase}${k}`)));
    expect(new Set(slots).size).toBe(1);
    expect(await admin.zscore(`${a.controlBase}sessions`, id)).not.toBeNull();
  });

  it('[REDIS-9][REDIS-10] a session on B gets what A publishes to channels on three masters, each in order', async () => {
    const { a, b, p } = await nodes();
    const channels = await channelsOnShards(p, '/x/', 3);
    const id = await a.createSession();
    for (const c of channels) await b.subscribe(id, c);
    expect(await b.take(id)).toEqual([]);
    const woken = vi.fn();
    b.watch(id, woken);
    for (let i = 0; i < 3; i++) for (const c of channels) expect(await a.publish({ channel: c, data: `${c}:${i}` })).toBe(1);
    await waitFor(() => expect(woken).toHaveBeenCalled());
    // The take's barrier passes every master: all nine are there, without waiting for more.
    const taken = await b.take(id);
    for (const c of channels) expect(data(taken.filter((m) => m.channel === c))).toEqual([0, 1, 2].map((i) => `${c}:${i}`));
    expect(taken).toHaveLength(9);
    // Published on A, taken on B straight after: no wake-up waited for, the barrier alone.
    for (const c of channels) await a.publish({ channel: c, data: `${c}:3` });
    expect(data(await b.take(id)).sort()).toEqual(channels.map((c) => `${c}:3`).sort());
    expect(await b.take(id)).toEqual([]);
  });

  it('[REDIS-10] a take sends its barrier token only to the masters of its streams and of the control slot', async () => {
    const { a, b, p } = await nodes();
    const control = await ownerOf(`${a.controlBase}sessions`);
    const owners = await Promise.all((await channelsOnShards(p, '/only/', 3)).map(async (c) => [c, await ownerOf(`${p}{c:${c}}:x`)] as const));
    const [only, master] = owners.find(([, owner]) => owner !== control) ?? ['', ''];
    const id = await a.createSession();
    await a.subscribe(id, only);
    expect(await b.take(id)).toEqual([]);
    const link = (b as unknown as { link: { publish(channel: string, text: string): Promise<unknown> } }).link;
    const publish = vi.spyOn(link, 'publish');
    await a.publish({ channel: only, data: 1 });
    // A deliver() on A, taken on B straight after: its wake-up comes from the control slot's master.
    await a.deliver(id, [{ channel: '/service/direct', data: 'd' }]);
    // In an event-loop turn of its own: had the feed of 1 reached B in this one, the take would be
    // one that feed woke, given without a barrier (ENG-STREAM-6), and send no token.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(data(await b.take(id)).sort()).toEqual([1, 'd'].sort());
    const tokens = publish.mock.calls.map(([channel]) => channel).filter((channel) => channel.includes(':sync:'));
    publish.mockRestore();
    expect((await Promise.all(tokens.map(ownerOf))).sort()).toEqual([control, master].sort());
  });

  it('[REDIS-9] a wildcard subscription gets channels whose own streams are on different masters', async () => {
    const { a, b, p } = await nodes();
    const channels = await channelsOnShards(p, '/w/', 3);
    const id = await b.createSession();
    await b.subscribe(id, '/w/*');
    await b.subscribe(id, channels[0] as string);
    for (const c of channels) await a.publish({ channel: c, data: c });
    const taken = await b.take(id);
    // The pattern's stream holds all three; the first channel, on two subscriptions (two streams on
    // two masters), still comes once.
    expect(data(taken).sort()).toEqual([...channels].sort());
    expect(await admin.xlen(`${p}{c:/w/*}:x`)).toBe(3);
  });

  it('[REDIS-5][REDIS-10] a node whose sharded subscribers were cut reads what it missed once they are back', async () => {
    const p = prefix();
    const name = `h${Math.random().toString(36).slice(2)}`;
    const a = onCluster(p);
    const b = new RedisEngine({ cluster: REDIS_CLUSTER_NODES, prefix: p, clusterOptions: { redisOptions: { connectionName: name } } });
    for (const e of [a, b]) {
      e.start({ ...ENGINE_DEFAULTS, onEvent: () => undefined });
      engines.push(e);
    }
    await Promise.all([a.ready(), b.ready()]);
    const channels = await channelsOnShards(p, '/cut/', 3);
    const id = await a.createSession();
    for (const c of channels) await a.subscribe(id, c);
    expect(await b.take(id)).toEqual([]);
    // Every sharded subscriber connection of B, on every master, is closed by Redis.
    let cut = 0;
    for (const master of admin.nodes('master')) {
      const clients = String(await master.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).split('\n');
      for (const line of clients.filter((l) => l.includes(`name=ioredis-cluster(ssubscriber):${name}`))) {
        cut += Number(await master.client('KILL', 'ID', /\bid=(\d+)/.exec(line)?.[1] ?? '0'));
      }
    }
    expect(cut).toBe(3);
    for (const c of channels) await a.publish({ channel: c, data: c });
    // Some reach B live (its subscriber for that master was back already), the others are read again.
    const got: unknown[] = [];
    await waitFor(async () => {
      got.push(...data(await b.take(id)));
      expect([...got].sort()).toEqual([...channels].sort());
    });
  });

  it('[REDIS-9][SWEEP-1] a swept channel\'s stream keys, in their own slot, go with it once no subscribe read them for a lease', async () => {
    // Sweeps every 20 ms; a node's lease is then 1 s.
    const { a, p } = await nodes({ sweepIntervalMs: 20 });
    const id = await a.createSession();
    await a.subscribe(id, '/swept');
    await a.publish({ channel: '/swept', data: 1 });
    const keys = [`${p}{c:/swept}:m`, `${p}{c:/swept}:x`];
    expect(await admin.exists(...keys)).toBe(2);
    await a.destroySession(id, 'disconnect');
    // The streams are deleted first, then the channel forgotten (a second call): once it is
    // forgotten, its keys are gone. Waiting on the keys alone raced that second call.
    await waitFor(async () => expect(await a.hasChannel('/swept')).toBe(false));
    expect(await admin.exists(...keys)).toBe(0);
  });

  it('[REDIS-9] a subscribe that read the stream\'s head before a sweep found its channel unused keeps that stream: no loss notice, the next publish comes', async () => {
    // No periodic sweep: only the one run between the subscribe's two steps.
    const quiet = { maxInterval: 3_600_000, sweepIntervalMs: 3_600_000 };
    const p = prefix();
    const [a, b] = [onCluster(p), onCluster(p)];
    const removed: string[] = [];
    a.start({ ...ENGINE_DEFAULTS, ...quiet, onEvent: () => undefined });
    b.start({ ...ENGINE_DEFAULTS, ...quiet, onEvent: (e) => void (e.type === 'channel:removed' && removed.push(e.channel)) });
    engines.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
    const first = await a.createSession();
    await a.subscribe(first, '/race');
    await a.publish({ channel: '/race', data: 0 });
    await a.destroySession(first, 'disconnect');
    // The subscribe reads the head (the stream's master), B sweeps (the channel has no subscriber),
    // then the subscribe's SUBSCRIBE (the control slot's master) stores its position in that stream.
    const link = (e: RedisEngine) => (e as unknown as { link: { runStream(script: { name: string }, pattern: string, args: unknown[]): Promise<unknown> } }).link;
    const runStream = link(a).runStream.bind(link(a));
    const between = vi.spyOn(link(a), 'runStream').mockImplementation(async (script, pattern, args) => {
      const r = await runStream(script, pattern, args);
      if (script.name === 'streamHead') await b.sweep(3_600_000, 1);
      return r;
    });
    const drops = vi.spyOn(link(b), 'runStream');
    const id = await a.createSession();
    await a.subscribe(id, '/race');
    between.mockRestore();
    // B's sweep found the channel unused, but kept its stream, and so the channel (no event).
    expect(drops).toHaveBeenCalledWith(expect.objectContaining({ name: 'dropStream' }), '/race', expect.anything());
    expect(await admin.exists(`${p}{c:/race}:m`, `${p}{c:/race}:x`)).toBe(2);
    expect(removed).toEqual([]);
    await b.publish({ channel: '/race', data: 1 });
    const got: unknown[] = [];
    await waitFor(async () => {
      got.push(...data(await a.take(id)));
      expect(got.length).toBeGreaterThan(0);
    });
    expect(got).toEqual([1]);
  });

  it('[ENG-STREAM-12] a read that only names the publishes at a position does not make a stream swept meanwhile again', async () => {
    const { a, p } = await nodes();
    const link = (a as unknown as { link: { runStream(script: unknown, pattern: string, args: unknown[]): Promise<unknown> } }).link;
    const key = `${p}{c:/gone/*}:m`;
    // As nameGone reads a pattern the session left: no entries taken, the last 128 ids named.
    const r = (await link.runStream(READ_STREAM, '/gone/*', ['/gone/*', 'e1', 5, 0, 'e2', '', '', 128])) as unknown[];
    expect(r[2]).toBe('epoch');
    expect(await admin.exists(key)).toBe(0);
    // A read that takes entries makes it (and tells the session of the loss): ENG-STREAM-5.
    await link.runStream(READ_STREAM, '/gone/*', ['/gone/*', 'e1', 5, 10, 'e2', '', '', '']);
    expect(await admin.exists(key)).toBe(1);
  });

  it.each(['Cluster', 'Redis'] as const)('[REDIS-8] an engine made from an ioredis %s client duplicates it and leaves it open', async (kind) => {
    const given = kind === 'Cluster' ? admin : new Redis(REDIS_URL);
    const p = prefix();
    const engine = new RedisEngine({ client: given, prefix: p });
    engine.start({ ...ENGINE_DEFAULTS, onEvent: () => undefined });
    engines.push(engine);
    await engine.ready();
    const id = await engine.createSession();
    await engine.subscribe(id, '/given');
    await engine.publish({ channel: '/given', data: 1 });
    expect(data(await engine.take(id))).toEqual([1]);
    await engine.close();
    expect(given.status).toBe('ready');
    if (given !== admin) {
      await deletePrefix(p);
      given.disconnect();
    }
  });

  it('[REDIS-9][ENG-STREAM-4] a session moving between nodes takes each delivery once (long-polling alternating nodes)', async () => {
    const { a, b } = await nodes();
    const id = await a.createSession();
    await a.subscribe(id, '/move');
    const got: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      await (i % 2 ? a : b).publish({ channel: '/move', data: i });
      got.push(...data(await (i % 2 ? b : a).take(id)));
    }
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
  });

  /**
   * Holds back the control slot's notices about `clientId` on `node` by `ms`: that master's pub/sub
   * later than a stream master's, as a busy control master makes it.
   */
  function lateNotices(node: RedisEngine, clientId: string, ms: number): void {
    const n = node as unknown as { received(channel: string, text: string): void };
    const received = n.received.bind(node);
    n.received = (channel, text) => {
      if (channel.endsWith('wake') && text.includes(`+${clientId}`)) setTimeout(() => received(channel, text), ms);
      else received(channel, text);
    };
  }

  // The node serving the session learns of a subscription change from the control slot's master, and
  // a stream's publishes come from the stream's own: two connections with no common order.
  it('[ENG-STREAM-11] unsubscribed through B: A, serving the session, gives nothing published after, even before the control slot tells it', async () => {
    const { a, b, p } = await nodes();
    const control = await ownerOf(`${a.controlBase}sessions`);
    let channel = '';
    for (let i = 0; channel === '' && i < 200; i++) if ((await ownerOf(`${p}{c:/late/${i}}:x`)) !== control) channel = `/late/${i}`;
    const s = await a.createSession();
    await a.subscribe(s, channel);
    // Another subscriber keeps the channel's stream fed after the session leaves it.
    const other = await b.createSession();
    await b.subscribe(other, channel);
    // Served by A as a connection's flow is: each wake-up takes what the feed brought, at once.
    expect(await a.take(s)).toEqual([]);
    const got: unknown[] = [];
    a.watch(s, function taken() {
      got.push(...data(a.takeNow(s)));
      a.watch(s, taken);
    });
    await b.publish({ channel, data: 0 });
    await waitFor(() => expect(got).toEqual([0]));
    lateNotices(a, s, 400);
    expect(await b.unsubscribe(s, channel)).toBe(true);
    for (const n of [1, 2, 3]) await b.publish({ channel, data: n });
    // The notice has come and gone: A knows the session left, and gave nothing published after.
    await new Promise((resolve) => setTimeout(resolve, 700));
    got.push(...data(await a.take(s)));
    expect(got).toEqual([0]);
    const theirs: unknown[] = [];
    await waitFor(async () => {
      theirs.push(...data(await b.take(other)));
      expect(theirs).toEqual([0, 1, 2, 3]);
    });
  });
});
