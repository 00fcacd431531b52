/**
 * An ack session attaching to a node (SPEC: ENG-STREAM-9, ENG-STREAM-11): its batches' state and
 * where it starts in each stream, from what ATTACH read — its stored positions, its own record,
 * and the record of the turn the client's ack names. Pure: no Redis here.
 */
import { AckState, parsePositions, parseRecord, startPosition } from './ack-record.js';
import { formatPosition, parsePosition, type Position } from './stream-entry.js';

export interface AckStart {
  state: AckState;
  /** Where it starts: (pattern, 'epoch:offset') pairs, flat. */
  flat: string[];
  /** Stored positions set aside for a record's in another epoch: the stream decides (ENG-STREAM-11). */
  storedElse: Map<string, Position>;
}

/**
 * `stored`: the session's positions as Redis has them; `record`, `turn`: ATTACH's texts;
 * `acked`: the batch the client says it received, if known.
 */
export function ackStart(stored: string[], record: string, turn: string, acked: number | undefined): AckStart {
  const parsed = parseRecord(record);
  const storedElse = new Map<string, Position>();
  if (acked !== undefined && turn !== '') {
    // [ENG-STREAM-9] The client took batch `acked`, made in a turn after the session's record:
    // it starts where that turn left it, and what it did not acknowledge is read again.
    return { state: new AckState(acked), flat: recordedStarts(stored, parsePositions(turn), storedElse), storedElse };
  }
  const state = AckState.from(parsed);
  state.guessed = acked === undefined;
  return { state, flat: parsed ? recordedStarts(stored, parsed.positions, storedElse) : stored, storedElse };
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
