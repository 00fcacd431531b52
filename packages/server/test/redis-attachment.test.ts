// What a node does with the stream entries a session is fed (SPEC: ENG-STREAM-5), on the pure
// bookkeeping (no Redis): a copy of what the session had is dropped, another publish at a place
// it passed makes it read its stream, and a publish coming from two of its streams is given once.
import { describe, expect, it } from 'vitest';
import { Attachment, type Bounds, type StreamEntry, StreamPlaces } from '../src/engines/redis/attachment.js';

const BOUNDS: Bounds = { maxQueue: 100, maxQueueBytes: 1 << 20, overflow: 'drop-oldest' };

const entry = (pattern: string, offset: number, pid: string): StreamEntry => ({ pattern, epoch: 'e1', offset, pid, t: offset, json: JSON.stringify({ channel: '/a/b', data: pid }) });

/** A node's bookkeeping: the places it saw, and one session following `patterns` from offset 0. */
function fed(...patterns: string[]) {
  const places = new StreamPlaces(4);
  const a = new Attachment('s1');
  for (const p of patterns) a.follow(p, { epoch: 'e1', offset: 0 });
  const feed = (e: StreamEntry): void => void a.append(e, BOUNDS, places.note(e));
  const given = (): unknown[] => a.drain().map((json) => (JSON.parse(json) as { data: unknown }).data);
  return { a, places, feed, given };
}

describe('[ENG-STREAM-5] a stream entry at or below a session\'s position', () => {
  it('is a copy when this node saw the same publish there: dropped, and the stream is not read', () => {
    const { a, feed, given } = fed('/a/b');
    feed(entry('/a/b', 1, 'p1'));
    feed(entry('/a/b', 2, 'p2'));
    // The same publish again (a read that overlapped the feed): nothing new, nothing to read.
    feed(entry('/a/b', 1, 'p1'));
    expect(given()).toEqual(['p1', 'p2']);
    expect(a.stalePatterns()).toEqual([]);
  });

  it('is a stream gone back when another publish is at a place the session passed: the stream is read', () => {
    const { a, feed, given } = fed('/a/b');
    feed(entry('/a/b', 1, 'p1'));
    feed(entry('/a/b', 2, 'p2'));
    expect(given()).toEqual(['p1', 'p2']);
    // A promoted replica lost offset 2 and gave it to the next publish.
    feed(entry('/a/b', 2, 'p3'));
    expect(given()).toEqual([]);
    expect(a.stalePatterns()).toEqual(['/a/b']);
  });

  it('is read for when this node no longer knows the place (its memory of places is bounded)', () => {
    const { a, feed, given } = fed('/a/b');
    for (let i = 1; i <= 6; i++) feed(entry('/a/b', i, `p${i}`));
    expect(given()).toHaveLength(6);
    // Offset 1 was the first of 6 places; the node keeps 4: it cannot tell a copy, so it reads.
    feed(entry('/a/b', 1, 'p1'));
    expect(a.stalePatterns()).toEqual(['/a/b']);
  });
});

describe('[ENG-STREAM-5] a publish that matches two patterns of a session', () => {
  it('is given once, whichever stream brings it first', () => {
    const { a, feed, given } = fed('/a/*', '/a/b');
    feed(entry('/a/b', 1, 'p1'));
    feed(entry('/a/*', 1, 'p1'));
    feed(entry('/a/*', 2, 'p2'));
    feed(entry('/a/b', 2, 'p2'));
    expect(given()).toEqual(['p1', 'p2']);
    expect(a.stalePatterns()).toEqual([]);
  });
});

describe('[ENG-STREAM-8] where a session stands, per followed stream', () => {
  it('writes the position of what was given out once, and a gap read for a stream it stopped following is forgotten', () => {
    const { a, feed, given } = fed('/a/b', '/c/d');
    feed(entry('/a/b', 1, 'p1'));
    feed(entry('/a/b', 2, 'p2'));
    // A gap on /c/d (offset 3 after 0): it must be read before the next take.
    feed(entry('/c/d', 3, 'p3'));
    expect(a.anyStale).toBe(true);
    expect(given()).toEqual(['p1', 'p2']);
    expect(a.positions('1.n')).toEqual(['/a/b', 'e1:2@1.n']);
    expect(a.positions('1.n')).toEqual([]);
    // Unsubscribed from /c/d: nothing is left to read, so fed takes go the quick way again.
    a.unfollow('/c/d');
    expect(a.anyStale).toBe(false);
    expect(a.ownPositions()).toEqual(['/a/b', 'e1:2']);
  });

  it('stands where it stood before a drain whose take failed', () => {
    const { a, feed, given } = fed('/a/b');
    feed(entry('/a/b', 1, 'p1'));
    given();
    const before = a.outPositions();
    feed(entry('/a/b', 2, 'p2'));
    expect(given()).toEqual(['p2']);
    a.rewind(before);
    expect(a.ownPositions()).toEqual(['/a/b', 'e1:1']);
    expect(a.positions('1.n')).toEqual([]);
  });
});
