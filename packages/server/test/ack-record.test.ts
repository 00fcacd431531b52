// An ack session's batches as its node keeps them and the record another node goes on from
// (SPEC: ACK-2, LIMIT-6, ENG-STREAM-9). Pure: no Redis.
import { describe, expect, it } from 'vitest';
import { AckState, boundedStart, formatPositions, joinTurn, parsePositions, parseRecord, recordBody, startPosition } from '../src/engines/redis/ack-record.js';

/** A session record as TAKE_ACKS writes it: the number twice when the batch holds something, then `recordBody`. */
const record = (n: number, items: string[], positions: string[]): string => `${n}\t${items.length > 0 ? n : ''}\n${recordBody(items, positions)}`;

const roomy = { maxQueue: 100, maxQueueBytes: 1_000_000 };

describe('ack record', () => {
  it('[ENG-STREAM-9] a record reads back as written: number, batch awaiting an ack, positions past it', () => {
    const items = ['{"channel":"/a","data":"x\\ny"}', '{"channel":"/b","data":2}'];
    const text = record(7, items, ['/a', 'e1:4', '/b/**', 'e2:9']);
    expect(parseRecord(text)).toEqual({
      n: 7,
      unacked: { n: 7, items },
      positions: new Map([
        ['/a', 'e1:4'],
        ['/b/**', 'e2:9'],
      ]),
    });
    expect(text).toBe(`7\t7\n/a\te1:4\t/b/**\te2:9\n${items.join('\n')}`);
    expect(parseRecord(record(3, [], []))).toEqual({ n: 3, unacked: undefined, positions: new Map() });
    // The record setAck makes: no batch yet.
    expect(parseRecord('0\t\n')).toEqual({ n: 0, unacked: undefined, positions: new Map() });
    expect(parseRecord('')).toBeUndefined();
    expect(parseRecord('x\t\n')).toBeUndefined();
  });

  it('[ENG-STREAM-9] a turn holds one position per stream for its sessions; one standing elsewhere is left out, adding nothing', () => {
    const turn = new Map<string, string>();
    expect(joinTurn(turn, ['/a', 'e:4', '/b', 'e:9'])).toBe(true);
    expect(joinTurn(turn, ['/a', 'e:4'])).toBe(true);
    expect(joinTurn(turn, ['/c', 'e:1', '/b', 'e:8'])).toBe(false);
    expect(turn).toEqual(new Map([['/a', 'e:4'], ['/b', 'e:9']]));
    expect(parsePositions(formatPositions(turn))).toEqual(turn);
    expect(parsePositions('')).toEqual(new Map());
  });

  it('[ACK-2] a batch not acknowledged goes again first; once acknowledged it is forgotten', () => {
    const state = new AckState();
    const first = state.nextBatch(undefined, ['m1', 'm2'], roomy);
    expect(first).toEqual({ items: ['m1', 'm2'], dropped: 0, resent: 0 });
    state.given(5, first.items);
    const lost = state.nextBatch(0, ['m3'], roomy);
    expect(lost).toEqual({ items: ['m1', 'm2', 'm3'], dropped: 0, resent: 2 });
    state.given(8, lost.items);
    expect(state.unacked).toEqual({ n: 8, items: ['m1', 'm2', 'm3'] });
    const acked = state.nextBatch(8, [], roomy);
    expect(acked).toEqual({ items: [], dropped: 0, resent: 0 });
    // Nothing to acknowledge: the number stays (a client takes a number at or below its last as a duplicate, and this one is empty).
    state.given(state.n, acked.items);
    expect(state).toMatchObject({ n: 8, unacked: undefined });
  });

  it('[ENG-STREAM-9] the next number goes past the last given and any the client acknowledged, up to 2^52', () => {
    const state = AckState.from(parseRecord(record(4, ['m'], [])));
    expect(state.unacked).toEqual({ n: 4, items: ['m'] });
    expect(state.floor(undefined)).toBe(5);
    expect(state.floor(2)).toBe(5);
    expect(state.floor(9)).toBe(10);
    expect(state.floor(Number.MAX_VALUE)).toBe(5);
    expect(state.floor(2 ** 53)).toBe(5);
    expect(state.floor(1.5)).toBe(5);
  });

  it('[LIMIT-6] a batch keeps to the bounds: the oldest go, counted', () => {
    expect(boundedStart(['a', 'b', 'c'], { maxQueue: 2, maxQueueBytes: 100 })).toBe(1);
    expect(boundedStart(['aaaa', 'b', 'c'], { maxQueue: 10, maxQueueBytes: 3 })).toBe(1);
    const state = new AckState();
    state.given(1, state.nextBatch(undefined, ['1', '2'], roomy).items);
    expect(state.nextBatch(undefined, ['3', '4'], { maxQueue: 3, maxQueueBytes: 100 })).toEqual({ items: ['2', '3', '4'], dropped: 1, resent: 1 });
  });

  it('[ENG-STREAM-9] an attaching session starts at its record\'s position when that is further on, else at its stored one', () => {
    const at = (epoch: string, offset: number) => ({ epoch, offset });
    expect(startPosition(at('e', 3), at('e', 8))).toEqual(at('e', 8));
    // Stored past the record: a subscribe made after the record's batch.
    expect(startPosition(at('e', 9), at('e', 8))).toEqual(at('e', 9));
    expect(startPosition(at('e', 3), at('f', 1))).toEqual(at('f', 1));
    expect(startPosition(at('e', 3), undefined)).toEqual(at('e', 3));
  });
});
