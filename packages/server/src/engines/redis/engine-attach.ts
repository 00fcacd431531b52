/**
 * The Redis engine's sessions attached to this node (SPEC: ENG-STREAM-4, -5, -8): claiming one and
 * reading its positions (handed over by the node before), following its streams' feeds once per
 * pattern and fanning each publish out, reading what a session missed (loss told, never silent),
 * letting idle or moved sessions go, writing the node's per-stream positions. A publish and a take:
 * engine.ts; sessions, subscriptions and queues shared by every node: engine-core.ts.
 */
import type { EngineOptions, SubscribeResult } from '../../core/engine.js';
import { createLogger } from '../../core/log.js';
import { AckState } from './ack-record.js';
import { readAttach } from './ack-attach.js';
import { Attachment, type Bounds, type Overflow } from './attachment.js';
import { parsePosition, type Position } from './stream-entry.js';
import { FORK_LOOK, StreamPlaces } from './stream-places.js';
import { Refreshes } from './refreshes.js';
import { Waiting } from './waiting.js';
import { Feeds, parseLeft } from './feeds.js';
import { FedNow } from './fed-now.js';
import { type DuePositions, POSITIONS_MS, PositionWriter } from './positions.js';
import { InFlightReads, LOOK_BACK, nameGone, parseFeedMessage, readStream, sinceOf } from './stream-read.js';
import { RedisEngineCore } from './engine-core.js';
import { IDLE_MS, type StreamEngineOptions } from './engine-options.js';
import { list, type Reply, strings } from './replies.js';
import { ATTACH, NODE_POSITIONS, READ_STREAM, REFRESH, TAKE_STREAM } from './scripts.js';

const log = createLogger('redis');

export abstract class AttachingEngine extends RedisEngineCore {
  protected readonly attached = new Map<string, Attachment>();
  protected readonly attaching = new Map<string, Promise<Attachment | undefined>>();
  /** pattern → sessions attached here that follow it; this node subscribes to its pub/sub channel while any do. */
  private readonly feeds: Feeds;
  protected readonly writer: PositionWriter;
  protected readonly reading = new InFlightReads();
  /** [ENG-STREAM-5] The publish seen at each recent place of the streams followed here: a copy is told from a stream gone back. */
  private readonly places = new StreamPlaces();
  private readonly fed = new FedNow();
  /** Sessions whose subscriptions are being read again (REFRESH): their batches need records of their own (ENG-STREAM-9). */
  protected readonly refreshing = new Refreshes();
  /** What sessions' streams bring while they are read again, attached, or overlapping and read (ENG-STREAM-11). */
  private readonly waiting = new Waiting();
  private idleTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly positionsMs: number;

  constructor(options: StreamEngineOptions = {}) {
    super(options);
    this.feeds = new Feeds(this.link);
    this.positionsMs = options.positionsMs ?? POSITIONS_MS;
    this.writer = new PositionWriter(
      this.nodeId,
      {
        nodePositions: (args) => this.link.run(NODE_POSITIONS, [this.nodeId, ...args]),
        own: (args) => this.link.run(TAKE_STREAM, args),
        tell: (node, id) => this.link.publish(`${this.link.ctl}sync:${node}`, `f ${id} ${this.nodeId}`),
      },
      () => this.recordMs(),
    );
    this.bus.onWake = (id) => {
      const a = this.attached.get(id);
      if (a) a.queued = true;
    };
    this.bus.onResub = (id) => this.refreshAttached(id);
    this.bus.onMoved = (id, node, from) => {
      const a = this.attached.get(id);
      if (a) a.claimed = false;
      this.writer
        .handOver(this.attached.get(id), id, node, from === this.nodeId)
        .catch((err: unknown) => log.warn('hand-over failed', err))
        .finally(() => this.letGoIfMoved(id));
    };
    // Publishes sent while the subscriber was away are lost to it: every followed stream is read.
    this.link.onResubscribed(() => {
      for (const a of this.attached.values()) {
        // A claim by another node may have been missed too: the next watch claims again.
        a.claimed = false;
        void this.readAll(a, [...a.patterns()]);
      }
    });
  }

  override start(options: EngineOptions): void {
    super.start(options);
    (this.idleTimer = setInterval(() => this.dropIdle(), IDLE_MS)).unref();
    // [ENG-STREAM-8] With the upkeep's period (the defaults: 1 s both), the positions go out in the
    // same script as the lease and the sweep (duePositions): one wake of Redis per period, not two.
    if (this.positionsMs !== this.period) {
      (this.flushTimer = setInterval(() => void this.writePositions(), this.positionsMs)).unref();
    }
  }

  protected override duePositions(): DuePositions | undefined {
    return this.positionsMs === this.period ? this.writer.due(this.attached.values()) : undefined;
  }

  protected override received(channel: string, text: string): void {
    const pattern = this.feeds.patternOf(channel);
    if (pattern !== undefined) return this.fanOut(pattern, text);
    super.received(channel, text);
  }

  /**
   * [SWEEP-1] A channel that a session attached here subscribes to (exactly) is not swept, so it
   * exists: no round trip for a publish's channel check. Other channels are asked of Redis.
   */
  override async hasChannel(channel: string): Promise<boolean> {
    return this.follows(channel) || super.hasChannel(channel);
  }

  /** Whether a session attached here subscribes to `channel` (then it exists in Redis, with its parents). */
  protected follows(channel: string): boolean {
    return (this.feeds.of(channel)?.size ?? 0) > 0;
  }

  /** [ENG-STREAM-8] This node's per-stream positions, and the own positions of sessions it let go. */
  async writePositions(): Promise<void> {
    await this.writer.flush(this.attached.values()).catch((err: unknown) => log.warn('positions write failed', err));
  }

  /**
   * [ENG-STREAM-8] A subscribe made while the session is being attached here waits for the attach:
   * sent before it finished, its position would be stored unstamped after the attach stamped the
   * others, and a node taking over from this one (gone) could not use this node's per-stream
   * position as its floor — it would give again what this node had given (seen with a faye client
   * over WebSocket whose subscribe raced its first connect, REDIS-5 in test/cluster/failover).
   */
  override async subscribe(clientId: string, pattern: string): Promise<SubscribeResult> {
    const attaching = this.attaching.get(clientId);
    if (attaching) await attaching.catch(() => undefined);
    return super.subscribe(clientId, pattern);
  }

  /** An attached session's batches are kept here: a session put in ack mode (or out of it) here is told. */
  override async setAck(clientId: string, enabled: boolean): Promise<void> {
    await super.setAck(clientId, enabled);
    const a = this.attached.get(clientId);
    if (a) a.ack = enabled ? (a.ack ?? new AckState()) : undefined;
  }

  protected override stampFor(clientId: string): { stamp: string; done(): void } {
    return this.attached.has(clientId) ? this.writer.stamp() : super.stampFor(clientId);
  }

  /**
   * How long what a node writes for sessions it may not see again lives (its per-stream positions,
   * a turn's record): sessions not back by then are pruned anyway.
   */
  protected recordMs(): number {
    return (this.options ? this.options.maxInterval + this.options.interval : 0) + 60_000;
  }

  protected limits(): Bounds {
    const [maxQueue, maxQueueBytes, overflow] = this.bounds();
    return { maxQueue, maxQueueBytes, overflow };
  }

  /** One pub/sub message of a stream: given to every session attached here that follows it. */
  private fanOut(pattern: string, text: string): void {
    const ids = this.feeds.of(pattern);
    if (!ids) return;
    // [ENG-STREAM-11] A session here left this stream through another node: read again before any later publish.
    const left = parseLeft(text);
    if (left) return left.node === this.nodeId || !ids.has(left.clientId) ? undefined : this.refreshAttached(left.clientId);
    const entry = parseFeedMessage(pattern, text);
    if (!entry) return;
    const bounds = this.limits();
    const before = this.places.note(entry);
    for (const id of ids) {
      const session = this.attached.get(id);
      if (!session) continue;
      if (this.holding(session)) {
        if (!this.waiting.hold(id, entry, before, bounds.maxQueue)) session.setStale(pattern, true);
        continue;
      }
      this.overflowed(id, session.append(entry, bounds, before));
      if (session.isStale(pattern)) this.readAll(session, [pattern]);
      else {
        this.fed.add(session);
        this.bus.call(this.bus.watchers.get(id));
      }
    }
    this.fed.settle();
  }

  /**
   * [ENG-STREAM-6] The session, if a feed woke it in this event-loop iteration and it is attached,
   * up to date (no gap, no read or attach in flight) and has deliveries in hand.
   */
  protected fedNow(clientId: string): Attachment | undefined {
    const a = this.attached.get(clientId);
    if (!a || !this.fed.has(a) || a.size === 0 || a.anyStale || this.attaching.has(clientId)) return undefined;
    return this.reading.any(clientId) ? undefined : a;
  }

  /** [LIMIT-6] What appending did to the bounds, as the queue engine reports it. */
  protected overflowed(clientId: string, over: Overflow | undefined): void {
    if (!over || over.dropped === 0) return;
    const policy = over.disconnect ? 'disconnect' : 'drop-oldest';
    this.emit({ type: 'session:overflow', clientId, dropped: over.dropped, policy });
    if (over.disconnect) {
      this.detach(clientId);
      this.destroySession(clientId, 'overflow').catch((err: unknown) => log.warn('overflow removal failed', err));
    }
  }

  /**
   * [ENG-STREAM-4] The session's state on this node, attaching it (claim, positions, feeds, backlog)
   * if need be. `acked`: the batch an ack session's client says it received (ENG-STREAM-9); a
   * session attached without it, still at its record, is attached again when it names a later one.
   */
  protected attach(clientId: string, acked?: number): Promise<Attachment | undefined> {
    const known = this.attached.get(clientId);
    if (known && !known.ack?.behind(acked)) return Promise.resolve(known);
    if (known) this.detach(clientId, true);
    let pending = this.attaching.get(clientId);
    if (!pending) {
      pending = this.attachNow(clientId, acked).finally(() => {
        this.attaching.delete(clientId);
        const a = this.attached.get(clientId);
        if (a) this.release(a);
      });
      this.attaching.set(clientId, pending);
    }
    return pending;
  }

  private async attachNow(clientId: string, acked: number | undefined): Promise<Attachment | undefined> {
    const handOver = this.writer.expect(clientId);
    // [ENG-STREAM-8] No per-stream positions of this node leave the session out from the stamp's generation on.
    const stamp = this.writer.stamp();
    try {
      const ack = acked === undefined ? '' : String(acked);
      let r = await this.link.run(ATTACH, [this.nodeId, clientId, stamp.stamp, '', ack]);
      const before = Array.isArray(r) ? String(r[2] ?? '') : '';
      if (before !== '') {
        // [ENG-STREAM-7] The node that had it writes what it gave out, then says so; if it is gone,
        // its per-stream positions are a floor for those it stamped.
        const told = await handOver.wait(before);
        r = await this.link.run(ATTACH, [this.nodeId, clientId, stamp.stamp, told ? '-' : before, ack]);
      } else handOver.cancel();
      if (!Array.isArray(r)) return undefined;
      const start = readAttach(r as Reply[], acked);
      const a = new Attachment(clientId, !this.link.clustered);
      a.queued = start.queued;
      a.ack = start.ack;
      this.attached.set(clientId, a);
      this.writer.adopted(clientId);
      const patterns = this.follow(a, start.flat, start.since);
      for (const [pattern, at] of start.storedElse) a.orElse(pattern, at);
      stamp.done();
      // Subscribed first, then read: what is published meanwhile comes one way or the other.
      await this.feeds.ready(patterns);
      if (start.gone.size > 0) await nameGone(a, start.gone, (pattern, at) => this.runRead(pattern, at, 0, '', false, LOOK_BACK));
      await this.readAll(a, patterns, a.overlapping && a.oneClock);
      return a;
    } finally {
      handOver.cancel();
      stamp.done();
    }
  }

  /** Follows the patterns of `flat` (pattern, position pairs) not followed yet, begun at `since`; returns them. */
  private follow(a: Attachment, flat: string[], since?: ReadonlyMap<string, number>): string[] {
    const added: string[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const pattern = flat[i] as string;
      if (a.isFollowing(pattern)) continue;
      a.follow(pattern, parsePosition(flat[i + 1] as string), since?.get(pattern));
      this.feeds.join(pattern, a.clientId);
      added.push(pattern);
    }
    return added;
  }

  /** The session is no longer attached here; unless it is gone, its own positions are written with the next per-stream ones. */
  protected detach(clientId: string, gone = false): void {
    const a = this.attached.get(clientId);
    if (!a) return;
    this.attached.delete(clientId);
    this.waiting.drop(clientId);
    // [ENG-STREAM-9] Not an ack session's: its own positions may stand past a batch not acknowledged.
    if (!gone && !a.ack) this.writer.orphan(a);
    for (const pattern of a.patterns()) this.feeds.leave(pattern, clientId);
  }

  protected override forget(clientId: string): void {
    super.forget(clientId);
    this.writer.adopted(clientId);
    this.detach(clientId, true);
  }

  /** Another node claimed the session: unless this node claimed it again since, what it holds goes. */
  private letGoIfMoved(clientId: string): void {
    if (!this.attached.has(clientId)) return;
    this.link
      .watcherOf(clientId)
      .then((owner) => {
        if (owner !== this.nodeId) this.detach(clientId);
      })
      .catch((err: unknown) => log.warn('claim check failed', err));
  }

  /**
   * Subscriptions changed (on any node): follows the session's patterns as Redis has them. Until
   * then an ack session's batches get records of their own (ENG-STREAM-9: this node may be making
   * them without a subscription it does not know yet).
   */
  protected refresh(a: Attachment): void {
    const id = a.clientId;
    this.refreshing.begin(id);
    this.link
      .run(REFRESH, [this.nodeId, id])
      .then((r) => {
        const [positions, since] = list(r);
        this.reconcile(a, strings(positions), sinceOf(since));
      })
      .catch((err: unknown) => log.warn('subscriptions refresh failed', err))
      .finally(() => {
        this.refreshing.end(id);
        this.release(a);
      });
  }

  private refreshAttached(clientId: string): void {
    const a = this.attached.get(clientId);
    if (a) this.refresh(a);
  }

  /**
   * [ENG-STREAM-11] Whether what the session's streams bring waits: its subscriptions are being
   * read again or it is being attached (which streams count is not known yet), or its patterns
   * overlap and one of its streams is being read (what that read returns may be older).
   */
  private holding(a: Attachment): boolean {
    const id = a.clientId;
    return this.refreshing.has(id) || this.attaching.has(id) || (a.overlapping && this.reading.any(id));
  }

  /** [ENG-STREAM-11] Once nothing it waits for is in flight, what was held for the session is appended, in publish order. */
  private release(a: Attachment): void {
    const id = a.clientId;
    // Let go meanwhile: detach() dropped what was held for it; a newer attachment releases its own.
    if (this.attached.get(id) !== a || this.holding(a)) return;
    const bounds = this.limits();
    for (const { entry, before } of this.waiting.take(id)) this.overflowed(id, a.append(entry, bounds, before));
    const stale = a.stalePatterns();
    if (stale.length > 0) void this.readAll(a, stale);
    if (a.size > 0) this.bus.call(this.bus.watchers.get(id));
  }

  /** Follows the session's subscriptions as Redis has them (`flat`: pattern, position pairs), begun at `since` when known. */
  protected reconcile(a: Attachment, flat: string[], since?: ReadonlyMap<string, number>): void {
    if (this.attached.get(a.clientId) !== a) return;
    const now = new Set<string>();
    for (let i = 0; i < flat.length; i += 2) now.add(flat[i] as string);
    let gone = false;
    for (const pattern of [...a.patterns()]) {
      // Unsubscribed, or unsubscribed and subscribed again since (followed anew from where Redis has it).
      if (now.has(pattern) && !a.isResubscribed(pattern, since?.get(pattern))) continue;
      a.unfollow(pattern);
      this.feeds.leave(pattern, a.clientId);
      gone = true;
    }
    this.readChanged(a, this.follow(a, flat, since), gone);
  }

  protected override followed(clientId: string, pattern: string, position: string, since: number): void {
    const a = this.attached.get(clientId);
    if (!a || position === '') return;
    this.readChanged(a, this.follow(a, [pattern, position], new Map([[pattern, since]])), false);
  }

  /**
   * New follows are read. [ENG-STREAM-12] On a Redis Cluster, a session whose patterns overlap (or
   * did) has all its streams read when one is added or `gone`: the reads name what each gave, and
   * bring the copies of what one stream gave that another has not yet, so that the positions
   * written pass them before the next node, which may not see the patterns overlap, reads from there.
   */
  private readChanged(a: Attachment, added: string[], gone: boolean): void {
    const all = a.namesGiven;
    if (added.length > 0 || (gone && all)) void this.feeds.ready(added).then(() => this.readAll(a, all ? [...a.patterns()] : added));
  }

  protected override async unfollowed(clientId: string, pattern: string): Promise<void> {
    const a = this.attached.get(clientId);
    if (a) {
      a.unfollow(pattern);
      this.feeds.leave(pattern, clientId);
      this.readChanged(a, [], true);
    }
    // Before the unsubscribe is answered: another node may be serving the session (ENG-STREAM-11).
    if (this.link.clustered) await this.feeds.left(pattern, clientId, this.nodeId);
  }

  /**
   * [ENG-STREAM-5] Reads what the session has not had from each of `patterns`' streams and appends
   * it, oldest publish first across streams (by Redis's clock, in µs); losses become the session's
   * notice. Wakes its watcher if it now has something. One read per (session, pattern) at a time.
   * `anchor`: the reads start from where the session stood when it attached here (ENG-STREAM-10).
   */
  protected async readAll(a: Attachment, patterns: string[], anchor = false): Promise<void> {
    const lookBack = a.namesGiven ? LOOK_BACK : 0;
    const reads = patterns.map((pattern) =>
      this.reading.once(a.clientId, pattern, () => {
        a.setStale(pattern, true);
        return readStream(a, pattern, {
          read: (at, most, pid, seen) => this.runRead(pattern, at, most, pid, anchor, lookBack, seen),
          seen: (at) => this.places.seen(pattern, at.epoch, at.offset, FORK_LOOK),
          bounds: this.limits(),
          skipped: (dropped) => this.overflowed(a.clientId, { dropped, disconnect: this.limits().overflow === 'disconnect' }),
        });
      }),
    );
    const entries = (await Promise.all(reads)).flat();
    if (this.attached.get(a.clientId) !== a) return;
    // Through the hold: merged in publish order with what else waits, appended once nothing is in flight.
    const most = this.limits().maxQueue;
    for (const entry of entries) {
      if (!this.waiting.hold(a.clientId, entry, this.places.note(entry), most)) a.setStale(entry.pattern, true);
    }
    this.release(a);
  }

  /** READ_STREAM of `pattern`'s stream from `at`: at most `most` entries, and the last `lookBack` publish ids at or below `at`. */
  private runRead(pattern: string, at: Position, most: number, pid: string, anchor: boolean, lookBack: number, seen?: string[]): Promise<Reply> {
    const args = [pattern, at.epoch, at.offset, most, this.epochCandidate(), pid, anchor ? '1' : '', lookBack];
    return this.link.runStream(READ_STREAM, pattern, seen ? [...args, '1', ...seen] : args);
  }

  /** Sessions neither watched nor used lately are let go: their streams are read again if they come back. */
  private dropIdle(): void {
    const before = Date.now() - IDLE_MS;
    for (const [id, a] of this.attached) if (a.usedAt < before && !this.bus.watchers.has(id) && !this.held.has(id)) this.detach(id);
  }

  override async close(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    if (this.flushTimer) clearInterval(this.flushTimer);
    // A Redis out of reach is not waited for (the offline queue would hold close() up).
    if (this.link.cmd.status === 'ready') await this.writePositions();
    this.writer.stop();
    this.attached.clear();
    this.refreshing.clear();
    this.waiting.clear();
    this.feeds.clear();
    await super.close();
  }
}
