// What a node holds for a session while it cannot yet give it in order (SPEC: ENG-STREAM-11), on
// the pure bookkeeping (no Redis): a read's older entries and a feed's newer ones come out in
// publish order, an entry held twice comes out once, and what is held stays bounded.
import { describe, expect, it } from 'vitest';
import type { StreamEntry } from '../src/engines/redis/stream-entry.js';
import { Waiting } from '../src/engines/redis/waiting.js';
import { clockedPid } from '../src/engines/redis/publish-clock.js';

/** A publish `pid` at Redis time `t`, at `offset` in `pattern`'s stream. */
const entry = (pattern: string, offset: number, t: number, pid: string): StreamEntry => ({ pattern, epoch: 'e1', offset, pid, t, json: pid });
const pids = (w: Waiting, id: string): string[] => w.take(id).map(({ entry: e }) => e.pid);

describe('[ENG-STREAM-11] Waiting', () => {
  it('gives a feed\'s newer entries after the older ones a read of another stream returns', () => {
    const w = new Waiting();
    // The channel's feed brings p4, p5 while the wildcard's stream is read from p1.
    w.hold('s', entry('/r/a', 4, 40, 'p4'), undefined, 100);
    w.hold('s', entry('/r/a', 5, 50, 'p5'), undefined, 100);
    for (const [n, t] of [[1, 10], [2, 20], [3, 30], [4, 40]] as const) w.hold('s', entry('/r/*', n, t, `p${n}`), undefined, 100);
    // p4 is in both streams: the engine's windows drop the second copy when appending; both stay here.
    expect(pids(w, 's')).toEqual(['p1', 'p2', 'p3', 'p4', 'p4', 'p5']);
    expect(pids(w, 's')).toEqual([]);
  });

  it('gives an entry of one stream held twice (fed, and returned by a read of it) once', () => {
    const w = new Waiting();
    w.hold('s', entry('/r/a', 2, 20, 'p2'), undefined, 100);
    w.hold('s', entry('/r/a', 1, 10, 'p1'), undefined, 100);
    w.hold('s', entry('/r/a', 2, 20, 'p2'), undefined, 100);
    expect(pids(w, 's')).toEqual(['p1', 'p2']);
  });

  it('orders one stream by offset where Redis\'s clock ties, and keeps sessions apart', () => {
    const w = new Waiting();
    w.hold('s', entry('/r/a', 3, 10, 'p3'), undefined, 100);
    w.hold('s', entry('/r/a', 2, 10, 'p2'), undefined, 100);
    w.hold('other', entry('/r/a', 1, 5, 'p1'), undefined, 100);
    expect(pids(w, 's')).toEqual(['p2', 'p3']);
    expect(pids(w, 'other')).toEqual(['p1']);
  });

  it('[REDIS-10] on a Redis Cluster merges two streams by when each publish was made, not by their masters\' clocks', () => {
    const w = new Waiting();
    // The wildcard's master runs 5 ms ahead of the channel's. p1 (to /r/b, made at 1000 by the
    // control clock) comes from a read of /r/*; p2 (to /r/a, made at 1010) from /r/a's feed.
    w.hold('s', entry('/r/a', 7, 1010, clockedPid('1010', 'p2')), undefined, 100);
    w.hold('s', entry('/r/*', 3, 6000, clockedPid('1000', 'p1')), undefined, 100);
    w.hold('s', entry('/r/*', 4, 6010, clockedPid('1010', 'p2')), undefined, 100);
    // Each stream keeps its offsets' order even where the publishes were made the other way round
    // (their appends reached the master in that order): /r/a's 8 (made at 990) stays after its 7.
    w.hold('s', entry('/r/a', 8, 1020, clockedPid('990', 'p0')), undefined, 100);
    expect(pids(w, 's')).toEqual(['1000~p1', '1010~p2', '1010~p2', '990~p0']);
  });

  it('[LIMIT-6] holds at most `most` entries a session; dropped, a session\'s entries are gone', () => {
    const w = new Waiting();
    expect(w.hold('s', entry('/r/a', 1, 1, 'p1'), undefined, 2)).toBe(true);
    expect(w.hold('s', entry('/r/a', 2, 2, 'p2'), undefined, 2)).toBe(true);
    expect(w.hold('s', entry('/r/a', 3, 3, 'p3'), undefined, 2)).toBe(false);
    w.drop('s');
    expect(pids(w, 's')).toEqual([]);
  });
});
