/**
 * What a session's streams bring while this node cannot yet give it in order (SPEC: ENG-STREAM-11):
 * while the session's subscriptions are read again (REFRESH) or it is being attached (which streams
 * count is not known yet), and, for a session whose patterns overlap, while one of its streams is
 * being read: a read from a lagging position returns publishes older than those another of its
 * streams' feed brings meanwhile. The engine appends it all once nothing is in flight, in publish
 * order. Pure bookkeeping: no Redis.
 */
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
   * Everything held for the session, in publish order: by Redis's clock, which rises with each
   * stream's offsets (one stream's entries are stamped by its master in order), then by stream and
   * offset; an entry held twice (from the stream's feed and from a read of it) once.
   */
  take(clientId: string): HeldEntry[] {
    const list = this.held.get(clientId);
    if (!list) return [];
    this.held.delete(clientId);
    list.sort(({ entry: x }, { entry: y }) => x.t - y.t || (x.pattern < y.pattern ? -1 : x.pattern > y.pattern ? 1 : x.offset - y.offset));
    return list.filter(({ entry }, i) => {
      const prev = list[i - 1]?.entry;
      return !prev || prev.pattern !== entry.pattern || prev.offset !== entry.offset || prev.epoch !== entry.epoch;
    });
  }

  /** The session is no longer attached here: nothing held for it is given. */
  drop(clientId: string): void {
    this.held.delete(clientId);
  }

  clear(): void {
    this.held.clear();
  }
}
