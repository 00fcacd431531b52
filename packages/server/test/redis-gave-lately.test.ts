// A publish reaching a session through a wildcard and a channel under it on a Redis Cluster, where
// the two streams live on two masters with no common order (SPEC: ENG-STREAM-12), on the pure
// bookkeeping (no Redis): what a read says one stream gave the session at or below its position
// (by this node or the one before) is not given again when the other stream, read from a lagging
// position, brings it; and nothing is skipped that no stream gave.
import { describe, expect, it } from 'vitest';
import { Attachment, type Bounds } from '../src/engines/redis/attachment.js';
import { clockedPid, publishClock } from '../src/engines/redis/publish-clock.js';
import type { StreamEntry } from '../src/engines/redis/stream-entry.js';

const BOUNDS: Bounds = { maxQueue: 100, maxQueueBytes: 1 << 20, overflow: 'drop-oldest' };

/** Publish `n` to /r/a at control clock `tc`: its id, and its copy in `pattern`'s stream at `offset` (t: that master's clock). */
const pid = (n: number, tc: number): string => clockedPid(String(tc), `node.${n}`);
const copy = (pattern: string, offset: number, n: number, tc: number): StreamEntry => ({
  pattern,
  epoch: 'e1',
  offset,
  pid: pid(n, tc),
  t: 9_000_000 - offset,
  json: JSON.stringify({ channel: '/r/a', data: n }),
});

/** A node attaching a session that follows /r/* (begun at clock 100) and /r/a (begun at 200), from `at`. */
function attach(at: { wild: number; chan: number }, since: { wild?: number; chan?: number } = { wild: 100, chan: 200 }) {
  const a = new Attachment('s1', false);
  a.follow('/r/*', { epoch: 'e1', offset: at.wild }, since.wild);
  a.follow('/r/a', { epoch: 'e1', offset: at.chan }, since.chan);
  const feed = (e: StreamEntry): void => void a.append(e, BOUNDS, undefined);
  const given = (): unknown[] => a.drain().map((json) => (JSON.parse(json) as { data: unknown }).data);
  return { a, feed, given };
}

describe('[ENG-STREAM-12] a publish given through one of a session\'s streams on a Redis Cluster', () => {
  it('carries the control script\'s clock in its id, the clock subscriptions are stamped with', () => {
    expect(publishClock(clockedPid('1733300000123456', 'n1.7'))).toBe(1733300000123456);
    expect(publishClock('n1.7')).toBeUndefined();
  });

  it('is not given again by the next node when the other stream, read from a lagging position, brings it', () => {
    // The node before gave publishes 1 and 2 through /r/*; the session moved before /r/a's copies came.
    const { a, feed, given } = attach({ wild: 2, chan: 0 });
    // The read of /r/* names what it holds at or below the session's position there, newest first.
    a.gaveLately('/r/*', [pid(2, 310), pid(1, 300)]);
    feed(copy('/r/a', 1, 1, 300));
    feed(copy('/r/a', 2, 2, 310));
    feed(copy('/r/a', 3, 3, 320));
    feed(copy('/r/*', 3, 3, 320));
    expect(given()).toEqual([3]);
  });

  it('is given when the stream named it but holds it from before the subscription began (not given through it)', () => {
    const { a, feed, given } = attach({ wild: 2, chan: 0 }, { wild: 100, chan: 20 });
    // Publish 1 (clock 50) is at /r/*'s offset 1, below the session's position, but /r/* was subscribed at 100.
    a.gaveLately('/r/*', [pid(2, 310), pid(1, 50)]);
    feed(copy('/r/a', 1, 1, 50));
    feed(copy('/r/a', 2, 2, 310));
    expect(given()).toEqual([1]);
  });

  it('is given as it comes when the subscription\'s start is not known (never skipped on a guess)', () => {
    const { a, feed, given } = attach({ wild: 2, chan: 0 }, { chan: 200 });
    a.gaveLately('/r/*', [pid(2, 310), pid(1, 300)]);
    feed(copy('/r/a', 1, 1, 300));
    expect(given()).toEqual([1]);
  });

  it('moves the position written for the other stream past its copy at once, once the publish went out', () => {
    const { a, feed, given } = attach({ wild: 0, chan: 0 });
    const chan = (): string | undefined => a.ownPositions().at(a.ownPositions().indexOf('/r/a') + 1);
    feed(copy('/r/*', 1, 1, 300));
    // Its copy from /r/a comes while publish 1 waits to go out: the position stays, the drain moves it.
    feed(copy('/r/a', 1, 1, 300));
    expect(chan()).toBe('e1:0');
    expect(given()).toEqual([1]);
    expect(chan()).toBe('e1:1');
    // Given out, then the copy comes: written at once (a node taking over reads /r/a from past it).
    feed(copy('/r/*', 2, 2, 310));
    expect(given()).toEqual([2]);
    feed(copy('/r/a', 2, 2, 310));
    expect(chan()).toBe('e1:2');
    expect(a.positions('1.n')).toEqual(['/r/*', 'e1:2@1.n', '100', '/r/a', 'e1:2@1.n', '200']);
    expect(given()).toEqual([]);
  });

  it('is given once on one node, whichever stream brings it first', () => {
    const { feed, given } = attach({ wild: 0, chan: 0 });
    feed(copy('/r/a', 1, 1, 300));
    feed(copy('/r/*', 1, 1, 300));
    feed(copy('/r/*', 2, 2, 310));
    feed(copy('/r/a', 2, 2, 310));
    expect(given()).toEqual([1, 2]);
  });

  it('names what a pattern the session left gave it, only from after that subscription began, and no longer overlapping', () => {
    const a = new Attachment('s1', false);
    a.follow('/r/a', { epoch: 'e1', offset: 0 }, 20);
    expect(a.overlapping).toBe(false);
    // The gone /r/* (begun at 100) held publishes 1 (clock 150) and 2 (clock 50, before it began).
    a.gaveThrough([pid(2, 50), pid(1, 150)], 100);
    for (const [offset, n, tc] of [[1, 2, 50], [2, 1, 150], [3, 3, 250]] as const) a.append(copy('/r/a', offset, n, tc), BOUNDS, undefined);
    expect(a.drain().map((json) => (JSON.parse(json) as { data: unknown }).data)).toEqual([2, 3]);
    expect(a.ownPositions()).toEqual(['/r/a', 'e1:3']);
  });

  it('[REDIS-9] is not given by a stream whose subscription began after it: its append came after the subscribe read the head', () => {
    // /r/a subscribed at 200, from offset 0: publish 1 (clock 150) came before, but reached the
    // stream's master after the subscribe read the head there; publish 2 (clock 250) came after.
    const a = new Attachment('s1', false);
    a.follow('/r/a', { epoch: 'e1', offset: 0 }, 200);
    a.append(copy('/r/a', 1, 1, 150), BOUNDS, undefined);
    // Passed at once: a node taking the session over now does not read it again.
    expect(a.ownPositions()).toEqual(['/r/a', 'e1:1']);
    a.append(copy('/r/a', 2, 2, 250), BOUNDS, undefined);
    expect(a.drain().map((json) => (JSON.parse(json) as { data: unknown }).data)).toEqual([2]);
    expect(a.ownPositions()).toEqual(['/r/a', 'e1:2']);
    // One Redis: one script reads the head and subscribes, so no such copy comes; ids carry no clock there.
    const one = new Attachment('s2', true);
    one.follow('/r/a', { epoch: 'e1', offset: 0 }, 200);
    one.append({ ...copy('/r/a', 1, 1, 150), pid: 'node.1', t: 150 }, BOUNDS, undefined);
    expect(one.drain()).toHaveLength(1);
  });

  it('hands over where a session without ack stood in a pattern it stopped following, with that subscription\'s start', () => {
    const { a, feed, given } = attach({ wild: 0, chan: 0 });
    feed(copy('/r/*', 1, 1, 150));
    expect(given()).toEqual([1]);
    a.unfollow('/r/*');
    expect(a.ownPositions(true)).toEqual(['/r/a', 'e1:0', '200', '/r/*', 'e1:1', '100']);
    // The pairs written for a session let go (no subscription's start to check) leave it out.
    expect(a.ownPositions()).toEqual(['/r/a', 'e1:0']);
    // A take that failed after the snapshot was made: the one left stands where it was too.
    a.rewind(new Map([['/r/*', { epoch: 'e1', offset: 0 }]]));
    expect(a.ownPositions(true)).toEqual(['/r/a', 'e1:0', '200', '/r/*', 'e1:0', '100']);
    // Followed again: the new subscription is handed over, not the one left.
    a.follow('/r/*', { epoch: 'e1', offset: 4 }, 300);
    expect(a.ownPositions(true)).toEqual(['/r/a', 'e1:0', '200', '/r/*', 'e1:4', '300']);
  });
});
