/**
 * Sessions whose subscriptions this node is reading again (REFRESH, SPEC: ENG-STREAM-4,
 * ENG-STREAM-11), and what their streams brought meanwhile. A subscription changed through another
 * node is told here by a wake ('+id') that comes, on one Redis, before any publish made after the
 * change; until the read answers, this node does not know which of the session's streams still
 * count. What they bring is held, not given, and appended once the session follows what Redis has:
 * a publish made after an unsubscribe is not given for it. Pure bookkeeping: no Redis.
 */
import type { StreamEntry } from './attachment.js';

/** A stream entry held back, with the publish this node saw at its place before it (StreamPlaces.note). */
export interface HeldEntry {
  entry: StreamEntry;
  before: string | undefined;
}

export class Refreshes {
  /** Reads in flight per session: the last one to answer has Redis's latest subscriptions. */
  private readonly counts = new Map<string, number>();
  private readonly held = new Map<string, HeldEntry[]>();

  has(clientId: string): boolean {
    return this.counts.has(clientId);
  }

  begin(clientId: string): void {
    this.counts.set(clientId, (this.counts.get(clientId) ?? 0) + 1);
  }

  /** What the session's streams brought while it was being read; appended by the caller once every read in flight ended. */
  hold(clientId: string, entry: StreamEntry, before: string | undefined): void {
    let list = this.held.get(clientId);
    if (!list) this.held.set(clientId, (list = []));
    list.push({ entry, before });
  }

  /** One read ended; when it was the last, returns what was held (to append now), else nothing. */
  end(clientId: string): HeldEntry[] {
    const left = (this.counts.get(clientId) ?? 1) - 1;
    if (left > 0) {
      this.counts.set(clientId, left);
      return [];
    }
    this.counts.delete(clientId);
    const out = this.held.get(clientId) ?? [];
    this.held.delete(clientId);
    return out;
  }

  clear(): void {
    this.counts.clear();
    this.held.clear();
  }
}
