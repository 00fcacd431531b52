/**
 * A session attached to this node by the stream engine (SPEC: ENG-STREAM-*): where it stands in
 * each stream it subscribes to, and what this node has received for it and not yet given out. The
 * node's one pub/sub feed per pattern appends here; a take empties it. Pure bookkeeping: no Redis.
 */
import type { OverflowPolicy } from '../../core/engine.js';
import { isWildcard, type Message } from '@kuiper/protocol';

/** A publish as stored in a stream and carried by its pub/sub channel. */
export interface StreamEntry {
  pattern: string;
  epoch: string;
  offset: number;
  /** The same publish appended to several matching streams has one id: a session gets it once. */
  pid: string;
  /** Redis's clock at the publish, in µs: orders a backlog read from several streams. */
  t: number;
  json: string;
}

export interface Position {
  epoch: string;
  offset: number;
  /** The publish id at this offset, when this node received it (ENG-STREAM-5: a stream that went back is found by it). */
  pid?: string;
}

export type LossReason = 'trimmed' | 'epoch' | 'overflow';

/** The channel of the message that tells a session which subscriptions were not recovered. */
export const UNRECOVERED_CHANNEL = '/service/kuiper/unrecovered';

/**
 * [LIMIT-12] An ack batch whose oldest messages the bound dropped (in Redis, as the batch was taken)
 * starts with the notice naming the session's subscriptions: the session is told, never silently.
 */
export function withOverflowNotice(messages: Message[], dropped: number, patterns: Iterable<string>): Message[] {
  if (dropped === 0) return messages;
  return [{ channel: UNRECOVERED_CHANNEL, data: { channels: [...patterns], reason: 'overflow' } }, ...messages];
}

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

/** 'epoch:offset' as stored in Redis, maybe stamped ('@gen.node', ENG-STREAM-8); an epoch is hex: it has no colon. */
export function parsePosition(text: string): Position {
  const at = text.indexOf(':');
  return { epoch: text.slice(0, at), offset: Number.parseInt(text.slice(at + 1), 10) || 0 };
}

export const formatPosition = (p: Position): string => `${p.epoch}:${p.offset}`;

/** The position without a publish id: one set from outside (Redis, a read's skip) says nothing of the publish there. */
const bare = (p: Position): Position => (p.pid === undefined ? p : { epoch: p.epoch, offset: p.offset });

/**
 * [ENG-STREAM-5] The publish this node last saw at each place (pattern, epoch, offset) of the
 * streams it follows, for the last PLACES places, shared by every session attached here: an entry
 * at or below a session's position is a copy of what it had when this node saw the same publish
 * there; another publish there (or one this node never saw there) means the stream may have gone
 * back, and the session reads it. One map per node: a per-session memory of publish ids held
 * ~40 KiB for every session on a busy channel.
 */
export class StreamPlaces {
  private readonly pids = new Map<string, string>();

  constructor(private readonly size = PLACES) {}

  /** Records `entry`'s publish at its place; returns the publish seen there before, if any. */
  note(entry: StreamEntry): string | undefined {
    const key = `${entry.pattern}\n${entry.epoch}\n${entry.offset}`;
    const before = this.pids.get(key);
    if (before !== entry.pid) {
      if (before !== undefined) this.pids.delete(key);
      this.pids.set(key, entry.pid);
      if (this.pids.size > this.size) this.pids.delete(this.pids.keys().next().value as string);
    }
    return before;
  }
}

const PLACES = 8192;

/** Publish ids a session was given lately, bounded: a publish matching two of its patterns goes once. */
class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly size: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value as string);
  }
}

export class Attachment {
  /** Per pattern: the last offset received (given out, buffered or dropped), contiguous from the stored position. */
  readonly seen = new Map<string, Position>();
  /** Patterns whose feed showed a gap or another epoch: read from the stream before the next take. */
  readonly stale = new Set<string>();
  /** Patterns whose `seen` moved since the last drain. */
  readonly moved = new Set<string>();
  /** Positions past what was given out (drained), not yet written to Redis. */
  readonly given = new Map<string, Position>();
  /** Per pattern: given out (or dropped) up to here — this node's floor for the session (ENG-STREAM-8). */
  readonly out = new Map<string, Position>();
  private buffer: StreamEntry[] = [];
  private bytes = 0;
  /**
   * Publish ids given lately, only while the session follows a wildcard and another pattern (a
   * publish may then come from two streams); exact channels never overlap, so most sessions hold none.
   */
  private recent: RecentIds | undefined;
  private readonly losses = new Map<LossReason, Set<string>>();
  /** The `deliver()` queue may hold something (set by a wake notification, or at attach). */
  queued = true;
  /** This node's claim (REDIS-2) stands: no other node claimed the session since it attached here. */
  claimed = true;
  /** When a take or watch last used it (idle attachments are let go). */
  usedAt = Date.now();

  constructor(readonly clientId: string) {}

  get size(): number {
    return this.buffer.length + this.losses.size;
  }

  /** Follows a subscription from `position` (made here, or learnt from Redis). */
  follow(pattern: string, at: Position): void {
    const position = bare(at);
    this.seen.set(pattern, position);
    if (!this.recent && this.seen.size > 1 && [...this.seen.keys()].some(isWildcard)) this.recent = new RecentIds(1024);
    this.out.set(pattern, position);
    this.moved.delete(pattern);
    this.given.delete(pattern);
  }

  unfollow(pattern: string): void {
    this.seen.delete(pattern);
    this.out.delete(pattern);
    this.stale.delete(pattern);
    this.moved.delete(pattern);
    this.given.delete(pattern);
  }

  /**
   * Appends what a feed or a stream read brought, in offset order. An entry that does not follow
   * the last one seen (a gap, another epoch) marks the pattern stale instead: the stream is read.
   * `before`: the publish this node saw at the entry's place before (StreamPlaces.note).
   * Returns what the bounds did (LIMIT-6), or undefined when they were not reached.
   */
  append(entry: StreamEntry, bounds: Bounds, before: string | undefined): Overflow | undefined {
    const at = this.seen.get(entry.pattern);
    if (!at) return undefined;
    if (entry.offset <= at.offset && entry.epoch === at.epoch) {
      // Had already, unless another publish was seen there (or none): then the stream may have
      // gone back (a failover lost entries, ENG-STREAM-5) and reading it finds out.
      if (before !== entry.pid) this.stale.add(entry.pattern);
      return undefined;
    }
    if (entry.epoch !== at.epoch || entry.offset !== at.offset + 1) {
      this.stale.add(entry.pattern);
      return undefined;
    }
    this.seen.set(entry.pattern, { epoch: at.epoch, offset: entry.offset, pid: entry.pid });
    this.moved.add(entry.pattern);
    if (this.recent) {
      if (this.recent.has(entry.pid)) return undefined;
      this.recent.add(entry.pid);
    }
    return this.push(entry, bounds);
  }

  /** Entries the read skipped (beyond the bound) count as dropped; the position moves past them. */
  skip(pattern: string, position: Position): void {
    this.seen.set(pattern, bare(position));
    this.moved.add(pattern);
  }

  /** [ENG-STREAM-5] The session lost what the stream had after its position: it is told, and goes on from `head`. */
  lose(pattern: string, reason: LossReason, head: Position): void {
    this.lost(pattern, reason);
    this.skip(pattern, head);
  }

  /** [LIMIT-12] Messages of `pattern` will never reach the session: its next take starts with the notice. */
  lost(pattern: string, reason: LossReason): void {
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
    for (const [reason, patterns] of this.losses) {
      out.push(JSON.stringify({ channel: UNRECOVERED_CHANNEL, data: { channels: [...patterns], reason } }));
    }
    this.losses.clear();
    // What was seen is now given out (or was dropped): that is the position to write.
    for (const pattern of this.moved) {
      const at = this.seen.get(pattern);
      if (!at) continue;
      this.given.set(pattern, at);
      this.out.set(pattern, at);
    }
    this.moved.clear();
    for (const entry of this.buffer) out.push(entry.json);
    this.buffer = [];
    this.bytes = 0;
    return out;
  }

  /**
   * [REDIS-11] What the last drain gave out never left (its take failed): the session stands at
   * `out` again, as it was before that drain. Only for a session being let go (its buffer is gone).
   */
  rewind(out: ReadonlyMap<string, Position>): void {
    this.out.clear();
    for (const [pattern, at] of out) this.out.set(pattern, at);
    this.given.clear();
  }

  /**
   * The positions to write, past what was given out: (pattern, 'epoch:offset@stamp') pairs, flat;
   * forgotten once taken. The stamp says this node's per-stream positions count it (ENG-STREAM-8).
   */
  positions(stamp: string): string[] {
    const flat: string[] = [];
    for (const [pattern, at] of this.given) if (this.seen.has(pattern)) flat.push(pattern, `${formatPosition(at)}@${stamp}`);
    this.given.clear();
    return flat;
  }

  /** Every followed pattern's position past what was given out, unstamped: the session let go of this node. */
  ownPositions(): string[] {
    const flat: string[] = [];
    for (const [pattern, at] of this.out) flat.push(pattern, formatPosition(at));
    return flat;
  }
}
