/**
 * An ack session's batches on the Redis engine (SPEC: ACK-*, ENG-STREAM-9): kept by the node the
 * session is attached to, and written to Redis as one record per session, all of a turn's records
 * in one script call (queue-scripts.ts, TAKE_ACKS). A record is what another node needs to go on
 * after this one is gone (`kill -9` included): the last batch number, the batch not yet
 * acknowledged with its deliveries, and the positions past it. Pure: no Redis here.
 *
 * Record text: `n\tu` (u empty when nothing awaits an ack), then the positions line (pattern and
 * 'epoch:offset', tab-separated), then one stored delivery (JSON) per line. Channel names are
 * printable (no tab, no newline) and stored JSON is compact (a newline in a string is escaped).
 */

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

/** One batch, made by `nextBatch`. */
export interface Batch {
  n: number;
  /** The deliveries, bounded (the oldest dropped). */
  items: string[];
  /** How many of the oldest were dropped by the bounds (LIMIT-6). */
  dropped: number;
  /** Whether the record must be written: the batch holds something, or the last one was acknowledged. */
  write: boolean;
}

/** An attached ack session's batches, kept on its node. */
export class AckState {
  constructor(
    /** The last batch number given (from the record at attach, then counted here). */
    public n = 0,
    public unacked: Unacked | undefined = undefined,
  ) {}

  static from(record: AckRecord | undefined): AckState {
    return record ? new AckState(record.n, record.unacked) : new AckState();
  }

  /**
   * [ACK-2] The next batch: what `acked` did not acknowledge (sent again, first), then `fresh`,
   * bounded like a queue (LIMIT-6: the oldest go). Numbers only grow, past any the client acknowledged:
   * after a node is gone the record may be behind numbers given for empty batches.
   */
  nextBatch(acked: number | undefined, fresh: string[], bounds: BatchBounds): Batch {
    const resend = this.resend(acked);
    const all = resend.length === 0 ? fresh : fresh.length === 0 ? resend : [...resend, ...fresh];
    const start = boundedStart(all, bounds);
    const items = start === 0 ? all : all.slice(start);
    return { n: this.number(acked), items, dropped: start, write: items.length > 0 || this.unacked !== undefined };
  }

  /** [ACK-2] The deliveries `acked` did not acknowledge: the batch in flight, sent again first. */
  resend(acked: number | undefined): string[] {
    const pending = this.unacked;
    return pending && (acked === undefined || acked < pending.n) ? pending.items : [];
  }

  /** The next batch's number. */
  number(acked: number | undefined): number {
    return (acked !== undefined && Number.isSafeInteger(acked) && acked > this.n ? acked : this.n) + 1;
  }

  /** The batch was given (its record, when it needed one, is written). */
  given(batch: Batch): void {
    this.n = batch.n;
    this.unacked = batch.items.length > 0 ? { n: batch.n, items: batch.items } : undefined;
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

/** The record's first two lines: numbers and positions (`positions` flat: pattern, 'epoch:offset'). */
function recordHead(n: number, unacked: boolean, positions: readonly string[]): string {
  return `${n}\t${unacked ? n : ''}\n${positions.join('\t')}`;
}

/**
 * The head TAKE_ACKS completes for a batch it makes with a session's deliver() queue: the number,
 * then the positions line; the script adds the unacknowledged field once it knows whether the
 * batch holds anything (the same lines as `recordHead`).
 */
export function queuedHead(n: number, positions: readonly string[]): string {
  return `${n}\n${positions.join('\t')}`;
}

/** The whole record of a batch as given. */
export function formatRecord(batch: Pick<Batch, 'n' | 'items'>, positions: readonly string[]): string {
  const head = recordHead(batch.n, batch.items.length > 0, positions);
  return batch.items.length === 0 ? head : `${head}\n${batch.items.join('\n')}`;
}

/** Reads a record; undefined for none ('' or malformed: the session then starts from its stored positions). */
export function parseRecord(text: string): AckRecord | undefined {
  const first = text.indexOf('\n');
  if (first < 0) return undefined;
  const second = text.indexOf('\n', first + 1);
  const [nText, uText] = text.slice(0, first).split('\t');
  const n = Number(nText);
  if (!Number.isSafeInteger(n) || n < 0) return undefined;
  const flat = text.slice(first + 1, second < 0 ? text.length : second);
  const positions = new Map<string, string>();
  const parts = flat === '' ? [] : flat.split('\t');
  for (let i = 0; i + 1 < parts.length; i += 2) positions.set(parts[i] as string, parts[i + 1] as string);
  const items = second < 0 ? [] : text.slice(second + 1).split('\n');
  const u = uText ? Number(uText) : undefined;
  const unacked = u !== undefined && Number.isSafeInteger(u) && items.length > 0 ? { n: u, items } : undefined;
  return { n, unacked, positions };
}

/**
 * Where an ack session attaching here starts in each stream: its stored position, or its record's
 * when that is further on (in the same epoch) or in another epoch (the record was written last).
 * Stored positions lag the record (a take writes only the record); one ahead of it was stored
 * by a subscribe made after the record's batch.
 */
export function startPosition<P extends Place>(stored: P, recorded: P | undefined): P {
  if (!recorded) return stored;
  if (recorded.epoch !== stored.epoch) return recorded;
  return recorded.offset > stored.offset ? recorded : stored;
}
