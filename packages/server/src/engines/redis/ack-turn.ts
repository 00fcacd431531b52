/**
 * A turn of ack takes written to Redis (SPEC: ACK-2, ENG-STREAM-9): what engine.ts planned — the
 * batches the turn's positions describe, and those with records of their own — in one TAKE_ACKS
 * call, plus one for the sessions SUBSCRIBE marked meanwhile. What a batch holds and who gets what
 * is the engine's; this file is what goes to Redis and what happens when Redis refuses it.
 */
import type { BatchTaker } from './turns.js';
import { type AckState, type Batch, formatPositions, recordBody } from './ack-record.js';
import type { Attachment, Bounds } from './attachment.js';
import type { RedisLink } from './link.js';
import { list, strings, type Reply } from './replies.js';
import { TAKE_ACKS } from './scripts.js';

/** An ack session's take in a turn: what its batch is made of (a 'q' entry's batch is made by TAKE_ACKS). */
export interface Made {
  t: BatchTaker;
  a: Attachment;
  state: AckState;
  positions: string[];
  batch: Batch | undefined;
  resend: string[];
  fresh: string[];
}

/** A turn as planned: its takes, TAKE_ACKS's entries for the own records, the turn's positions and least number. */
export interface PlannedTurn {
  /** Batches the turn's positions describe. */
  shared: Made[];
  /** Batches written as records of their own ('w', 'q' entries, in order). */
  own: Made[];
  entries: (string | number)[];
  turn: Map<string, string>;
  least: number;
}

/** What writing a turn needs of its node. */
export interface AckTurnHost {
  readonly link: RedisLink;
  readonly nodeId: string;
  limits(): Bounds;
  /** How long the turn's record lives. */
  recordMs(): number;
  attachment(clientId: string): Attachment | undefined;
  /** Attached, being attached, or having its subscriptions read again here. */
  attaching(clientId: string): boolean;
  refreshing(clientId: string): boolean;
  /** Let go here; `gone`: without writing its own positions. */
  detach(clientId: string, gone?: boolean): void;
  /** Reads the session's subscriptions again (REFRESH, which unmarks it). */
  refresh(a: Attachment): void;
  warn(what: string, err: unknown): void;
}

/** A turn written: its number, the own entries' replies, the takes that failed (rejected and let go). */
export interface WrittenTurn {
  n: number;
  replies: Reply[];
  failed: ReadonlySet<string>;
}

/**
 * [ENG-STREAM-9] A turn's records in one script call (two when SUBSCRIBE marked some of its
 * sessions). Refused by Redis (a connection lost, a slot in transit), nothing of it is written, or
 * not the marked sessions' records: those sessions' takes fail and they are let go without writing
 * what was drained as given (their positions would skip it), so the next node or take reads it
 * again (REDIS-11). Undefined when the whole turn failed.
 */
export async function writeAckTurn(host: AckTurnHost, plan: PlannedTurn): Promise<WrittenTurn | undefined> {
  const { shared, own } = plan;
  const bounds = host.limits();
  const fail = (made: readonly Made[], err: unknown): void => {
    for (const { t } of made) {
      host.detach(t.clientId, true);
      t.reject(err);
    }
  };
  let reply: Reply;
  try {
    const sharedLine = shared.length > 0 ? formatPositions(plan.turn) : '';
    reply = await host.link.run(TAKE_ACKS, [bounds.maxQueue, bounds.maxQueueBytes, host.nodeId, '', plan.least, host.recordMs(), sharedLine, ...plan.entries]);
  } catch (err) {
    fail([...shared, ...own], err);
    return undefined;
  }
  const [number, markedReply, replies] = list(reply);
  const n = Number(number);
  const marked = strings(markedReply);
  let failed = new Set<string>();
  try {
    await recordMarked(host, n, shared, marked, bounds);
  } catch (err) {
    failed = new Set(marked);
    fail(
      shared.filter((m) => failed.has(m.t.clientId)),
      err,
    );
  }
  return { n, replies: list(replies ?? []), failed };
}

/**
 * [ENG-STREAM-9] Sessions whose subscriptions changed where this node may not know yet (SUBSCRIBE
 * marked them): the turn's positions may say nothing of a stream they follow now, so their batches
 * of this turn get records of their own, written before they are answered. A marked session not
 * attached here is unmarked (it attaches again from Redis); one attached here reads its
 * subscriptions again, which unmarks it.
 */
async function recordMarked(host: AckTurnHost, n: number, shared: readonly Made[], marked: readonly string[], bounds: Bounds): Promise<void> {
  if (marked.length === 0) return;
  const set = new Set(marked);
  const entries: string[] = [];
  for (const m of shared) if (set.has(m.t.clientId)) entries.push(m.t.clientId, 'w', recordBody(m.batch?.items ?? [], m.positions));
  const stray = marked.filter((id) => !host.attachment(id) && !host.attaching(id));
  if (stray.length > 0) host.link.cmd.srem(`${host.link.ctl}subd:${host.nodeId}`, ...stray).catch((err: unknown) => host.warn('unmark failed', err));
  for (const id of marked) {
    const a = host.attachment(id);
    if (a && !host.refreshing(id)) host.refresh(a);
  }
  if (entries.length > 0) await host.link.run(TAKE_ACKS, [bounds.maxQueue, bounds.maxQueueBytes, host.nodeId, n, 0, 0, '', ...entries]);
}
