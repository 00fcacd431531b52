/**
 * What the Redis engine shares with every node (SPEC: REDIS-*): sessions, subscriptions, lifecycle,
 * `deliver()` queues and ack records in Redis, so several Kuiper processes serve one set of sessions
 * with no sticky load balancing, and the one notification channel each node subscribes to (wake-ups
 * of `deliver()` queues, removals, claims, lifecycle, listeners' messages). How publishes travel
 * (streams, ENG-STREAM-*) is engine.ts. Scripts and keys are described in `scripts.ts`.
 */
import { randomBytes } from 'node:crypto';
import type { Message } from '@kuiper/protocol';
import { encodeMessage } from '../../core/codec.js';
import type {
  AckBatch,
  ChannelListener,
  DeliveryMode,
  Engine,
  EngineEvent,
  EngineOptions,
  EngineStats,
  OverflowPolicy,
  RemovalReason,
  SubscribeResult,
} from '../../core/engine.js';
import { settleLifecycle, settleSubscribe } from '../../core/engine.js';
import type { SessionInfo } from '../../core/security.js';
import { createLogger } from '../../core/log.js';
import { newClientId } from '../session-state.js';
import {
  type Reply,
  StoredMessages,
  channelsAdded,
  lifecycleEvents,
  list,
  overflows,
  removals,
  storedData,
  strings,
  subscriberList,
} from './replies.js';
import { RedisLink, type RedisTarget } from './link.js';
import { AckFlags, SessionCache } from './session-cache.js';
import * as S from './scripts.js';
import { WakeBus } from './wake.js';
import { Holds } from './holds.js';
import { NodeLease } from './node-lease.js';
import type { DuePositions } from './positions.js';

const log = createLogger('redis');

/** Where the engine's Redis is; the public options (engine.ts) add what only the streams need. */
export interface RedisConnectionOptions extends RedisTarget {
  prefix?: string;
}

/** Most sessions one sweep prunes; the rest go on the next one. */
const PRUNE_BATCH = 1000;

export abstract class RedisEngineCore implements Engine {
  readonly name = 'redis';
  /** This node in notifications (it skips listener copies of its own publishes). */
  readonly nodeId = randomBytes(8).toString('hex');
  /** Epoch candidates made (epochCandidate). */
  private epochs = 0;
  readonly prefix: string;
  protected readonly link: RedisLink;
  protected options: EngineOptions | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  protected subscribed: Promise<void> | undefined;
  protected closed = false;
  protected readonly bus: WakeBus;
  /** Held connects on this node per session (SESS-3): this node's lease stands for them (ENG-STREAM-8). */
  protected readonly held = new Holds((ids) => this.lease.hold(ids));
  private readonly lease: NodeLease;
  private readonly ackFlags = new AckFlags();
  protected readonly sessions = new SessionCache();
  protected readonly stored = new StoredMessages();
  private snapshot: EngineStats = { clients: 0, channels: 0, subscriptions: 0 };
  protected leaseMs = 5000;
  /** The upkeep period (ms): the sweep interval, at most a third of the pruning time. */
  protected period = 0;
  private releaseAfterMs = 1000;

  constructor(options: RedisConnectionOptions = {}) {
    this.prefix = options.prefix ?? 'kuiper:';
    this.link = new RedisLink(this.prefix, options);
    this.lease = new NodeLease(this.link, this.nodeId, {
      holding: () => this.held.all(),
      listening: () => [...this.bus.listeners.keys()],
      added: (channels) => this.emitAll(channelsAdded(channels)),
    });
    this.bus = new WakeBus(this.nodeId, this.link, (id) => this.forget(id));
    this.link.onMessage((channel, text) => this.received(channel, text));
    // [LIFE-1] Other nodes' lifecycle events: this node's hooks run for them too (nobody waits here).
    this.bus.onLifecycle = (json) => this.background(json, false);
    // Wake-ups sent while the subscriber was away are lost: look at every watched queue again.
    this.link.onResubscribed(() => {
      // Removals sent meanwhile are lost too: sessions are asked about again.
      this.sessions.clear();
      for (const id of this.bus.watchers.keys()) this.bus.peek(id, false);
    });
  }

  /** [REDIS-8] The base of the control keys: the prefix, plus on a Redis Cluster the control hash tag. */
  get controlBase(): string {
    return this.link.ctl;
  }

  /** A pub/sub message: on this engine, only the notification channel is subscribed. */
  protected received(_channel: string, text: string): void {
    this.bus.handle(text);
  }

  start(options: EngineOptions): void {
    this.options = options;
    const pruneAfter = options.maxInterval + options.interval;
    // A lease outlives a few missed renewals; a connect held on a node that died expires with it.
    const period = Math.max(10, Math.min(options.sweepIntervalMs, Math.floor(pruneAfter / 3)));
    this.period = period;
    this.leaseMs = Math.max(3 * period, 1000);
    // A connect sent again within this (a WebSocket's, a poll's, late on a loaded machine) keeps its
    // session held: no release and hold again. The release carries the age, so pruning is not delayed
    // by more than this.
    this.releaseAfterMs = Math.max(period, Math.min(5000, Math.floor(pruneAfter / 2)));
    this.subscribed = this.link.connect();
    this.subscribed.catch((err: unknown) => log.error('redis engine failed to start', err));
    this.timer = setInterval(() => void this.tick(period, pruneAfter), period);
    this.upkeep = () => this.tick(period, pruneAfter);
    this.timer.unref();
  }

  /** Rejects when Redis cannot be reached (the server's `listen()` then fails, loudly). */
  async ready(): Promise<void> {
    if (!this.subscribed) throw new Error('RedisEngine: start() first');
    await this.subscribed.catch((err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`RedisEngine: cannot use Redis (${reason})`);
    });
    await this.link.cmd.ping();
  }

  protected emit(event: EngineEvent): void {
    this.options?.onEvent(event);
  }

  protected emitAll(events: EngineEvent[]): void {
    for (const event of events) this.emit(event);
  }

  /** Events for sessions a script removed; what this node cached about them is dropped. */
  protected emitRemoved(r: Reply, reason: RemovalReason): void {
    const { ids, events } = removals(r, reason);
    for (const id of ids) this.forget(id);
    this.emitAll(events);
  }

  protected forget(clientId: string): void {
    this.ackFlags.delete(clientId);
    this.sessions.forget(clientId);
  }

  /** Lifecycle events nobody waits for (remote ones, pruning, overflow): failures are logged. */
  protected background(json: Reply, local: boolean): void {
    const events = lifecycleEvents(json, local);
    if (events.length === 0) return;
    settleLifecycle(this.options, events).catch((err: unknown) => log.warn('lifecycle handler failed', err));
  }

  /** Whether this node is the session's watcher (diagnostics, tests). */
  watching(clientId: string): boolean {
    return this.bus.watchers.has(clientId);
  }

  async createSession(data?: unknown): Promise<string> {
    const id = newClientId();
    // [REDIS-6] Session data is stored as JSON: what the policy attaches must survive JSON.
    const json = data === undefined ? '' : JSON.stringify(data);
    await this.link.run(S.CREATE, [id, json]);
    // Remembered as any node reads it back (through JSON): the handshake node never asks Redis for it.
    this.sessions.remember({ clientId: id, data: storedData(json) });
    this.emit({ type: 'session:added', clientId: id });
    return id;
  }

  async hasSession(clientId: string): Promise<boolean> {
    // [REDIS-4] A session whose connect this node holds, or held until less than the grace time ago
    // (not yet released), is not pruned (this node's lease covers it) and its removal on any node
    // comes on the notification channel, which forgets it here: known alive without a round trip (a
    // publish's session check, a held connect's answer, the next connect's session check).
    if (this.held.covers(clientId) && this.sessions.get(clientId) && this.link.sub.status === 'ready') return true;
    return (await this.link.cmd.zscore(`${this.link.ctl}sessions`, clientId)) !== null;
  }

  async sessionData(clientId: string): Promise<unknown> {
    return (await this.session(clientId))?.data;
  }

  async session(clientId: string): Promise<SessionInfo | undefined> {
    const known = this.sessions.get(clientId);
    if (known) return known;
    const [exists, json] = await Promise.all([
      this.link.cmd.zscore(`${this.link.ctl}sessions`, clientId),
      this.link.cmd.hget(`${this.link.ctl}s:${clientId}`, 'd'),
    ]);
    return exists === null ? undefined : this.sessions.remember({ clientId, data: storedData(json ?? '') });
  }

  async subscribers(channel: string): Promise<SessionInfo[]> {
    return subscriberList(await this.link.run(S.SUBSCRIBERS, [channel]));
  }

  async hasChannel(channel: string): Promise<boolean> {
    return (await this.link.cmd.sismember(`${this.link.ctl}channels`, channel)) === 1;
  }

  subscriptionCount(clientId: string): Promise<number> {
    return this.link.cmd.scard(`${this.link.ctl}subs:${clientId}`);
  }

  async destroySession(clientId: string, reason: RemovalReason): Promise<boolean> {
    const r = await this.link.run(S.DESTROY, [this.nodeId, clientId, reason]);
    if (r === null) return false;
    const [patterns, life] = list(r);
    this.emitRemoved([[clientId, ...strings(patterns)]], reason);
    await settleLifecycle(this.options, lifecycleEvents(life, true));
    return true;
  }

  /**
   * [ENG-STREAM-5] The epoch a stream gets if this call makes it (or finds it forked): unique, hex
   * (no colon). The node's random id and a count, not fresh random bytes: every publish, read and
   * subscribe sends one, and `randomBytes` cost ~35 µs a call on a node that calls it now and then.
   */
  protected epochCandidate(): string {
    return `${this.nodeId}${(++this.epochs).toString(16)}`;
  }

  /** A subscription this node made, at `position` ('epoch:offset') in its stream (ENG-STREAM-4), begun at `since` (µs, ENG-STREAM-10). */
  protected abstract followed(clientId: string, pattern: string, position: string, since: number): void;

  protected abstract unfollowed(clientId: string, pattern: string): void | Promise<void>;

  /** [ENG-STREAM-8] The stamp of a subscription made here for a session attached here ('' for none). */
  protected stampFor(_clientId: string): { stamp: string; done(): void } {
    return { stamp: '', done: () => undefined };
  }

  async subscribe(clientId: string, pattern: string): Promise<SubscribeResult> {
    // [REDIS-9] On a cluster the stream's head is read first, on its own slot: a publish between the
    // two is then given to the session too (never lost to it).
    const head = this.link.clustered ? String(await this.link.runStream(S.STREAM_HEAD, pattern, [this.epochCandidate()])) : '';
    const stamp = this.stampFor(clientId);
    let r: Reply;
    try {
      r = await this.link.run(S.SUBSCRIBE, [clientId, pattern, this.nodeId, this.epochCandidate(), stamp.stamp, head]);
    } catch (err) {
      stamp.done();
      throw err;
    }
    const [fresh, added, life, position, since] = list(r);
    if (r !== null && Number(fresh) === 1) this.followed(clientId, pattern, String(position ?? ''), Number(since));
    stamp.done();
    if (r === null) return false;
    this.emitAll(channelsAdded(added));
    if (Number(fresh) !== 1) return 'present';
    this.emit({ type: 'subscription:added', clientId, channel: pattern });
    // [LIFE-2] If the hooks fail, the subscription is undone (and the channel vacated again).
    return settleSubscribe(this.options, lifecycleEvents(life, true), () => this.unsubscribe(clientId, pattern));
  }

  async unsubscribe(clientId: string, pattern: string): Promise<boolean> {
    const r = await this.link.run(S.UNSUBSCRIBE, [clientId, pattern, this.nodeId]);
    if (!Array.isArray(r)) return false;
    const [gone, life] = r as Reply[];
    if (Number(gone) === 1) {
      await this.unfollowed(clientId, pattern);
      this.emit({ type: 'subscription:removed', clientId, channel: pattern });
    }
    await settleLifecycle(this.options, lifecycleEvents(life, true));
    return true;
  }

  protected bounds(): [number, number, OverflowPolicy] {
    const o = this.options;
    return [o?.maxQueue ?? Number.MAX_SAFE_INTEGER, o?.maxQueueBytes ?? Number.MAX_SAFE_INTEGER, o?.overflow ?? 'drop-oldest'];
  }

  abstract publish(message: Message): Promise<number>;

  async deliver(clientId: string, messages: Message[]): Promise<boolean> {
    const r = await this.link.run(S.DELIVER, [this.nodeId, clientId, ...this.bounds(), ...messages.map(encodeMessage)]);
    if (r === null) return false;
    const [over, removed, life] = list(r);
    this.emitAll(overflows(over));
    this.emitRemoved(removed, 'overflow');
    this.background(life, true);
    return true;
  }

  abstract take(clientId: string): Promise<Message[]>;

  async setAck(clientId: string, enabled: boolean): Promise<void> {
    await this.link.run(S.SET_ACK, [clientId, enabled ? '1' : '0']);
    this.ackFlags.set(clientId, enabled);
  }

  /** Whether the session is known here not to be in ack mode (its flag is set at its handshake). */
  protected streamedKnown(clientId: string): boolean {
    return this.ackFlags.get(clientId) === false;
  }

  abstract deliveryMode(clientId: string, acked?: number): Promise<DeliveryMode>;

  abstract takeBatch(clientId: string, acked: number | undefined): Promise<AckBatch>;

  abstract watch(clientId: string, onQueued: () => void): () => void;

  connectOpened(clientId: string): void {
    this.held.opened(clientId);
  }

  connectClosed(clientId: string): void {
    // [SESS-2] The pruning clock starts at the connect reply: released at the next period, with its age.
    this.held.closed(clientId);
  }

  listen(pattern: string, listener: ChannelListener): () => void {
    let set = this.bus.listeners.get(pattern);
    if (!set) {
      set = new Set();
      this.bus.listeners.set(pattern, set);
      this.lease.listen([pattern]);
    }
    set.add(listener);
    return () => {
      const current = this.bus.listeners.get(pattern);
      if (!current?.delete(listener) || current.size > 0) return;
      // This node's last listener of the pattern: another node may still listen to it.
      this.bus.listeners.delete(pattern);
      this.link.fire(S.UNLISTEN, [this.nodeId, pattern]);
    };
  }

  setPersistent(channel: string, persistent: boolean): void {
    this.channelsFrom(this.link.run(S.PERSIST, [channel, persistent ? '1' : '0']), 'setPersistent');
  }

  /** For writes nobody waits on that may create channels: their events, or the failure logged. */
  private channelsFrom(reply: Promise<Reply>, what: string): void {
    reply.then((added) => this.emitAll(channelsAdded(added))).catch((err: unknown) => log.warn(`${what} failed`, err));
  }

  /** One sweep period's work, as the timer runs it (tests count its Redis commands: ENG-STREAM-8). */
  upkeep: () => Promise<void> = () => Promise.resolve();

  /**
   * [ENG-STREAM-8] Renews this node's lease, sweeps if no other node has this period (refreshing
   * the stats), and writes the per-stream positions `duePositions` gives (when their period is the
   * same): one script, so one call and one wake of Redis per node per period.
   */
  private async tick(period: number, pruneAfter: number): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    const positions = this.duePositions();
    try {
      const releases = this.held.releases(this.releaseAfterMs);
      const args = [...this.sweepArgs(pruneAfter, period), ...(positions?.args ?? [])];
      const r = await this.link.upkeep(this.nodeId, releases, args, (pairs) => this.held.unreleased(pairs));
      positions?.settle(true);
      const [absent, swept] = list(r);
      await this.swept(swept);
      this.lease.renewed(absent);
    } catch (err) {
      positions?.settle(false);
      log.warn('upkeep failed', err);
    } finally {
      this.ticking = false;
    }
  }

  /** NODE_POSITIONS's arguments (after the node) if this period's upkeep writes them; none here. */
  protected duePositions(): DuePositions | undefined {
    return undefined;
  }

  /** [REDIS-4] Prunes and sweeps cluster-wide; exactly one node removes a given session. */
  async sweep(pruneAfter: number, lockMs: number): Promise<void> {
    await this.swept(await this.link.run(S.SWEEP, [this.nodeId, ...this.sweepArgs(pruneAfter, lockMs)]));
  }

  /** A sweep's arguments after the node, the same for SWEEP alone and inside UPKEEP (lua.ts `sweepOnce`). */
  private sweepArgs(pruneAfter: number, lockMs: number): number[] {
    return [pruneAfter, lockMs, PRUNE_BATCH, this.leaseMs];
  }

  /** A sweep's reply: the stats' counts, and what it pruned and swept if this node had the period. */
  private async swept(r: Reply): Promise<void> {
    const [counts, pruned, swept, life] = list(r);
    const [clients, channels, subscriptions] = list(counts).map(Number);
    this.snapshot = { clients: clients ?? 0, channels: channels ?? 0, subscriptions: subscriptions ?? 0 };
    // Another node has this period: nothing swept here.
    if (pruned === undefined) return;
    this.emitRemoved(pruned, 'pruned');
    this.background(life, true);
    const names = strings(swept);
    if (this.link.clustered) await this.dropStreams(names);
    else for (const channel of names) this.emit({ type: 'channel:removed', channel });
  }

  /**
   * [REDIS-9] On a cluster each swept stream's keys are in its own slot, deleted apart, and then the
   * channels whose streams went are forgotten (FORGET_CHANNELS), in that order: a subscribe that
   * read a stream's head before the sweep keeps the stream (DROP_STREAM) and the channel with it.
   */
  private async dropStreams(channels: readonly string[]): Promise<void> {
    const dropped = await Promise.all(
      channels.map((channel) =>
        this.link.runStream(S.DROP_STREAM, channel, [this.leaseMs]).then(
          (r) => Number(r) === 1,
          (err: unknown) => (log.warn('stream delete failed', err), false),
        ),
      ),
    );
    const names = channels.filter((_, i) => dropped[i]);
    if (names.length === 0) return;
    try {
      for (const channel of strings(await this.link.run(S.FORGET_CHANNELS, names))) this.emit({ type: 'channel:removed', channel });
    } catch (err) {
      log.warn('forgetting swept channels failed', err);
    }
  }

  stats(): EngineStats {
    return { ...this.snapshot };
  }

  /**
   * [REDIS-5] Leaves the cluster's state alone: this node's sessions live on for the other nodes
   * (their held connects' leases lapse and the clients reconnect elsewhere).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.bus.clear();
    this.held.clear();
    await this.subscribed?.catch(() => undefined);
    await this.link.close();
  }
}
