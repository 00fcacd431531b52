/**
 * A session attached to this node by the stream engine (SPEC: ENG-STREAM-*): where it stands in
 * each stream it subscribes to, and what this node has received for it and not yet given out. The
 * node's one pub/sub feed per pattern appends here; a take empties it. Pure bookkeeping: no Redis.
 */
import type { OverflowPolicy } from '../../core/engine.js';
import { isWildcard, patternMatches } from '@kuiper/protocol';
import { UNRECOVERED_CHANNEL } from '../session-state.js';
import type { AckState } from './ack-record.js';
import { publishClock } from './publish-clock.js';
import { channelOf, RecentIds } from './stream-places.js';
import { formatPosition, type Position, type StreamEntry } from './stream-entry.js';
import { bare, type Follow, newFollow, sinceText, took } from './follow.js';

export type LossReason = 'trimmed' | 'epoch' | 'overflow';

export interface Bounds {
  maxQueue: number;
  maxQueueBytes: number;
  overflow: OverflowPolicy;
}

/** What appending did to the bounds: messages dropped (drop-oldest), or the session must go. */
export interface Overflow {
  dropped: number;
  disconnect: boolean;
}

/** How many publish ids given lately a session whose streams overlap keeps (RecentIds). */
const RECENT_IDS = 1024;

/** A publish's Redis clock (µs; on one Redis the same in every stream it was appended to) and id. */
export interface PublishAt {
  t: number;
  pid: string;
}

export class Attachment {
  private readonly follows = new Map<string, Follow>();
  /** How many followed patterns are stale. */
  private staleCount = 0;
  /** The records whose `seen` moved since the last drain (one that was unfollowed meanwhile is left alone). */
  private readonly moved: Follow[] = [];
  private buffer: StreamEntry[] = [];
  private bytes = 0;
  /**
   * Publish ids given lately, only once the session followed a wildcard and another pattern (a
   * publish may then come from two streams) or a pattern it left named what it gave (gaveThrough);
   * exact channels never overlap, so most sessions hold none.
   */
  private recent: RecentIds | undefined;
  /**
   * [ENG-STREAM-12] Patterns a session without ack stopped following here while its streams named
   * what they gave (a Redis Cluster): where it stood in each and when that subscription began,
   * written when it is handed over (the last 8; most sessions have none).
   */
  private left: Map<string, { out: Position; since: number }> | undefined;
  /** Patterns whose messages will never come, per reason; made on the first loss (most sessions have none). */
  private losses: Map<LossReason, Set<string>> | undefined;
  /** The `deliver()` queue may hold something (set by a wake notification, or at attach). */
  queued = true;
  /** This node's claim (REDIS-2) stands: no other node claimed the session since it attached here. */
  claimed = true;
  /** When a take or watch last used it (idle attachments are let go). */
  usedAt = Date.now();
  /** [ENG-STREAM-6] FedNow's mark: fed in this event-loop iteration when it equals the current one. */
  fedIn = 0;
  /** In ack mode: its batches (ACK-2, ENG-STREAM-9), made on this node while it is attached here. */
  ack: AckState | undefined = undefined;

  /**
   * `oneClock`: the streams' entries carry one clock that rises with every stream's offsets (one
   * Redis: a publish appends to all its streams in one script). On a Redis Cluster each master
   * stamps its own appends, so no publish can be placed between two of another stream's, and the
   * windows of ENG-STREAM-10 are not used: reads tell what each stream gave lately (ENG-STREAM-12).
   */
  constructor(
    readonly clientId: string,
    readonly oneClock = true,
  ) {}

  get size(): number {
    return this.buffer.length + (this.losses?.size ?? 0);
  }

  /** The followed patterns. */
  patterns(): IterableIterator<string> {
    return this.follows.keys();
  }

  isFollowing(pattern: string): boolean {
    return this.follows.has(pattern);
  }

  /** The last offset received from `pattern`'s stream (given out, buffered or dropped), if followed. */
  seenAt(pattern: string): Position | undefined {
    return this.follows.get(pattern)?.seen;
  }

  /** Whether any followed pattern must be read from its stream before the next take. */
  get anyStale(): boolean {
    return this.staleCount > 0;
  }

  isStale(pattern: string): boolean {
    return this.follows.get(pattern)?.stale === true;
  }

  /** Marks a followed pattern to be read from its stream (or not); a pattern not followed has nothing to read. */
  setStale(pattern: string, stale: boolean): void {
    const f = this.follows.get(pattern);
    if (!f || f.stale === stale) return;
    f.stale = stale;
    this.staleCount += stale ? 1 : -1;
  }

  /** [ENG-STREAM-5] A read found the stream holding what the session had at its position: the feed may append again. */
  trust(pattern: string): void {
    const f = this.follows.get(pattern);
    if (f) f.suspect = false;
  }

  stalePatterns(): string[] {
    const out: string[] = [];
    for (const [pattern, f] of this.follows) if (f.stale) out.push(pattern);
    return out;
  }

  /** Per followed pattern: given out (or dropped) up to here, this node's floor for the session (ENG-STREAM-8). */
  *floors(): IterableIterator<[string, Position]> {
    for (const [pattern, f] of this.follows) yield [pattern, f.out];
  }

  /** Follows a subscription from `position` (made here, or learnt from Redis), begun at `since` (µs) if known. */
  follow(pattern: string, at: Position, since?: number): void {
    const position = bare(at);
    // Following anew keeps a read that was due (as the stream still has to be read from somewhere).
    const stale = this.follows.get(pattern)?.stale === true;
    this.left?.delete(pattern);
    this.follows.set(pattern, newFollow(position, since, stale));
    if (!this.recent && this.follows.size > 1 && [...this.follows.keys()].some(isWildcard)) this.recent = new RecentIds(RECENT_IDS);
  }

  /**
   * [ENG-STREAM-4][ENG-STREAM-10] Whether the pattern's subscription in Redis, begun at `since`, is
   * not the one followed here: it was unsubscribed and subscribed again meanwhile (its position is
   * then the stream's end at that subscribe, maybe in a stream swept and made anew in between).
   * A subscription whose start this node did not know is taken to be the one followed, and learnt.
   */
  isResubscribed(pattern: string, since: number | undefined): boolean {
    const f = this.follows.get(pattern);
    if (!f || since === undefined) return false;
    if (f.since === undefined) {
      f.since = since;
      return false;
    }
    return f.since !== since;
  }

  /** Whether a publish may come from two of its streams (a wildcard and another pattern matching its channel). */
  get overlapping(): boolean {
    return this.recent !== undefined;
  }

  /** [ENG-STREAM-12] On a Redis Cluster, its patterns overlap (or did, on this node): reads name what each stream gave. */
  get namesGiven(): boolean {
    return this.recent !== undefined && !this.oneClock;
  }

  /**
   * [ENG-STREAM-10] The stream of `pattern`, read from where the session stood, had `at` there: the
   * session was given (by this node or the one before) every publish of it from its subscription up
   * to `at`. Another of its streams holding one of those (its position lagging: that node had not
   * had it from there yet) does not give it again. Only before this node took anything from it.
   */
  anchor(pattern: string, at: PublishAt): void {
    const f = this.follows.get(pattern);
    const since = f?.since;
    if (!this.oneClock || !f || !Number.isNaN(f.firstT) || since === undefined || !(at.t > since)) return;
    f.firstT = since;
    f.firstPid = '';
    f.lastT = at.t;
    f.lastPid = at.pid;
  }

  /** [ENG-STREAM-11] The followed pattern's other start, in another epoch than `seen`'s (see Follow). */
  orElse(pattern: string, at: Position): void {
    const f = this.follows.get(pattern);
    if (f) f.orElse = bare(at);
  }

  /**
   * [ENG-STREAM-11] The stream is in epoch `epoch`, not in the one the session's position is in:
   * if the other start is in it, the session goes on from there (true), nothing lost.
   */
  startElse(pattern: string, epoch: string): boolean {
    const f = this.follows.get(pattern);
    const at = f?.orElse;
    if (!f || !at) return false;
    f.orElse = undefined;
    if (at.epoch !== epoch) return false;
    this.skip(pattern, at);
    return true;
  }

  unfollow(pattern: string): void {
    const f = this.follows.get(pattern);
    if (f?.stale) this.staleCount--;
    if (f?.since !== undefined && this.namesGiven && !this.ack) {
      this.left ??= new Map();
      if (this.left.size >= 8) this.left.delete(this.left.keys().next().value as string);
      this.left.set(pattern, { out: f.out, since: f.since });
    }
    this.follows.delete(pattern);
  }

  /**
   * Appends what a feed or a stream read brought, in offset order. An entry that does not follow
   * the last one seen (a gap, another epoch) marks the pattern stale instead: the stream is read.
   * `before`: the publish this node saw at the entry's place before (StreamPlaces.note).
   * Returns what the bounds did (LIMIT-6), or undefined when they were not reached.
   */
  append(entry: StreamEntry, bounds: Bounds, before: string | undefined): Overflow | undefined {
    const f = this.follows.get(entry.pattern);
    if (!f) return undefined;
    const at = f.seen;
    if (entry.offset <= at.offset && entry.epoch === at.epoch) {
      // Had already, unless another publish was seen there (or none): then the stream may have
      // gone back (a failover lost entries, ENG-STREAM-5) and reading it finds out.
      if (before !== entry.pid) {
        f.suspect = true;
        this.setStale(entry.pattern, true);
      }
      return undefined;
    }
    if (f.suspect || entry.epoch !== at.epoch || entry.offset !== at.offset + 1) {
      this.setStale(entry.pattern, true);
      return undefined;
    }
    f.seen = { epoch: at.epoch, offset: entry.offset, pid: entry.pid };
    this.move(f);
    if (this.oneClock) took(f, entry);
    else if (this.before(f, entry)) {
      this.passed(f, entry);
      return undefined;
    }
    if (this.recent) {
      if (this.recent.has(entry.pid) || this.takenElsewhere(entry, f)) {
        this.passed(f, entry);
        return undefined;
      }
      this.recent.add(entry.pid);
    }
    return this.push(entry, bounds);
  }

  /**
   * [REDIS-9] On a Redis Cluster: published before the subscription began (by the control clock
   * its id carries), so not in it. Its append reached the stream after the subscribe read the
   * stream's head, which that read could not tell; one Redis never lets a subscribe see that.
   */
  private before(f: Follow, entry: StreamEntry): boolean {
    const t = publishClock(entry.pid);
    return t !== undefined && f.since !== undefined && t < f.since;
  }

  /**
   * [ENG-STREAM-12] A copy of what another stream gave: when everything before it from this stream
   * was given out and the publish went out too (not waiting in the buffer), the position to write
   * passes it at once, not at the next drain: a node taking the session over now reads from there.
   */
  private passed(f: Follow, entry: StreamEntry): void {
    const out = f.out;
    if (out.epoch !== entry.epoch || out.offset !== entry.offset - 1 || this.buffer.some((e) => e.pid === entry.pid)) return;
    f.out = f.seen;
    f.given = f.seen;
  }

  /**
   * [ENG-STREAM-10] Whether another followed pattern matching the entry's channel took it already:
   * it was published between the first and last entries that pattern took here. This covers what
   * was taken before the session's patterns overlapped (a wildcard followed once the node learnt of
   * it, read from where it was subscribed), which the recent ids, kept only while they overlap, do not.
   */
  private takenElsewhere(entry: StreamEntry, from: Follow): boolean {
    let channel: string | undefined;
    for (const [pattern, g] of this.follows) {
      if (g === from || Number.isNaN(g.firstT)) continue;
      const inside = (entry.t > g.firstT || entry.pid === g.firstPid) && (entry.t < g.lastT || entry.pid === g.lastPid);
      if (!inside) continue;
      channel ??= channelOf(entry);
      if (patternMatches(pattern, channel)) return true;
    }
    return false;
  }

  /**
   * [ENG-STREAM-12] On a Redis Cluster: publishes `pattern`'s stream holds at or below the session's
   * position there (a read says which), given to it through that pattern by this node or the one
   * before: another of its streams bringing one of them does not give it again. Only those its
   * subscription holds (published after it began, by the control clock their ids carry): one made
   * before is not in it, and another pattern gives it. Kept with the publishes given lately.
   */
  gaveLately(pattern: string, pids: readonly string[]): void {
    const since = this.follows.get(pattern)?.since;
    if (this.recent && since !== undefined) this.keepGiven(this.recent, pids, since);
  }

  /** [ENG-STREAM-12] The same for a pattern no longer followed, whose subscription began at `since`: kept even if the rest do not overlap. */
  gaveThrough(pids: readonly string[], since: number): void {
    if (pids.length > 0) this.keepGiven((this.recent ??= new RecentIds(RECENT_IDS)), pids, since);
  }

  private keepGiven(recent: RecentIds, pids: readonly string[], since: number): void {
    for (const pid of pids) if ((publishClock(pid) ?? 0) > since) recent.add(pid);
  }

  /** Entries the read skipped (beyond the bound) count as dropped; the position moves past them. */
  skip(pattern: string, position: Position): void {
    const f = this.follows.get(pattern);
    if (!f) return;
    f.seen = bare(position);
    f.suspect = false;
    // What lay between was not taken: the window of what this pattern took starts again.
    f.firstT = NaN;
    f.lastT = NaN;
    this.move(f);
  }

  private move(f: Follow): void {
    if (f.moved) return;
    f.moved = true;
    this.moved.push(f);
  }

  /** [ENG-STREAM-5] The session lost what the stream had after its position: it is told, and goes on from `head`. */
  lose(pattern: string, reason: LossReason, head: Position): void {
    this.lost(pattern, reason);
    this.skip(pattern, head);
  }

  /** [LIMIT-12] Messages of `pattern` will never reach the session: its next take starts with the notice. */
  lost(pattern: string, reason: LossReason): void {
    this.losses ??= new Map();
    let set = this.losses.get(reason);
    if (!set) this.losses.set(reason, (set = new Set()));
    set.add(pattern);
  }

  private push(entry: StreamEntry, { maxQueue, maxQueueBytes, overflow }: Bounds): Overflow | undefined {
    const size = entry.json.length;
    if (this.buffer.length < maxQueue && this.bytes + size <= maxQueueBytes) {
      this.buffer.push(entry);
      this.bytes += size;
      return undefined;
    }
    if (overflow === 'disconnect') return { dropped: this.buffer.length + 1, disconnect: true };
    // A message larger than the whole bound is the one dropped; the buffer is left alone.
    if (size > maxQueueBytes) return (this.lost(entry.pattern, 'overflow'), { dropped: 1, disconnect: false });
    let dropped = 0;
    while (this.buffer.length > 0 && (this.buffer.length >= maxQueue || this.bytes + size > maxQueueBytes)) {
      const gone = this.buffer.shift() as StreamEntry;
      this.bytes -= gone.json.length;
      this.lost(gone.pattern, 'overflow');
      dropped++;
    }
    this.buffer.push(entry);
    this.bytes += size;
    return { dropped, disconnect: false };
  }

  /** Everything to give out now, as stored JSON: loss notices first, then deliveries in arrival order. */
  drain(): string[] {
    const out: string[] = [];
    if (this.losses) {
      for (const [reason, patterns] of this.losses) {
        out.push(JSON.stringify({ channel: UNRECOVERED_CHANNEL, data: { channels: [...patterns], reason } }));
      }
      this.losses = undefined;
    }
    // What was seen is now given out (or was dropped): that is the position to write.
    for (const f of this.moved) {
      f.moved = false;
      f.given = f.seen;
      f.out = f.seen;
    }
    this.moved.length = 0;
    for (const entry of this.buffer) out.push(entry.json);
    this.buffer = [];
    this.bytes = 0;
    return out;
  }

  /** Where the session stands in each stream as given out: a snapshot for `rewind`. */
  outPositions(): Map<string, Position> {
    const out = new Map<string, Position>();
    for (const [pattern, f] of this.follows) out.set(pattern, f.out);
    return out;
  }

  /**
   * [REDIS-11] What the last drain gave out never left (its take failed): the session stands at
   * `out` again, as it was before that drain. Only for a session being let go (its buffer is gone).
   */
  rewind(out: ReadonlyMap<string, Position>): void {
    for (const [pattern, f] of this.follows) {
      const at = out.get(pattern);
      if (at) f.out = at;
      f.given = undefined;
    }
    // One left since the snapshot stands where it was too: its hand-over must not pass what never left.
    for (const [pattern, l] of this.left ?? []) l.out = out.get(pattern) ?? l.out;
  }

  /**
   * The positions to write, past what was given out: (pattern, 'epoch:offset@stamp', since) triples,
   * flat, as TAKE_STREAM takes them; forgotten once taken. The stamp says this node's per-stream
   * positions count it (ENG-STREAM-8); `since` ('' if unknown), which subscription (ENG-STREAM-11).
   */
  positions(stamp: string): string[] {
    const flat: string[] = [];
    for (const [pattern, f] of this.follows) {
      if (f.given === undefined) continue;
      flat.push(pattern, `${formatPosition(f.given)}@${stamp}`, sinceText(f));
      f.given = undefined;
    }
    return flat;
  }

  /**
   * Every followed pattern's position past what was given out, unstamped: the session let go of
   * this node. Pairs; with `since`, (pattern, position, since) triples for TAKE_STREAM.
   */
  ownPositions(since = false): string[] {
    const flat: string[] = [];
    for (const [pattern, f] of this.follows) {
      flat.push(pattern, formatPosition(f.out));
      if (since) flat.push(sinceText(f));
    }
    // [ENG-STREAM-12] With `since` (a hand-over): those left too, kept with their gone subscriptions.
    if (since && this.left) for (const [pattern, l] of this.left) flat.push(pattern, formatPosition(l.out), String(l.since));
    return flat;
  }
}
