// An ack session's batches as its node keeps them and the record another node goes on from
// (SPEC: ACK-2, LIMIT-6, ENG-STREAM-9). Pure: no Redis.
import { describe, expect, it } from 'vitest';
import { AckState, boundedStart, formatRecord, parseRecord, startPosition } from '../src/engines/redis/ack-record.js';

const roomy = { maxQueue: 100, maxQueueBytes: 1_000_000 };

describe('ack record', () => {
  it('[ENG-STREAM-9] a record reads back as written: number, batch awaiting an ack, positions past it', () => {
    const items = ['{"channel":"/a","data":"x\\ny"}', '{"channel":"/b","data":2}'];
    const text = formatRecord({ n: 7, items }, ['/a', 'e1:4', '/b/**', 'e2:9']);
    expect(parseRecord(text)).toEqual({
      n: 7,
      unacked: { n: 7, items },
      positions: new Map([
        ['/a', 'e1:4'],
        ['/b/**', 'e2:9'],
      ]),
    });
    expect(parseRecord(formatRecord({ n: 3, items: [] }, []))).toEqual({ n: 3, unacked: undefined, positions: new Map() });
    // The record setAck makes: no batch yet.
    expect(parseRecord('0\t\n')).toEqual({ n: 0, unacked: undefined, positions: new Map() });
    expect(parseRecord('')).toBeUndefined();
    expect(parseRecord('x\t\n')).toBeUndefined();
  });

  it('[ACK-2] a batch not acknowledged goes again first; once acknowledged it is forgotten', () => {
    const state = new AckState();
    const first = state.nextBatch(undefined, ['m1', 'm2'], roomy);
    expect(first).toEqual({ n: 1, items: ['m1', 'm2'], dropped: 0, write: true });
    state.given(first);
    const lost = state.nextBatch(0, ['m3'], roomy);
    expect(lost.items).toEqual(['m1', 'm2', 'm3']);
    state.given(lost);
    expect(state.unacked).toEqual({ n: 2, items: ['m1', 'm2', 'm3'] });
    const acked = state.nextBatch(2, [], roomy);
    // Nothing new, but the record must say the batch was acknowledged (it would be sent again).
    expect(acked).toEqual({ n: 3, items: [], dropped: 0, write: true });
    state.given(acked);
    expect(state.nextBatch(3, [], roomy).write).toBe(false);
  });

  it('[ENG-STREAM-9] numbers go past any the client acknowledged (a record behind empty batches made on a node that is gone)', () => {
    const state = AckState.from(parseRecord(formatRecord({ n: 4, items: ['m'] }, [])));
    expect(state.unacked).toEqual({ n: 4, items: ['m'] });
    const next = state.nextBatch(9, ['m2'], roomy);
    expect(next).toMatchObject({ n: 10, items: ['m2'] });
    expect(state.number(Number.MAX_VALUE)).toBe(5);
  });

  it('[LIMIT-6] a batch keeps to the bounds: the oldest go, counted', () => {
    expect(boundedStart(['a', 'b', 'c'], { maxQueue: 2, maxQueueBytes: 100 })).toBe(1);
    expect(boundedStart(['aaaa', 'b', 'c'], { maxQueue: 10, maxQueueBytes: 3 })).toBe(1);
    const state = new AckState();
    state.given(state.nextBatch(undefined, ['1', '2'], roomy));
    expect(state.nextBatch(undefined, ['3', '4'], { maxQueue: 3, maxQueueBytes: 100 })).toMatchObject({ items: ['2', '3', '4'], dropped: 1 });
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
