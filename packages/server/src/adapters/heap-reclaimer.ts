/**
 * [SWEEP-2] Gives memory back after a mass departure. When thousands of sessions vanish at once (a
 * network partition, a deploy of the clients, a load test ending), their heap is garbage but V8
 * only collects under allocation pressure, which an idle server never has: RSS stays at its peak
 * for as long as the process lives (measured: 150 MiB with 5,000 sessions, still 150 MiB 30 s
 * after all of them were pruned; a full collection brings it back to 97 MiB, baseline 89 MiB).
 * Once such a wave is over, full collections are run (right away and at a few follow-ups), for
 * at most one wave per `minGapMs`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLogger } from '../core/log.js';

const log = createLogger('memory');

export interface HeapReclaimerOptions {
  /** Departures that count as a wave: at least this many... Default 1000. */
  minDepartures?: number;
  /** ...and at least as many as the sessions that remain. */
  liveSessions: () => number;
  /** Least time between two collections, ms. Default 60 s. */
  minGapMs?: number;
  /** The collector; by default `global.gc`, or V8's own exposed on first use. */
  collect?: () => void;
}

export class HeapReclaimer {
  private departed = 0;
  private departedAtLastCheck = 0;
  private lastRun = Number.NEGATIVE_INFINITY;
  /** When the collections after the last wave are due. */
  private followUps: number[] = [];
  private readonly minDepartures: number;
  private readonly minGapMs: number;
  private collect: (() => void) | undefined;

  constructor(private readonly options: HeapReclaimerOptions) {
    this.minDepartures = options.minDepartures ?? 1000;
    this.minGapMs = options.minGapMs ?? 60_000;
    this.collect = options.collect;
  }

  /** A session was removed (pruned, disconnected, expired). */
  departure(): void {
    this.departed++;
  }

  /**
   * Called periodically (each sweep). Collects when a wave is big enough and over: nobody left
   * since the last check, so a collection is not repeated in the middle of a pruning sweep; then
   * again at each follow-up. Returns whether it collected.
   */
  check(now: number): boolean {
    const settled = this.departed === this.departedAtLastCheck;
    this.departedAtLastCheck = this.departed;
    const followUp = this.followUps[0];
    if (followUp !== undefined && now >= followUp) {
      this.followUps.shift();
      return this.run(`follow-up, ${this.followUps.length} more to come`);
    }
    if (!settled || this.departed < this.minDepartures || this.departed < this.options.liveSessions()) return false;
    if (now - this.lastRun < this.minGapMs) return false;
    const wave = this.departed;
    this.lastRun = now;
    this.departed = 0;
    this.departedAtLastCheck = 0;
    // V8 gives pages back on its own schedule (its young generation shrinks only once recent
    // allocation has been low for a while): measured after 5,000 sessions left, collections right
    // away, 3 and 5 s later took RSS from 156 to 112-116 MiB only; one 6 s later took it to 85
    // (baseline 90). So the wave's collection is followed by a few more.
    this.followUps = FOLLOW_UPS_MS.map((ms) => now + ms);
    return this.run(`${wave} sessions left`);
  }

  private run(why: string): boolean {
    const collect = this.collector();
    if (!collect) return false;
    const before = process.memoryUsage();
    const started = performance.now();
    // Twice: what the first pass frees (sockets' objects) lets go of native memory in the second.
    collect();
    collect();
    const after = process.memoryUsage();
    log.info(
      `${why}: full collection in ${(performance.now() - started).toFixed(0)} ms, heap ${mib(before.heapUsed)} → ` +
        `${mib(after.heapUsed)} MiB, RSS ${mib(before.rss)} → ${mib(after.rss)} MiB`,
    );
    return true;
  }

  private collector(): (() => void) | undefined {
    if (this.collect) return this.collect;
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') return (this.collect = exposed as () => void);
    try {
      // The flag makes contexts created from now on carry V8's `gc`; only that one new context
      // sees it, not the application's globals.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      if (typeof gc === 'function') return (this.collect = gc as () => void);
    } catch (err) {
      log.debug('no collector available', err);
    }
    return undefined;
  }
}

/** When collections follow a wave's, ms after it. */
const FOLLOW_UPS_MS = [3_000, 6_000, 12_000];

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
