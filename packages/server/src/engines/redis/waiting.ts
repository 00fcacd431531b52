/**
 * What a session's streams bring while this node cannot yet give it in order (SPEC: ENG-STREAM-11):
 * while the session's subscriptions are read again (REFRESH) or it is being attached (which streams
 * count is not known yet), and, for a session whose patterns overlap, while one of its streams is
 * being read: a read from a lagging position returns publishes older than those another of its
 * streams' feed brings meanwhile. The engine appends it all once nothing is in flight, in publish
 * order. Pure bookkeeping: no Redis.
 */
import { publishClock } from './publish-clock.js';
import type { StreamEntry } from './stream-entry.js';

/** A stream entry held back, with the publish this node saw at its place before it (StreamPlaces.note). */
export interface HeldEntry {
  entry: StreamEntry;
  before: string | undefined;
}

export class Waiting {
  private readonly held = new Map<string, HeldEntry[]>();

  /**
   * Holds an entry; false (not held) once `most` are: the caller marks its stream to be read
   * again instead, so what a session waits for stays bounded like its queue (LIMIT-6).
   */
  hold(clientId: string, entry: StreamEntry, before: string | undefined, most: number): boolean {
    let list = this.held.get(clientId);
    if (!list) this.held.set(clientId, (list = []));
    if (list.length >= most) return false;
    list.push({ entry, before });
    return true;
  }

  /**
   * Everything held for the session, in publish order, an entry held twice (from the stream's feed
   * and from a read of it) once. Each stream's entries keep their offset order (by the clock of the
   * master that stamped them, which rises with the offsets); the streams are merged by when each
   * publish was made: on one Redis that same clock, on a Redis Cluster the control script's clock
   * its id carries (ENG-STREAM-12), one master's for every stream, where the streams' own clocks are
   * several masters' (REDIS-10). Ties go by stream.
   */
  take(clientId: string): HeldEntry[] {
    const list = this.held.get(clientId);
    if (!list) return [];
    this.held.delete(clientId);
    const streams = new Map<string, HeldEntry[]>();
    for (const held of list) {
      const one = streams.get(held.entry.pattern);
      if (one) one.push(held);
      else streams.set(held.entry.pattern, [held]);
    }
    const heads: { pattern: string; items: HeldEntry[]; made: number[]; at: number }[] = [];
    for (const [pattern, items] of streams) {
      items.sort(({ entry: x }, { entry: y }) => x.t - y.t || x.offset - y.offset);
      const once = items.filter(({ entry }, i) => {
        const prev = items[i - 1]?.entry;
        return !prev || prev.offset !== entry.offset || prev.epoch !== entry.epoch;
      });
      // When each was published, read from its id once, not at every step of the merge.
      heads.push({ pattern, items: once, made: once.map(({ entry }) => publishClock(entry.pid) ?? entry.t), at: 0 });
    }
    heads.sort((x, y) => (x.pattern < y.pattern ? -1 : x.pattern > y.pattern ? 1 : 0));
    const out: HeldEntry[] = [];
    for (;;) {
      let next: (typeof heads)[number] | undefined;
      let least = Infinity;
      for (const h of heads) {
        const made = h.made[h.at];
        if (made === undefined) continue;
        if (!next || made < least) [next, least] = [h, made];
      }
      if (!next) return out;
      out.push(next.items[next.at++] as HeldEntry);
    }
  }

  /** The session is no longer attached here: nothing held for it is given. */
  drop(clientId: string): void {
    this.held.delete(clientId);
  }

  clear(): void {
    this.held.clear();
  }
}
