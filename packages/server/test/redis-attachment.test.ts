// What a node does with the stream entries a session is fed (SPEC: ENG-STREAM-5), on the pure
// bookkeeping (no Redis): a copy of what the session had is dropped, another publish at a place
// it passed makes it read its stream, and a publish coming from two of its streams is given once.
import { describe, expect, it } from 'vitest';
import { Attachment, type Bounds } from '../src/engines/redis/attachment.js';
import type { StreamEntry } from '../src/engines/redis/stream-entry.js';
import { StreamPlaces } from '../src/engines/redis/stream-places.js';

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
    // The publish after it follows the session's position, but the places before it are the
    // stream's new ones (p3), not what the session had: nothing more from the feed until a read.
    feed(entry('/a/b', 3, 'p4'));
    expect(given()).toEqual([]);
    a.setStale('/a/b', false);
    a.trust('/a/b');
    feed(entry('/a/b', 3, 'p4'));
    expect(given()).toEqual(['p4']);
  });

  it('keeps the first publish it saw at a place: where a stream went back to is told by what was there', () => {
    const places = new StreamPlaces(8);
    for (let i = 1; i <= 3; i++) places.note(entry('/a/b', i, `p${i}`));
    expect(places.note(entry('/a/b', 2, 'q2'))).toBe('p2');
    expect(places.note(entry('/a/b', 3, 'q3'))).toBe('p3');
    expect(places.seen('/a/b', 'e1', 3, 2)).toEqual(['3', 'p3', '2', 'p2']);
    expect(places.seen('/a/b', 'e2', 3, 2)).toEqual([]);
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
    // With when its subscription began ('' here: not known), so Redis writes it to that one only (ENG-STREAM-11).
    expect(a.positions('1.n')).toEqual(['/a/b', 'e1:2@1.n', '']);
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

describe('[ENG-STREAM-10] a publish that a wildcard followed later brings again', () => {
  // Publish n on channel ch at time n: in the channel's stream at offset k, in the wildcard's at its own.
  const pub = (pattern: string, offset: number, n: number, channel: string): StreamEntry => ({
    pattern,
    epoch: 'e1',
    offset,
    pid: `p${n}`,
    t: n,
    json: JSON.stringify({ channel, data: `p${n}` }),
  });

  it('is not given again when the channel\'s stream gave it before this node followed the wildcard', () => {
    const { a, feed, given } = fed('/a/b');
    // The wildcard was subscribed (on another node) before p2; this node still followed /a/b only.
    feed(pub('/a/b', 1, 2, '/a/b'));
    feed(pub('/a/b', 2, 4, '/a/b'));
    expect(given()).toEqual(['p2', 'p4']);
    a.follow('/a/*', { epoch: 'e1', offset: 0 });
    // Its read from where it was subscribed: p2, p3 (another channel), p4, then p5 on both.
    feed(pub('/a/*', 1, 2, '/a/b'));
    feed(pub('/a/*', 2, 3, '/a/c'));
    feed(pub('/a/*', 3, 4, '/a/b'));
    feed(pub('/a/*', 4, 5, '/a/b'));
    feed(pub('/a/b', 3, 5, '/a/b'));
    expect(given()).toEqual(['p3', 'p5']);
  });

  it('is given when it came before the channel\'s stream gave this node anything', () => {
    const { a, feed, given } = fed('/a/b');
    feed(pub('/a/b', 1, 4, '/a/b'));
    expect(given()).toEqual(['p4']);
    a.follow('/a/*', { epoch: 'e1', offset: 0 });
    // p2 was published before the first publish /a/b gave here: it was not given through /a/b here.
    feed(pub('/a/*', 1, 2, '/a/b'));
    expect(given()).toEqual(['p2']);
  });

  it('is not given again after a move, up to the position the node before left, from the subscription on', () => {
    const a = new Attachment('s1');
    // Attached here: /a/b subscribed at time 1 and given up to p4 (offset 2) by the node before;
    // /a/* subscribed at time 3, its position lagging at offset 0 (that node never read it).
    a.follow('/a/b', { epoch: 'e1', offset: 2 }, 1);
    a.follow('/a/*', { epoch: 'e1', offset: 0 }, 3);
    a.anchor('/a/b', { t: 4, pid: 'p4' });
    for (const e of [pub('/a/*', 1, 4, '/a/b'), pub('/a/*', 2, 5, '/a/c'), pub('/a/*', 3, 6, '/a/b'), pub('/a/b', 3, 6, '/a/b')]) a.append(e, BOUNDS, undefined);
    expect(a.drain().map((json) => (JSON.parse(json) as { data: unknown }).data)).toEqual(['p5', 'p6']);
  });

  it('tells a subscription made again from the one followed by when it began', () => {
    const a = new Attachment('s1');
    a.follow('/a/b', { epoch: 'e1', offset: 2 }, 10);
    expect(a.isResubscribed('/a/b', 10)).toBe(false);
    expect(a.isResubscribed('/a/b', 20)).toBe(true);
    // One this node followed without knowing when it began takes the start it is told.
    a.follow('/a/c', { epoch: 'e1', offset: 0 });
    expect(a.isResubscribed('/a/c', 30)).toBe(false);
    expect(a.isResubscribed('/a/c', 30)).toBe(false);
    expect(a.isResubscribed('/a/c', 31)).toBe(true);
  });
});
