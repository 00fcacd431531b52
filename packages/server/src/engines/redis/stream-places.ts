/**
 * What a node remembers of the publishes it fed its attached sessions (SPEC: ENG-STREAM-5,
 * ENG-STREAM-10): the publish at each place of the streams it follows (shared by every session), a
 * session's publish ids given lately, and a stream entry's channel.
 */
import { isWildcard } from '@kuiper/protocol';

/** What of a stream entry (attachment.ts) these need: where it is, which publish, and its JSON. */
interface Placed {
  pattern: string;
  epoch: string;
  offset: number;
  pid: string;
  json: string;
}

/**
 * [ENG-STREAM-5] The publish this node first saw at each place (pattern, epoch, offset) of the
 * streams it follows, for the last PLACES places, shared by every session attached here: an entry
 * at or below a session's position is a copy of what it had when this node saw the same publish
 * there; another publish there (or one this node never saw there) means the stream may have gone
 * back, and the session reads it (FORK_LOOK places below it tell the read where to). One map per
 * node: a per-session memory of publish ids held ~40 KiB for every session on a busy channel.
 */
export class StreamPlaces {
  private readonly pids = new Map<string, string>();

  constructor(private readonly size = PLACES) {}

  /**
   * Records `entry`'s publish at its place; returns the publish seen there before, if any. The
   * first one seen at a place stays: another there means the stream went back, and where it went
   * back to is found by what the node saw first (`seen`).
   */
  note(entry: Placed): string | undefined {
    const key = `${entry.pattern}\n${entry.epoch}\n${entry.offset}`;
    const before = this.pids.get(key);
    if (before === undefined) {
      this.pids.set(key, entry.pid);
      if (this.pids.size > this.size) this.pids.delete(this.pids.keys().next().value as string);
    }
    return before;
  }

  /**
   * What this node saw of `pattern`'s stream in `epoch`, from `offset` down, `most` places at most:
   * (offset, publish id) pairs, flat, newest first, for the places it still knows.
   */
  seen(pattern: string, epoch: string, offset: number, most: number): string[] {
    const out: string[] = [];
    for (let n = offset; n > 0 && n > offset - most; n--) {
      const pid = this.pids.get(`${pattern}\n${epoch}\n${n}`);
      if (pid !== undefined) out.push(String(n), pid);
    }
    return out;
  }
}

const PLACES = 8192;

/** [ENG-STREAM-5] How many places below a session's position a read that found its stream gone back sends. */
export const FORK_LOOK = 128;

/** The channel an entry was published to: its stream's, unless that is a wildcard's. */
export function channelOf(entry: Placed): string {
  if (!isWildcard(entry.pattern)) return entry.pattern;
  const channel = (JSON.parse(entry.json) as { channel?: unknown }).channel;
  return typeof channel === 'string' ? channel : '';
}

/** Publish ids a session was given lately, bounded: a publish matching two of its patterns goes once. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly size: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.size) this.ids.delete(this.ids.values().next().value as string);
  }
}
