/**
 * An ack session's batches on the Redis engine (SPEC: ACK-*, ENG-STREAM-9): kept by the node the
 * session is attached to; what another node needs to go on after this one is gone (`kill -9`
 * included) is written once per turn, whatever the number of sessions (queue-scripts.ts, TAKE_ACKS).
 * Every batch of a turn has the turn's number, from one counter in Redis. A turn's record holds
 * where its sessions stand past their batches, one position per stream for all of them; a session
 * whose batch that cannot say (a batch sent again, bounded, with `deliver()` messages, a stream where
 * it stands elsewhere, subscriptions its node may not know yet) gets a record of its own. The node
 * a session attaches to asks with the client's ack: the turn it names, or the session's record. A
 * batch the client did not acknowledge is read again from the streams. Pure: no Redis here.
 *
 * Session record text: `n\tu` (u empty when nothing awaits an ack), then the positions line (pattern
 * and 'epoch:offset', tab-separated), then one stored delivery (JSON) per line. A turn's record is
 * a positions line. Channel names are printable (no tab, no newline) and stored JSON is compact (a
 * newline in a string is escaped).
 */
import type { Message } from '@kuiper/protocol';
import { UNRECOVERED_CHANNEL } from '../session-state.js';

/** The bounds a batch keeps to (LIMIT-6), as the engine's `Bounds` has them. */
export interface BatchBounds {
  maxQueue: number;
  maxQueueBytes: number;
}

/** A place in a stream, as `Position` (attachment.ts, which holds an `AckState`: no import back). */
interface Place {
  epoch: string;
  offset: number;
}

/** The batch sent and not yet acknowledged: its number and its deliveries (stored JSON). */
export interface Unacked {
  n: number;
  items: string[];
}

/** What a session's record says. */
export interface AckRecord {
  /** The last batch number given. */
  n: number;
  unacked: Unacked | undefined;
  /** Where the session stands past its last batch: pattern → 'epoch:offset'. */
  positions: Map<string, string>;
}

/** One batch's deliveries, made by `nextBatch`; its number is its turn's (TAKE_ACKS). */
export interface Batch {
  /** The deliveries, bounded (the oldest dropped). */
  items: string[];
  /** How many of the oldest were dropped by the bounds (LIMIT-6). */
  dropped: number;
  /** How many of `items` are deliveries sent again (the batch not acknowledged). */
  resent: number;
}

/** The highest number a client's ack may raise the turn counter to (far below 2^53: numbers stay exact). */
const MAX_ACK = 2 ** 52;

/** An attached ack session's batches, kept on its node. */
export class AckState {
  /**
   * Attached without the client's ack at hand: the state is its record's, which turns since may
   * have passed. The first take naming a later batch attaches it again, asking with that ack.
   */
  guessed = false;

  constructor(
    /** The last batch number given (from the record or the turn at attach, then the turns'). */
    public n = 0,
    public unacked: Unacked | undefined = undefined,
  ) {}

  /** [ENG-STREAM-9] Attached without the client's ack, which names a later batch: to be attached again with it. */
  behind(acked: number | undefined): boolean {
    return this.guessed && acked !== undefined && acked > this.n;
  }

  static from(record: AckRecord | undefined): AckState {
    return record ? new AckState(record.n, record.unacked) : new AckState();
  }

  /**
   * [ACK-2] The next batch's deliveries: what `acked` did not acknowledge (sent again, first), then
   * `fresh`, bounded like a queue (LIMIT-6: the oldest go).
   */
  nextBatch(acked: number | undefined, fresh: string[], bounds: BatchBounds): Batch {
    const resend = this.resend(acked);
    const all = resend.length === 0 ? fresh : fresh.length === 0 ? resend : [...resend, ...fresh];
    const start = boundedStart(all, bounds);
    const items = start === 0 ? all : all.slice(start);
    return { items, dropped: start, resent: Math.max(0, resend.length - start) };
  }

  /** [ACK-2] The deliveries `acked` did not acknowledge: the batch in flight, sent again first. */
  resend(acked: number | undefined): string[] {
    const pending = this.unacked;
    return pending && (acked === undefined || acked < pending.n) ? pending.items : [];
  }

  /**
   * The least number the next batch may have: past the last one given and past any the client
   * acknowledged (a client drops a batch numbered at or below the last it took, and after a node
   * is gone the state may be behind the client). An ack past 2^52 is not believed.
   */
  floor(acked: number | undefined): number {
    const known = acked !== undefined && Number.isSafeInteger(acked) && acked > this.n && acked <= MAX_ACK ? acked : this.n;
    return known + 1;
  }

  /** The batch was given as number `n`; an empty one keeps the last number (nothing to acknowledge). */
  given(n: number, items: string[]): void {
    this.n = n;
    this.unacked = items.length > 0 ? { n, items } : undefined;
    this.guessed = false;
  }
}

/** [LIMIT-6] The index of the first of `items` kept within the bounds (the oldest go first). */
export function boundedStart(items: readonly string[], { maxQueue, maxQueueBytes }: BatchBounds): number {
  let bytes = 0;
  for (const m of items) bytes += m.length;
  let start = 0;
  while (start < items.length && (items.length - start > maxQueue || bytes > maxQueueBytes)) {
    bytes -= (items[start] as string).length;
    start++;
  }
  return start;
}

/** A session record's lines after its numbers (TAKE_ACKS writes them after `n\tn`): the positions line, then one stored delivery per line. */
export function recordBody(items: readonly string[], positions: readonly string[]): string {
  const line = positions.join('\t');
  return items.length === 0 ? line : `${line}\n${items.join('\n')}`;
}

/** Reads a record; undefined for none ('' or malformed: the session then starts from its stored positions). */
export function parseRecord(text: string): AckRecord | undefined {
  const first = text.indexOf('\n');
  if (first < 0) return undefined;
  const second = text.indexOf('\n', first + 1);
  const [nText, uText] = text.slice(0, first).split('\t');
  const n = Number(nText);
  if (!Number.isSafeInteger(n) || n < 0) return undefined;
  const positions = parsePositions(text.slice(first + 1, second < 0 ? text.length : second));
  const items = second < 0 ? [] : text.slice(second + 1).split('\n');
  const u = uText ? Number(uText) : undefined;
  const unacked = u !== undefined && Number.isSafeInteger(u) && items.length > 0 ? { n: u, items } : undefined;
  return { n, unacked, positions };
}

/** A positions line (a turn's record, or a session record's second line): pattern → 'epoch:offset'. */
export function parsePositions(line: string): Map<string, string> {
  const positions = new Map<string, string>();
  const parts = line === '' ? [] : line.split('\t');
  for (let i = 0; i + 1 < parts.length; i += 2) positions.set(parts[i] as string, parts[i + 1] as string);
  return positions;
}

/**
 * [ENG-STREAM-9] Adds a session's positions (flat: pattern, 'epoch:offset') to its turn's when
 * none of its streams stands elsewhere there; false, adding nothing, when one does (the session
 * then gets a record of its own).
 */
export function joinTurn(turn: Map<string, string>, positions: readonly string[]): boolean {
  for (let i = 0; i + 1 < positions.length; i += 2) {
    const at = turn.get(positions[i] as string);
    if (at !== undefined && at !== positions[i + 1]) return false;
  }
  for (let i = 0; i + 1 < positions.length; i += 2) turn.set(positions[i] as string, positions[i + 1] as string);
  return true;
}

/** A turn's positions as its record holds them. */
export function formatPositions(turn: ReadonlyMap<string, string>): string {
  const flat: string[] = [];
  for (const [pattern, at] of turn) flat.push(pattern, at);
  return flat.join('\t');
}

/**
 * Where an ack session attaching here starts in each stream: its stored position, or its record's
 * (or turn's) when that is further on (in the same epoch) or in another epoch (the record was
 * written last). A stored position ahead of the record was stored by a subscribe made after it.
 */
export function startPosition<P extends Place>(stored: P, recorded: P | undefined): P {
  if (!recorded) return stored;
  if (recorded.epoch !== stored.epoch) return recorded;
  return recorded.offset > stored.offset ? recorded : stored;
}

/**
 * [LIMIT-12] An ack batch whose oldest messages the bound dropped (in Redis, as the batch was taken)
 * starts with the notice naming the session's subscriptions: the session is told, never silently.
 */
export function withOverflowNotice(messages: Message[], dropped: number, patterns: Iterable<string>): Message[] {
  if (dropped === 0) return messages;
  return [{ channel: UNRECOVERED_CHANNEL, data: { channels: [...patterns], reason: 'overflow' } }, ...messages];
}
