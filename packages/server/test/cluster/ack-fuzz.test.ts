// Seeded random traffic of sessions whose requests go to a random node (SPEC: REDIS-1, ACK-2,
// ACK-4, ENG-STREAM-4, ENG-STREAM-10, ENG-STREAM-11): publishes on either node (server-side and from
// a client), subscribes and unsubscribes to channels and a wildcard over them, and subscribes again
// to what was left (each sent to a random node, wherever the session's connects go), immediate and
// held connects. Three sessions are in ack mode, and a fifth of their connect replies are lost on the
// way (the client acknowledges only what it saw); one is not, and loses none (without ack a lost
// reply is lost messages). What each session's application gets is checked against what was
// published: once, in order per channel, nothing it was not subscribed to, and everything published
// while it held one subscription through to the end. The same traffic runs on the memory engine
// (one node), on one Redis and on the local Redis Cluster (two nodes each, and three).
// A failure names its seed and ends with the session's last steps; FUZZ_SEED replays one seed,
// FUZZ_RUNS runs that many.
// Found by this traffic and fixed (ENG-STREAM-11): a publish made just after an unsubscribe through
// another node than the one serving the session, given by that node; after subscribing again to a
// channel swept meanwhile, an epoch notice and publishes made while not subscribed (an ack record
// of the old subscription taken over the new one). Before the fix, 2 of 30 runs of this traffic
// failed on one Redis and 2 of 30 on the Redis Cluster. Also fixed (ENG-STREAM-11): one channel's
// publishes reaching a session through two of its streams (a wildcard's and the channel's) out of
// order while one of them was being read (just attached or subscribed).
// On a Redis Cluster the wildcard's stream lives on another master than the channel's, with no
// common order: the cluster runs the traffic twice, with channels only (checking order per channel)
// and with the wildcard (checking once and nothing missing, not order). Of the wildcard runs, 6 of
// 60 (seeds 11-70) gave a publish twice and 1 an epoch notice on the engine before ENG-STREAM-10; with
// subscription changes through any node, 5 to 7 of 30 (seeds 11-40) a publish twice; with ENG-STREAM-12's reads,
// 4 of 180 (seeds 11-190), each an ack session acknowledging on the other node a batch given
// through a pattern it had unsubscribed; with the gone pattern named there too, 0 of 180, none
// missing in any; then 3 failures in 360 runs of two other kinds (an epoch notice after a sweep's
// stream delete raced a subscribe; a publish given again by a subscription made again at once),
// both fixed (REDIS-9): 359 of 360 on 8160f0a, the one left seed 327's own check below (it lost 5
// replies, not more). FUZZ_ORDER=1 checks order per channel with the wildcard too (not promised there;
// 120 of 120 runs of seeds 11-130 in order on 2c5f240).
// With three nodes (ENG-STREAM-7), before the fix, 28 of 30 runs on one Redis gave the session
// without ack publishes again: on a claim, every node that had once let the session go wrote what
// it still kept of it, over the positions the node it was claimed from had just handed over. Now
// only that node writes and answers: 30 of 30 on one Redis, 20 of 20 on the Redis Cluster.
import { describe, expect, it } from 'vitest';
import { ackHandshake, rawHandshake, bayeux, cleanup, connectMessage, immediateConnect, msgId, replyTo, type WireMessage } from '@kuiper/testkit';
import { seeded } from '../hardening/support.js';
import { startServer, type StartedServer } from '../helpers/server.js';
import { startCluster } from './cluster.js';

const CHANNELS = ['/fz/a', '/fz/b', '/fz/c'] as const;
const WITH_WILDCARD: readonly string[] = [...CHANNELS, '/fz/*'];
/** Sessions in ack mode; one more is not. */
const ACK_SESSIONS = 3;
const STEPS = 220;
const SEEDS = process.env['FUZZ_SEED']
  ? [Number(process.env['FUZZ_SEED'])]
  : Array.from({ length: Number(process.env['FUZZ_RUNS'] ?? 3) }, (_, i) => 11 + i);

/** Held connects end after 250 ms with nothing to deliver, so the traffic keeps moving. */
const OPTIONS = { timeout: 250 };

const matches = (pattern: string, channel: string): boolean => pattern === channel || (pattern === '/fz/*' && channel.startsWith('/fz/'));

interface Session {
  id: string;
  /** In ack mode (ACK-1); a session that is not loses no reply. */
  ack: boolean;
  /** The last batch number the client saw (what its next connect acknowledges). */
  acked: number | undefined;
  /** Active subscriptions, each with the publishes made per channel when it began. */
  subs: Map<string, Map<string, number>>;
  /** What the application got, per channel: the publish numbers. */
  got: Map<string, number[]>;
  /** Publish numbers per channel it may get (it held a matching subscription when they were made). */
  allowed: Map<string, Set<number>>;
  unrecovered: unknown[];
  /** What happened to it, for a failure's message. */
  log: string[];
}

interface Traffic {
  nodes: StartedServer[];
  next: () => number;
  sessions: Session[];
  /** Publishes made per channel so far (publish n carries { n }). */
  published: Map<string, number>;
  publisher: string;
  lost: number;
  /** What sessions subscribe to. */
  patterns: readonly string[];
}

const pick = <T,>(t: Traffic, items: readonly T[]): T => items[Math.floor(t.next() * items.length)] as T;

/**
 * One connect, immediate or held (until a delivery, or the servers' short timeout); when `lose`, the
 * reply never reaches the client. Returns how many deliveries it carried.
 */
async function connect(t: Traffic, s: Session, node: StartedServer, lose: boolean, held = false): Promise<number> {
  const c = { ...(held ? connectMessage(s.id) : immediateConnect(s.id)), ext: s.acked === undefined ? {} : { ack: s.acked } };
  const replies = await bayeux(node.url, [c]);
  const reply = replyTo(replies, c.id);
  expect(reply.successful, JSON.stringify(reply)).toBe(true);
  const deliveries = replies.filter((m) => m.id !== c.id);
  const ackOut = (reply.ext as { ack?: unknown } | undefined)?.ack;
  const seen = deliveries.map((m) => `${m.channel?.slice(4) ?? '?'}${(m.data as { n?: number } | undefined)?.n ?? JSON.stringify(m.data)}`);
  s.log.push(`${held ? 'held' : 'connect'}@${t.nodes.indexOf(node)} ack ${s.acked} -> ${String(ackOut)} [${seen.join(' ')}]${lose ? ' LOST' : ''}`);
  if (lose) {
    expect(s.ack, 'only an ack session loses replies').toBe(true);
    t.lost++;
    return deliveries.length;
  }
  const ack = (reply.ext as { ack?: unknown } | undefined)?.ack;
  if (typeof ack === 'number') s.acked = ack;
  for (const m of deliveries) record(s, m);
  return deliveries.length;
}

function record(s: Session, m: WireMessage): void {
  if (m.channel === '/service/kuiper/unrecovered') return void s.unrecovered.push(m.data);
  const channel = m.channel ?? '';
  const n = (m.data as { n?: unknown } | undefined)?.n;
  expect(CHANNELS as readonly string[], `a delivery on an unexpected channel: ${JSON.stringify(m)}`).toContain(channel);
  expect(typeof n, JSON.stringify(m)).toBe('number');
  const list = s.got.get(channel) ?? [];
  list.push(n as number);
  s.got.set(channel, list);
}

/** Publishes to one channel go one after another (their order is the model's); channels run concurrently. */
function publish(t: Traffic, chains: Map<string, Promise<unknown>>): Promise<unknown> {
  const channel = pick(t, CHANNELS);
  const node = pick(t, t.nodes);
  const serverSide = t.next() < 0.5;
  const p = (chains.get(channel) ?? Promise.resolve()).then(() => publishNow(t, channel, node, serverSide));
  chains.set(channel, p);
  return p;
}

async function publishNow(t: Traffic, channel: string, node: StartedServer, serverSide: boolean): Promise<void> {
  const n = (t.published.get(channel) ?? 0) + 1;
  t.published.set(channel, n);
  for (const s of t.sessions) {
    if ([...s.subs.keys()].some((p) => matches(p, channel))) {
      const allowed = s.allowed.get(channel) ?? new Set<number>();
      allowed.add(n);
      s.allowed.set(channel, allowed);
    }
  }
  if (serverSide) {
    await node.kuiper.publish(channel, { n });
  } else {
    const pub = { channel, clientId: t.publisher, data: { n }, id: msgId() };
    const reply = replyTo(await bayeux(node.url, [pub]), pub.id);
    expect(reply.successful, JSON.stringify(reply)).toBe(true); // what it was told, if not (seen once in CI, under double load)
  }
}

async function toggle(t: Traffic, s: Session): Promise<void> {
  const pattern = pick(t, t.patterns);
  const subscribing = !s.subs.has(pattern);
  const m = { channel: subscribing ? '/meta/subscribe' : '/meta/unsubscribe', clientId: s.id, subscription: pattern, id: msgId() };
  const node = pick(t, t.nodes);
  const reply = replyTo(await bayeux(node.url, [m]), m.id);
  expect(reply.successful, JSON.stringify(reply)).toBe(true);
  s.log.push(`${subscribing ? 'sub' : 'unsub'}@${t.nodes.indexOf(node)} ${pattern} at ${CHANNELS.map((c) => t.published.get(c) ?? 0).join('/')}`);
  if (!subscribing) return void s.subs.delete(pattern);
  // What was published before the subscription began is not the session's to get through it.
  s.subs.set(pattern, new Map(CHANNELS.map((c) => [c, t.published.get(c) ?? 0])));
}

/** Publish numbers on `channel` the session must have: made while one matching subscription it still holds was active. */
function required(t: Traffic, s: Session, channel: string): number[] {
  const from = Math.min(...[...s.subs.entries()].filter(([p]) => matches(p, channel)).map(([, began]) => began.get(channel) ?? 0));
  if (!Number.isFinite(from)) return [];
  const all = t.published.get(channel) ?? 0;
  return Array.from({ length: all - from }, (_, i) => from + i + 1);
}

/** `strictOrder`: one channel's publishes in order even when two of the session's patterns carry them. */
async function run(nodes: StartedServer[], seed: number, strictOrder: boolean, patterns = WITH_WILDCARD): Promise<void> {
  const next = seeded(seed);
  const t: Traffic = { nodes, next, sessions: [], published: new Map(), publisher: '', lost: 0, patterns };
  t.publisher = await ackHandshake(pick(t, nodes).url);
  for (let i = 0; i <= ACK_SESSIONS; i++) {
    const ack = i < ACK_SESSIONS;
    const id = await (ack ? ackHandshake : rawHandshake)(pick(t, nodes).url);
    t.sessions.push({ id, ack, acked: undefined, subs: new Map(), got: new Map(), allowed: new Map(), unrecovered: [], log: [] });
  }
  // Publishes and other sessions' connects run concurrently (a session has one connect at a time, as
  // a client does); a subscription changes with nothing in flight, so the model knows exactly which
  // publishes it covers.
  const inFlight = new Set<Promise<unknown>>();
  const busy = new Map<Session, Promise<unknown>>();
  const chains = new Map<string, Promise<unknown>>();
  const start = (work: Promise<unknown>): Promise<unknown> => {
    const p = work.finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };
  for (let step = 0; step < STEPS; step++) {
    const roll = next();
    const s = pick(t, t.sessions);
    if (roll < 0.4) start(publish(t, chains));
    else if (roll < 0.82) {
      const node = pick(t, nodes);
      const lose = next() < 0.2 && s.ack;
      const held = next() < 0.3;
      busy.set(s, start((busy.get(s) ?? Promise.resolve()).then(() => connect(t, s, node, lose, held))));
    } else {
      await Promise.all(inFlight);
      await toggle(t, s);
    }
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // Drain: connects on alternating nodes until every session has what it must (deliveries published
  // on the other node reach a node's takes through Redis), then one more to catch a late duplicate.
  for (const [i, s] of t.sessions.entries()) {
    const complete = (): boolean => CHANNELS.every((c) => required(t, s, c).every((n) => (s.got.get(c) ?? []).includes(n)));
    const until = Date.now() + 10_000;
    for (let k = 0; !complete() && Date.now() < until; k++) await connect(t, s, nodes[(i + k) % nodes.length] as StartedServer, false);
    await connect(t, s, nodes[i % nodes.length] as StartedServer, false);
  }
  for (const s of t.sessions) {
    const trace = `\n${s.log.filter((l) => !l.endsWith("-> " + String(s.acked) + " []")).slice(-Number(process.env["FUZZ_TRACE"] ?? 40)).join('\n')}`;
    expect(s.unrecovered, `seed ${seed}: nothing left the history${trace}`).toEqual([]);
    for (const c of CHANNELS) {
      const got = s.got.get(c) ?? [];
      const where = `seed ${seed}, session ${s.id}, ${c}`;
      if (strictOrder) {
        // Once and in order: strictly increasing publish numbers.
        expect(got.every((n, i) => i === 0 || n > (got[i - 1] as number)), `${where}: ${got.join(',')}${trace}`).toBe(true);
      } else expect(new Set(got).size, `${where}: once: ${got.join(',')}${trace}`).toBe(got.length);
      const allowed = s.allowed.get(c) ?? new Set<number>();
      expect(got.filter((n) => !allowed.has(n)), `${where}: published while not subscribed${trace}`).toEqual([]);
      expect(required(t, s, c).filter((n) => !got.includes(n)), `${where}: missing${trace}`).toEqual([]);
    }
  }
  // The traffic did what it is for: replies were lost and deliveries made.
  expect(t.lost).toBeGreaterThan(5);
  expect(t.sessions.reduce((sum, s) => sum + [...s.got.values()].reduce((a, l) => a + l.length, 0), 0)).toBeGreaterThan(20);
}

describe('seeded random ack traffic, every request to a random node', () => {
  it.each(SEEDS)('[ACK-2][ACK-4] on the memory engine (one node), seed %i: once, in order, nothing missing', async (seed) => {
    const node = await startServer(cleanup, OPTIONS);
    await run([node], seed, true);
  });

  it.each(SEEDS)('[REDIS-1][ACK-2][ENG-STREAM-10][ENG-STREAM-11] on one Redis, two nodes, seed %i: once, in order, nothing missing', async (seed) => {
    const { nodes } = await startCluster(cleanup, 2, OPTIONS);
    await run(nodes, seed, true);
  });

  it.each(SEEDS)('[REDIS-1][ACK-2][ENG-STREAM-7] on one Redis, three nodes, seed %i: once, in order, nothing missing', async (seed) => {
    const { nodes } = await startCluster(cleanup, 3, OPTIONS);
    await run(nodes, seed, true);
  });

  it.each(SEEDS)('[REDIS-8][ACK-2][ENG-STREAM-7] on the local Redis Cluster, three nodes, with the wildcard, seed %i: once, nothing missing', async (seed) => {
    const { nodes } = await startCluster(cleanup, 3, OPTIONS, 'redis-cluster');
    await run(nodes, seed, false, WITH_WILDCARD);
  });

  it.each(SEEDS)('[REDIS-8][ACK-2][ENG-STREAM-10] on the local Redis Cluster, two nodes, channels without the wildcard, seed %i: once, in order, nothing missing', async (seed) => {
    const { nodes } = await startCluster(cleanup, 2, OPTIONS, 'redis-cluster');
    await run(nodes, seed, true, CHANNELS);
  });

  it.each(SEEDS)('[REDIS-8][ACK-2][ENG-STREAM-12] on the local Redis Cluster, two nodes, with the wildcard, seed %i: once, nothing missing', async (seed) => {
    const { nodes } = await startCluster(cleanup, 2, OPTIONS, 'redis-cluster');
    // Order is not promised across the wildcard's and the channel's streams here (see the top).
    await run(nodes, seed, process.env['FUZZ_ORDER'] !== undefined, WITH_WILDCARD);
  });
});
