/**
 * Reading a stream for one attached session (SPEC: ENG-STREAM-4, ENG-STREAM-5): the pub/sub form of
 * a publish, and a backlog read from the session's position that turns a trimmed history or a lost
 * epoch into the session's loss notice. No engine state here: the engine passes how to read.
 */
import type { Attachment, Bounds } from './attachment.js';
import type { Position, StreamEntry } from './stream-entry.js';
import { list, strings, type Reply } from './replies.js';
import { createLogger } from '../../core/log.js';

const log = createLogger('redis');

/** A stream's pub/sub message, `epoch offset publishId time JSON`; undefined for anything else. */
export function parseFeedMessage(pattern: string, text: string): StreamEntry | undefined {
  const cuts: number[] = [];
  for (let at = -1, i = 0; i < 4; i++) {
    at = text.indexOf(' ', at + 1);
    if (at < 0) return undefined;
    cuts.push(at);
  }
  const [a, b, c, d] = cuts as [number, number, number, number];
  return {
    pattern,
    epoch: text.slice(0, a),
    offset: Number(text.slice(a + 1, b)),
    pid: text.slice(b + 1, c),
    t: Number(text.slice(c + 1, d)),
    json: text.slice(d + 1),
  };
}

export interface StreamReading {
  /** Runs the READ_STREAM script from `at` (`pid`: the publish id given there, '' if unknown), reading at most `most` entries. */
  read(at: Position, most: number, pid: string, seen?: string[]): Promise<Reply>;
  /** [ENG-STREAM-5] What this node saw of the stream at and below `at`: (offset, publish id) pairs, flat, newest first. */
  seen(at: Position): string[];
  bounds: Bounds;
  /** Entries past the queue bound were skipped (LIMIT-6). */
  skipped(dropped: number): void;
}

/**
 * What the session has not had from `pattern`'s stream, for as long as the pattern is stale (a few
 * rounds at most): a loss is recorded on the attachment (trimmed: it goes on from the stream's end;
 * a new epoch: from that epoch's start). Entries are returned, not appended, so that reads of
 * several streams can be merged in publish order.
 */
export async function readStream(a: Attachment, pattern: string, how: StreamReading): Promise<StreamEntry[]> {
  const out: StreamEntry[] = [];
  for (let round = 0; round < 3 && a.isStale(pattern); round++) {
    a.setStale(pattern, false);
    const at = a.seenAt(pattern);
    if (!at) break;
    let r: Reply[];
    try {
      r = list(await how.read(at, how.bounds.maxQueue, at.pid ?? ''));
      // [ENG-STREAM-5] The stream went back past the position: what this node saw there tells to where.
      if (r[2] === 'fork') r = list(await how.read(at, how.bounds.maxQueue, at.pid ?? '', how.seen(at)));
      // [ENG-STREAM-12] Named when the read asked (LOOK_BACK): given through this pattern, by this
      // node or the one before, so not again through another.
      a.gaveLately(pattern, strings(r[7]));
    } catch (err) {
      a.setStale(pattern, true);
      log.warn('stream read failed', err);
      break;
    }
    const now = a.seenAt(pattern);
    if (!now) break;
    // The feed went on meanwhile (contiguously from `at`): nothing from `at` on was lost to it.
    const wentOn = now.offset !== at.offset || now.epoch !== at.epoch;
    const [epoch, offset, status, skipped, flat, atT, atPid] = r;
    const head = { epoch: String(epoch), offset: Number(offset) };
    if (status === 'epoch' || status === 'trimmed') {
      // Trimmed past `at`, but the feed went on: read from where it stands. A lost epoch is lost
      // whatever the feed brought since: what the session had at `at` is not in the stream.
      if (status === 'trimmed' && wentOn) a.setStale(pattern, true);
      else if (status === 'epoch' && a.startElse(pattern, head.epoch)) a.setStale(pattern, true);
      else if (status === 'trimmed') a.lose(pattern, status, head);
      else {
        // What the new epoch holds was never seen: read from its start (0, or where the stream
        // went back to, which the script sends as `skipped`).
        a.lose(pattern, status, { epoch: head.epoch, offset: Number(skipped) });
        a.setStale(pattern, true);
      }
      continue;
    }
    if (head.epoch !== at.epoch) {
      // [ENG-STREAM-5] `at` is in the epoch before the stream went back, which holds what the
      // session had there: it goes on in the new one (after a fresh read, if the feed moved it).
      if (wentOn) {
        a.setStale(pattern, true);
        continue;
      }
      a.skip(pattern, { epoch: head.epoch, offset: at.offset });
    }
    a.trust(pattern);
    if (Number(skipped) > 0 && !wentOn) {
      a.skip(pattern, { epoch: head.epoch, offset: at.offset + Number(skipped) });
      a.lost(pattern, 'overflow');
      how.skipped(Number(skipped));
    }
    // [ENG-STREAM-10] Where the session stood was given to it: so was all the stream held since it subscribed.
    if (!wentOn && typeof atT === 'string' && atT !== '') a.anchor(pattern, { t: Number(atT), pid: String(atPid) });
    const items = strings(flat);
    for (let i = 0; i + 3 < items.length; i += 4) {
      out.push({ pattern, epoch: head.epoch, offset: Number(items[i]), pid: items[i + 1] as string, t: Number(items[i + 2]), json: items[i + 3] as string });
    }
  }
  return out;
}

/**
 * [ENG-STREAM-12] A pattern a session unsubscribed: where it is known to have stood in the
 * pattern's stream (an ack session: the record it starts past), and when that subscription began
 * (µs, the control clock).
 */
export interface GoneFollow {
  at: Position;
  since: number;
}

/**
 * [ENG-STREAM-12] On a Redis Cluster, a session attaching after it unsubscribed patterns whose
 * positions are known (ack-attach.ts): each one's stream names the publishes at or below the
 * session's position there (`read`: READ_STREAM taking none, LOOK_BACK named), which the session
 * was given through it, so another of its streams, lagging, does not give them again. A read that
 * fails names nothing: a publish may then come twice, never go missing.
 */
export async function nameGone(a: Attachment, gone: ReadonlyMap<string, GoneFollow>, read: (pattern: string, at: Position) => Promise<Reply>): Promise<void> {
  const named = [...gone].map(async ([pattern, { at, since }]) => {
    try {
      const r = list(await read(pattern, at));
      if (r[2] === 'ok') a.gaveThrough(strings(r[7]), since);
    } catch (err) {
      log.warn('stream read failed', err);
    }
  });
  await Promise.all(named);
}

/** [ENG-STREAM-10] When each subscription began (µs), from an HGETALL of `since:<id>` in a script's reply (pattern, µs pairs). */
export function sinceOf(reply: Reply | undefined): Map<string, number> {
  const flat = strings(reply);
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(flat[i] as string, Number(flat[i + 1]));
  return out;
}

/** One backlog read per (session, pattern) at a time: a second ask gets the read in flight. */
export class InFlightReads {
  private readonly reading = new Map<string, Promise<StreamEntry[]>>();
  /** Reads in flight per session: asked for every delivery a feed brings, so without making a key. */
  private readonly counts = new Map<string, number>();

  once(clientId: string, pattern: string, start: () => Promise<StreamEntry[]>): Promise<StreamEntry[]> {
    const key = `${clientId}\n${pattern}`;
    let read = this.reading.get(key);
    if (!read) {
      this.counts.set(clientId, (this.counts.get(clientId) ?? 0) + 1);
      read = start().finally(() => {
        this.reading.delete(key);
        const left = (this.counts.get(clientId) ?? 1) - 1;
        if (left > 0) this.counts.set(clientId, left);
        else this.counts.delete(clientId);
      });
      this.reading.set(key, read);
    }
    return read;
  }

  /** Whether any read of the session's streams is in flight. */
  any(clientId: string): boolean {
    return this.counts.has(clientId);
  }

  /** Reads in flight for these patterns of the session: a take waits for them. */
  of(clientId: string, patterns: Iterable<string>): Promise<unknown>[] {
    const out: Promise<unknown>[] = [];
    for (const pattern of patterns) {
      const read = this.reading.get(`${clientId}\n${pattern}`);
      if (read) out.push(read);
    }
    return out;
  }
}

/**
 * [ENG-STREAM-12] How many publishes at or below a position a read names, on a Redis Cluster, for
 * a session whose streams overlap: more than its streams' positions lag each other by (what was in
 * flight at its last take, or a pattern's feed this node learnt of late).
 */
export const LOOK_BACK = 128;
