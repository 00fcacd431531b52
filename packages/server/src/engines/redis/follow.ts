/**
 * Where a session attached to this node stands in one stream it follows (SPEC: ENG-STREAM-*), as
 * its Attachment keeps it. Pure: no Redis here.
 */
import type { Position } from './stream-entry.js';

/** The position without a publish id: one set from outside (Redis, a read's skip) says nothing of the publish there. */
export const bare = (p: Position): Position => (p.pid === undefined ? p : { epoch: p.epoch, offset: p.offset });

/**
 * Where an attached session stands in one stream it follows: one record per followed pattern, not
 * one Map or Set per kind of fact (five of them per session cost ~0.8 KiB of heap each session).
 */
export interface Follow {
  /** The last offset received (given out, buffered or dropped), contiguous from the stored position. */
  seen: Position;
  /** When the subscription began (µs, Redis's clock), if known: a subscription made again has another (ENG-STREAM-10). */
  since: number | undefined;
  /** Given out (or dropped) up to here: this node's floor for the session (ENG-STREAM-8). */
  out: Position;
  /** Past what was given out (drained), not yet written to Redis. */
  given: Position | undefined;
  /** `seen` moved since the last drain. */
  moved: boolean;
  /** The feed showed a gap or another epoch: read from the stream before the next take. */
  stale: boolean;
  /**
   * [ENG-STREAM-5] The feed brought another publish (or one this node never saw) at or below
   * `seen`: the stream may have gone back, so the feed's next offsets may be new publishes taking
   * the places of ones the session had. Nothing is appended from the feed until a read says where
   * the session stands.
   */
  suspect: boolean;
  /**
   * [ENG-STREAM-11] Where the session stands if the stream is not in `seen`'s epoch but in this
   * one's: an ack record's position and the stored one in two epochs (the record, or a subscription
   * made again after its stream was swept, came last); undefined for nearly every follow.
   */
  orElse: Position | undefined;
  /**
   * The first and last publishes taken in order from this stream since it was followed here (given,
   * buffered, or found given through another pattern): every publish between them that matches the
   * pattern reached the session (ENG-STREAM-10). Their clocks (µs; NaN: none yet) and ids, kept as
   * plain fields: they change with every delivery, which must allocate nothing more.
   */
  firstT: number;
  firstPid: string;
  lastT: number;
  lastPid: string;
}

/** When the follow's subscription began, as Redis stores it ('' when this node does not know). */
export const sinceText = (f: Follow): string => (f.since === undefined ? '' : String(f.since));

/** A stream followed from `position` (bare), begun at `since` if known; `stale`: to be read before the next take. */
export function newFollow(position: Position, since: number | undefined, stale: boolean): Follow {
  return { seen: position, since, out: position, given: undefined, moved: false, stale, suspect: false, orElse: undefined, firstT: NaN, firstPid: '', lastT: NaN, lastPid: '' };
}

/** [ENG-STREAM-10] The follow took the publish at `t` (µs) with id `pid`, in order: its window of what it took ends there. */
export function took(f: Follow, { t, pid }: { t: number; pid: string }): void {
  if (Number.isNaN(f.firstT)) {
    f.firstT = t;
    f.firstPid = pid;
  }
  f.lastT = t;
  f.lastPid = pid;
}
