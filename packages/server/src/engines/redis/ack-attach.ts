/**
 * A session attaching to a node (SPEC: ENG-STREAM-4, -9, -11, -12): ATTACH's reply read — where it
 * starts in each stream, when its subscriptions began, and for an ack session its batches' state,
 * from its stored positions, its own record, and the record of the turn the client's ack names.
 * Pure: no Redis here.
 */
import { AckState, parsePositions, parseRecord, startPosition } from './ack-record.js';
import { strings, type Reply } from './replies.js';
import { formatPosition, parsePosition, type Position } from './stream-entry.js';
import { type GoneFollow, sinceOf } from './stream-read.js';

/** What ATTACH returned, read. */
export interface AttachStart {
  /** The session's `deliver()` queue may hold something. */
  queued: boolean;
  /** Where it starts: (pattern, 'epoch:offset') pairs, flat. */
  flat: string[];
  /** Stored positions set aside for a record's in another epoch: the stream decides (ENG-STREAM-11). */
  storedElse: ReadonlyMap<string, Position>;
  /** In ack mode: its batches' state. */
  ack: AckState | undefined;
  /** When each subscription began (µs, ENG-STREAM-10). */
  since: Map<string, number>;
  /** [ENG-STREAM-12] Patterns it unsubscribed lately, and where it is known to have stood in them. */
  gone: ReadonlyMap<string, GoneFollow>;
}

/** `r`: ATTACH's reply (stream-scripts.ts); `acked`: the batch the client says it received, if known. */
export function readAttach(r: readonly Reply[], acked: number | undefined): AttachStart {
  const [queued, stored, , ackFlag, record, turn, since, gone] = r;
  const base = { queued: Number(queued) > 0, since: sinceOf(since) };
  const flat = strings(stored);
  if (ackFlag !== '1') return { ...base, flat, storedElse: new Map(), ack: undefined, gone: goneStarts(undefined, undefined, flat, strings(gone)) };
  const start = ackStart(flat, String(record ?? ''), String(turn ?? ''), acked, strings(gone));
  return { ...base, flat: start.flat, storedElse: start.storedElse, ack: start.state, gone: start.gone };
}

export interface AckStart {
  state: AckState;
  /** Where it starts: (pattern, 'epoch:offset') pairs, flat. */
  flat: string[];
  /** Stored positions set aside for a record's in another epoch: the stream decides (ENG-STREAM-11). */
  storedElse: Map<string, Position>;
  /** [ENG-STREAM-12] Patterns unsubscribed whose position the record holds as the session's own. */
  gone: Map<string, GoneFollow>;
}

/**
 * `stored`: the session's positions as Redis has them; `record`, `turn`, `gone`: ATTACH's texts;
 * `acked`: the batch the client says it received, if known.
 */
export function ackStart(stored: string[], record: string, turn: string, acked: number | undefined, gone: string[] = []): AckStart {
  const parsed = parseRecord(record);
  const storedElse = new Map<string, Position>();
  if (acked !== undefined && turn !== '') {
    // [ENG-STREAM-9] The client took batch `acked`, made in a turn after the session's record:
    // it starts where that turn left it, and what it did not acknowledge is read again.
    const positions = parsePositions(turn);
    return { state: new AckState(acked), flat: recordedStarts(stored, positions, storedElse), storedElse, gone: goneStarts(positions, acked, stored, gone) };
  }
  const state = AckState.from(parsed);
  state.guessed = acked === undefined;
  if (!parsed) return { state, flat: stored, storedElse, gone: new Map() };
  return { state, flat: recordedStarts(stored, parsed.positions, storedElse), storedElse, gone: goneStarts(parsed.positions, undefined, stored, gone) };
}

/**
 * [ENG-STREAM-12] Of the patterns the session unsubscribed lately (`gone`: pattern, 'since turn
 * [epoch:offset]' pairs, kept on a Redis Cluster: when that subscription began, the turn counter
 * at the unsubscribe, and without ack where it stood), those whose position is known to be the
 * session's own, with it. Without ack (`recorded` undefined): the one kept, given up to there. An
 * ack session's is the one in the record it starts past (what it acknowledged): a record of its
 * own holds only its own; a turn's record (number `turn`) holds the session's own position in
 * each stream it followed then and another session's in the rest, so it counts only if the turn
 * was made before the unsubscribe. A pattern subscribed again (in `stored`) is followed instead.
 */
function goneStarts(recorded: ReadonlyMap<string, string> | undefined, turn: number | undefined, stored: readonly string[], gone: readonly string[]): Map<string, GoneFollow> {
  const out = new Map<string, GoneFollow>();
  if (gone.length === 0) return out;
  const followed = new Set(stored.filter((_, i) => i % 2 === 0));
  for (let i = 0; i + 1 < gone.length; i += 2) {
    const pattern = gone[i] as string;
    const [sinceText, untilText, kept] = (gone[i + 1] as string).split(' ');
    const since = Number(sinceText);
    const until = Number(untilText);
    const at = recorded ? recorded.get(pattern) : kept;
    if (at === undefined || followed.has(pattern) || !sinceText || !Number.isFinite(since) || !Number.isFinite(until)) continue;
    if (turn !== undefined && turn > until) continue;
    out.set(pattern, { at: parsePosition(at), since });
  }
  return out;
}

/**
 * [ENG-STREAM-9] An ack session's positions (pattern, 'epoch:offset' pairs, flat) moved to its
 * record's where that is further on: a node that made batches wrote only the record. Where the
 * record's is in another epoch, the stored one goes in `storedElse` (ENG-STREAM-11).
 */
function recordedStarts(flat: string[], recorded: ReadonlyMap<string, string>, storedElse: Map<string, Position>): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const pattern = flat[i] as string;
    const at = recorded.get(pattern);
    const stored = parsePosition(flat[i + 1] as string);
    const start = at === undefined ? stored : startPosition(stored, parsePosition(at));
    if (start.epoch !== stored.epoch) storedElse.set(pattern, stored);
    out.push(pattern, formatPosition(start));
  }
  return out;
}
