/**
 * The Redis engine's connections and how scripts run on them (SPEC: REDIS-8): one connection (or
 * Redis Cluster client) for commands, auto-pipelined so what a turn issues goes in one write, in
 * order, and one for pub/sub. On a single Redis: PUBLISH/SUBSCRIBE, and the control keys under the
 * bare prefix. On a Redis Cluster: sharded pub/sub (SPUBLISH/SSUBSCRIBE, one subscriber connection
 * per master) and the control keys under one hash tag derived from the prefix, while each stream's
 * keys carry the stream's own tag, so channels spread over the shards. Every script gets the key
 * of the slot it works on as KEYS[1] (a Cluster client routes by it) and, as ARGV[1], the pub/sub
 * mode ('P' plain, 'S' sharded) followed by the prefix.
 */
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { EngineStats } from '../../core/engine.js';
import { createLogger } from '../../core/log.js';
import type { Reply } from './replies.js';
import { isProbe, Probes } from './probes.js';
import { ALL_SCRIPTS, type LuaScript, RELEASE, UPKEEP } from './scripts.js';
import { refusedInTransit, SlotTransit } from './transit.js';

const log = createLogger('redis');

/** Sessions released (or patterns listened to again) per script call. */
const RENEW_BATCH = 1000;

/** Where the engine's Redis is: a URL (one Redis, with replicas or Sentinel), seed nodes of a Redis Cluster, or a client to duplicate. */
export interface RedisTarget {
  url?: string;
  redis?: RedisOptions;
  /** Seed nodes of a Redis Cluster (`kuiper serve --redis-cluster`). */
  cluster?: readonly (ClusterNode | { host: string; port: number })[];
  clusterOptions?: ClusterOptions;
  /** An ioredis client or Cluster: the engine opens its own duplicates of it (and closes them). */
  client?: Redis | Cluster;
}

export type Connection = Redis | Cluster;

/** The control keys' hash tag: the prefix without braces (REDIS-8), so two prefixes on one cluster use two slots. */
export function controlBase(prefix: string, clustered: boolean): string {
  if (!clustered) return prefix;
  const tag = prefix.replace(/[{}]/g, '') || 'kuiper';
  return `${prefix}{${tag}}`;
}

/**
 * How often, at most, the sharded subscriber's slot map is read again by itself. ioredis refreshes it
 * when a migrated slot's master pushes `sunsubscribe`, but that refresh can read the map before every
 * master has taken the slot's new owner (seen under load: "no topology change", and the channel's
 * feed stayed on the old master, so its publishes never woke this node). The command client's own
 * refreshes (it follows MOVED) are passed on at once (RedisLink's constructor); this is the floor.
 */
const SUB_SLOTS_REFRESH_MS = 5000;

/** The longest wait between two tries of an SSUBSCRIBE that found its slot elsewhere. */
const RESUBSCRIBE_MAX_BACKOFF_MS = 2000;

/** How long a probe of a subscription waits for its message to come back (a loaded node answers in ms). */
const PROBE_MS = 2000;

/** Probes and repairs of the subscriptions that did not deliver, after they were made again, before giving up (logged). */
const CHECK_ROUNDS = 5;

/**
 * How long a script refused while its slot is in transit is sent again (transit.ts): longer than a
 * slot takes to move, well under a client's request timeout (10 s by default).
 */
const TRANSIT_PATIENCE_MS = 4000;

/**
 * An SSUBSCRIBE refused because its slot is, for now, nowhere this subscriber can reach: sent to a
 * master that does not (yet) take the slot as its own (MOVED/ASK: mid-resharding, maybe more times
 * than ioredis follows), a cluster without a quorum, or no sharded subscriber for the slot while
 * ioredis makes them again.
 */
function slotInTransit(err: unknown): boolean {
  return refusedInTransit(err) || (err instanceof Error && /No sharded subscriber/.test(err.message));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

/**
 * [REDIS-11] The sharded subscriber never auto-pipelines. ioredis auto-pipelines SSUBSCRIBE (it
 * leaves out only SUBSCRIBE and the like), and a pipeline answered MOVED is sent again on the new
 * master's pooled command connection, not its sharded subscriber: Redis then holds the
 * subscription on a connection whose messages ioredis never hands on, and every publish to the
 * channel is lost to this node (seen mid-resharding, test/redis-probes.test.ts).
 */
const SUBSCRIBER = { shardedSubscribers: true, enableAutoPipelining: false } as const;

function open(target: RedisTarget): { cmd: Connection; sub: Connection } {
  const given = target.client;
  if (given instanceof Cluster) {
    const slotsRefreshInterval = given.options.slotsRefreshInterval ?? SUB_SLOTS_REFRESH_MS;
    return { cmd: given.duplicate(), sub: given.duplicate(undefined, { ...SUBSCRIBER, slotsRefreshInterval }) };
  }
  if (given) return { cmd: given.duplicate({ enableAutoPipelining: true }), sub: given.duplicate() };
  if (target.cluster) {
    const redisOptions: RedisOptions = { ...target.clusterOptions?.redisOptions, ...target.redis };
    const options: ClusterOptions = { enableAutoPipelining: true, ...target.clusterOptions, redisOptions, lazyConnect: true };
    const seeds = [...target.cluster];
    const sub = new Cluster(seeds, { slotsRefreshInterval: SUB_SLOTS_REFRESH_MS, ...options, ...SUBSCRIBER });
    return { cmd: new Cluster(seeds, options), sub };
  }
  const cmd = new Redis(target.url ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true, ...target.redis, lazyConnect: true });
  return { cmd, sub: cmd.duplicate() };
}

export class RedisLink {
  readonly cmd: Connection;
  readonly sub: Connection;
  readonly clustered: boolean;
  /** The base of every control key (sessions, subscriptions, leases...): one slot on a cluster. */
  readonly ctl: string;
  /** ARGV[1] of every script: the pub/sub mode and the prefix (stream keys are built from it). */
  private readonly mode: string;
  /** Connected once: pub/sub coming back after this is a reconnect. */
  private up = false;
  private closed = false;
  /** On a cluster, the channels this node means to be subscribed to, whatever ioredis did meanwhile. */
  private readonly wanted = new Set<string>();
  /** Told when pub/sub came back (onResubscribed), on a cluster. */
  private readonly resubscribed: (() => void)[] = [];
  private readonly probes = new Probes((channel, text) => this.publish(channel, text));
  /** Channels being probed (check). */
  private readonly checking = new Set<string>();
  /** On a cluster, scripts refused while their slot moves, sent again in order (REDIS-12). */
  readonly transit: SlotTransit | undefined;

  constructor(
    readonly prefix: string,
    target: RedisTarget,
  ) {
    ({ cmd: this.cmd, sub: this.sub } = open(target));
    this.clustered = this.cmd instanceof Cluster;
    if (this.clustered && prefix.includes('{')) throw new Error('RedisEngine: on a Redis Cluster the key prefix must hold no "{" (it would pin every key to one slot)');
    this.ctl = controlBase(prefix, this.clustered);
    this.mode = (this.clustered ? 'S' : 'P') + prefix;
    const cmd = this.cmd;
    if (cmd instanceof Cluster) {
      const refresh = (): Promise<void> => new Promise((done) => cmd.refreshSlotsCache((err) => (err && log.warn('reading the slot map failed', err), done())));
      this.transit = new SlotTransit({ refresh, patienceMs: TRANSIT_PATIENCE_MS });
    }
    for (const conn of [this.cmd, this.sub]) conn.on('error', (err: Error) => log.warn(`redis: ${err.message}`));
    // A slot that moved (resharding, failover) is seen first by the command client, which follows
    // MOVED and reads the slot map again: the sharded subscriber reads it too, so its channels are
    // subscribed again on the slot's new master (REDIS-11) and 'subscribersReady' makes this node
    // read what the feed missed meanwhile (onResubscribed).
    const sub = this.sub;
    if (this.cmd instanceof Cluster && sub instanceof Cluster) this.cmd.on('refresh', () => sub.refreshSlotsCache());
    if (!this.clustered) return;
    this.sub.on('smessage', (channel: string, text: string) => this.probes.arrived(channel, text));
    this.sub.on('subscribersReady', () => {
      if (!this.up) return;
      void Promise.allSettled([...this.wanted].map((channel) => this.ssubscribe(channel))).then(() => {
        if (this.closed) return;
        this.tellResubscribed();
        void this.check([...this.wanted]);
      });
    });
  }

  /** The base of `pattern`'s stream keys: its own hash tag (ENG-STREAM-3), never the control one. */
  streamBase(pattern: string): string {
    return `${this.prefix}{c:${pattern}}`;
  }

  /**
   * Tells `handler` each time pub/sub comes back after an outage or a slot's move (what was
   * published meanwhile never reached this node): the subscriber's 'ready' on one Redis; on a
   * cluster, once the sharded subscribers were made again ('subscribersReady') and Redis accepted
   * every channel wanted here again (ioredis resubscribes by itself, but says neither when that is
   * done nor whether a master refused it).
   */
  onResubscribed(handler: () => void): void {
    if (this.clustered) this.resubscribed.push(handler);
    else this.sub.on('ready', () => this.up && handler());
  }

  private tellResubscribed(): void {
    for (const handler of this.resubscribed) handler();
  }

  /** Tells `handler` of every pub/sub message, plain or sharded (not the probes, REDIS-11). */
  onMessage(handler: (channel: string, text: string) => void): void {
    this.sub.on(this.clustered ? 'smessage' : 'message', (channel: string, text: string) => isProbe(text) || handler(channel, text));
  }

  /**
   * [REDIS-11] Once subscriptions were made again (a slot moved, a master failed over) or one took
   * several tries, each channel is probed: a message published to it must come back. One that does
   * not is subscribed again (SUNSUBSCRIBE, SSUBSCRIBE: Redis may hold it on a connection ioredis does
   * not read, as the auto-pipelined SSUBSCRIBE did, SUBSCRIBER) and onResubscribed's handlers run, so
   * what it missed meanwhile is read. O(channels wanted here) once per topology change, else nothing.
   */
  private async check(asked: string[]): Promise<void> {
    // One check of a channel at a time: while a slot moves, topology changes and retried subscribes come in bursts.
    const channels = asked.filter((channel) => !this.checking.has(channel));
    for (const channel of channels) this.checking.add(channel);
    try {
      await this.checkRounds(channels);
    } finally {
      for (const channel of channels) this.checking.delete(channel);
    }
  }

  private async checkRounds(channels: string[]): Promise<void> {
    for (let round = 1; round <= CHECK_ROUNDS && channels.length > 0 && !this.closed; round++) {
      const back = await Promise.all(channels.map((channel) => (this.wanted.has(channel) ? this.probes.send(channel, PROBE_MS) : true)));
      const missed = channels.filter((_, i) => !back[i]);
      if (missed.length === 0 || this.closed) return;
      log.warn(`${missed.length} subscription(s) delivered nothing (${missed[0]}...): subscribing again (round ${round})`);
      await Promise.allSettled(missed.map(async (channel) => {
        await (this.sub as Cluster).sunsubscribe(channel).catch(() => undefined);
        if (this.wanted.has(channel)) await this.ssubscribe(channel, false);
      }));
      if (!this.closed) this.tellResubscribed();
      channels = missed;
    }
    if (channels.length > 0 && !this.closed) log.error(`${channels.length} subscription(s) still deliver nothing after ${CHECK_ROUNDS} tries`);
  }

  subscribe(channel: string): Promise<unknown> {
    if (!this.clustered) return this.sub.subscribe(channel);
    this.wanted.add(channel);
    return this.ssubscribe(channel);
  }

  unsubscribe(channel: string): Promise<unknown> {
    if (!this.clustered) return this.sub.unsubscribe(channel);
    this.wanted.delete(channel);
    return this.sub.sunsubscribe(channel);
  }

  /**
   * [REDIS-11] SSUBSCRIBE until a master takes it, for as long as the channel is wanted. Mid-resharding
   * the subscriber can read a slot map naming the slot's new master before that master knows: it
   * answers MOVED, and ioredis, which only retries on a changed map, would leave the channel
   * subscribed nowhere, so its publishes would never wake this node. Each refusal re-reads the map.
   */
  private async ssubscribe(channel: string, check = true): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        const done = await this.sub.ssubscribe(channel);
        // Its slot was in transit: made where ioredis reads it? (check, REDIS-11)
        if (attempt > 0 && check) void this.check([channel]);
        return done;
      } catch (err) {
        if (this.closed || !this.wanted.has(channel) || !slotInTransit(err)) throw err;
        if (attempt === 0) log.warn(`ssubscribe ${channel}: ${(err as Error).message}; trying again`);
        (this.sub as Cluster).refreshSlotsCache();
        await sleep(Math.min(50 * 2 ** attempt, RESUBSCRIBE_MAX_BACKOFF_MS));
      }
    }
  }

  /** [REDIS-2] The node watching the session now (the last claim: its `w` field), null if none. */
  watcherOf(clientId: string): Promise<string | null> {
    return this.cmd.hget(`${this.ctl}s:${clientId}`, 'w');
  }

  publish(channel: string, text: string): Promise<unknown> {
    return this.clustered ? this.cmd.spublish(channel, text) : this.cmd.publish(channel, text);
  }

  /** Connects both, subscribes to the notification channel and loads every script (on every master of a cluster). */
  async connect(): Promise<void> {
    await Promise.all([this.cmd, this.sub].map((c) => (c.status === 'wait' ? c.connect() : undefined)));
    await this.subscribe(`${this.ctl}wake`);
    const servers = this.cmd instanceof Cluster ? this.cmd.nodes('master') : [this.cmd];
    await Promise.all(servers.flatMap((server) => ALL_SCRIPTS.map((s) => server.script('LOAD', s.source))));
    this.up = true;
  }

  /**
   * Runs a control script. KEYS[1] is the control base, and KEYS[2] `<base>#`: keys that never exist,
   * declared so that while the control slot migrates Redis refuses the script before it runs
   * (TRYAGAIN: the source, and the importing master, lack a declared key; ioredis tries again), never
   * runs it on the importing master before the keys arrive (which split the sessions' state and failed
   * the MIGRATE: BUSYKEY), nor on the source after some left (a script stopped half-way by a key no
   * longer there: positions moved, deliveries lost). REDIS-11.
   */
  run(script: LuaScript, args: (string | number)[]): Promise<Reply> {
    return this.inLane(this.ctl, script, [this.ctl, `${this.ctl}#`], args);
  }

  /**
   * Runs a script on `pattern`'s stream. KEYS[1] is its `:m` key and KEYS[2] `<base>#`, a key that
   * never exists: while the stream's slot migrates, Redis refuses the script before it runs
   * (TRYAGAIN: the source, or the importing master, lacks a declared key; ioredis tries again), as
   * it does a control script's. Never run where only some of the stream's keys are (MIGRATE moves a
   * slot's keys in batches, and may split `:m` from `:x`): on the source after `:x` left, it would
   * stop at the XADD after bumping the offset; on the importing master before `:x` came, it would
   * make a second `:x` there (and fail the MIGRATE, BUSYKEY). REDIS-11.
   */
  runStream(script: LuaScript, pattern: string, args: (string | number)[]): Promise<Reply> {
    const base = this.streamBase(pattern);
    return this.inLane(base, script, [`${base}:m`, `${base}#`], args);
  }

  /** On a cluster, through the slot's lane: refused while the slot moves, it is sent again, in order. */
  private inLane(lane: string, script: LuaScript, keys: readonly string[], args: (string | number)[]): Promise<Reply> {
    const send = (): Promise<Reply> => this.evalsha(script, keys, args);
    return this.transit ? this.transit.run(lane, send) : send();
  }

  /** By hash; a Redis that lost its scripts (a restart, SCRIPT FLUSH, a new master) gets the source. */
  private evalsha(script: LuaScript, keys: readonly string[], args: (string | number)[]): Promise<Reply> {
    const argv = [...keys, this.mode, ...args];
    return this.cmd.evalsha(script.sha, keys.length, ...argv).catch((err: unknown) => {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.cmd.eval(script.source, keys.length, ...argv);
    });
  }

  /** For writes nobody waits on (leases): ordered on the one connection, failures logged. */
  fire(script: LuaScript, args: (string | number)[]): void {
    this.run(script, args).catch((err: unknown) => log.warn(`${script.name} failed`, err));
  }

  /**
   * [ENG-STREAM-8] Per-node upkeep: the sessions this node stopped holding (when there are any;
   * a batch that failed goes to `unreleased`, to be sent again), then UPKEEP with `args` (after the
   * node): its lease (which its channel listeners live by too, REDIS-3), the sweep, and its
   * positions when due, in one script.
   */
  upkeep(node: string, releases: readonly (string | number)[], args: (string | number)[], unreleased: (pairs: (string | number)[]) => void): Promise<Reply> {
    for (let i = 0; i < releases.length; i += 2 * RENEW_BATCH) {
      const pairs = releases.slice(i, i + 2 * RENEW_BATCH);
      this.run(RELEASE, [node, ...pairs]).catch((err: unknown) => {
        log.warn('release failed (sent again at the next period)', err);
        unreleased(pairs);
      });
    }
    return this.run(UPKEEP, [node, ...args]);
  }

  /** [REDIS-3] `script` (LISTEN) run with at most RENEW_BATCH of `items` after `head` each time: the replies. */
  runBatched(script: LuaScript, head: (string | number)[], items: readonly string[]): Promise<Reply>[] {
    const replies: Promise<Reply>[] = [];
    for (let i = 0; i < items.length; i += RENEW_BATCH) replies.push(this.run(script, [...head, ...items.slice(i, i + RENEW_BATCH)]));
    return replies;
  }

  /** QUIT lets commands already sent finish; a connection still retrying is just dropped. */
  async close(): Promise<void> {
    this.closed = true;
    const up = this.cmd.status === 'ready' && this.sub.status === 'ready';
    await Promise.allSettled([this.cmd, this.sub].map((c) => (up ? c.quit() : c.disconnect())));
  }
}
