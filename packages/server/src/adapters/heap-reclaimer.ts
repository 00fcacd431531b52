/**
 * [SWEEP-2] Gives memory back after a mass departure. When thousands of sessions vanish at once (a
 * network partition, a deploy of the clients, a load test ending), their heap is garbage but V8
 * only collects under allocation pressure, which an idle server never has: RSS stays at its peak
 * for as long as the process lives (measured: 150 MiB with 5,000 sessions, still 150 MiB 30 s
 * after all of them were pruned; a full collection brings it back to 97 MiB, baseline 89 MiB).
 * Once such a wave is over, full collections are run (right away and at a few follow-ups), for
 * at most one departure wave per `minGapMs`.
 *
 * [SWEEP-3] ...and after a mass arrival. A connect wave leaves V8's old space committed but partly
 * free (a full collection frees the wave's garbage but keeps pages three-quarters full): measured
 * with 5,000 idle WebSocket sessions, 33.7 MiB of old space committed for 25.0 MiB live, 1.8 KiB
 * per session that stays resident for as long as the sessions do. A compacting collection once
 * the wave is over moves the live objects onto fewer pages and gives the rest back: 44 → 31 MiB
 * of heap committed, RSS per session 5.8 → 4.2-5.3 KiB, for one pause of 150-250 ms then; its
 * follow-ups give back the young generation the storm grew. At most one arrival wave per `minGapMs`.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLogger } from '../core/log.js';

const log = createLogger('memory');

export interface HeapReclaimerOptions {
  /** Departures that count as a wave: at least this many... Default 1000. */
  minDepartures?: number;
  /** ...and at least as many as the sessions that remain. */
  liveSessions: () => number;
  /** Arrivals that count as a wave: at least this many more than departures, and at least half the live sessions. Default 1000. */
  minArrivals?: number;
  /** Least time between two waves' collections of the same kind, ms. Default 60 s. */
  minGapMs?: number;
  /** Bytes committed to V8's young generation; by default read from V8. */
  youngGeneration?: () => number;
  /**
   * Share of the time since the last check the event loop was busy (0..1); by default V8's event
   * loop utilization. An arrival wave's collections wait while it is at or above BUSY_LOOP.
   */
  loopUtilization?: () => number;
  /** The collector; by default `global.gc`, or V8's own exposed on first use. */
  collect?: () => void;
}

export class HeapReclaimer {
  private departed = 0;
  private departedAtLastCheck = 0;
  private arrived = 0;
  private arrivedAtLastCheck = 0;
  /** Sessions added less sessions removed since the last collection: what the heap grew by. */
  private grown = 0;
  /** When the last wave of each kind was collected: each kind at most once per minGapMs. */
  private lastDepartureWave = Number.NEGATIVE_INFINITY;
  private lastArrivalWave = Number.NEGATIVE_INFINITY;
  /** When the collections after the last wave are due. */
  private followUps: number[] = [];
  /** The follow-ups are an arrival wave's: there only for a young generation left grown. */
  private followUpsForYoung = false;
  private lastLoop: EventLoopUtilization | undefined;
  private readonly minDepartures: number;
  private readonly minArrivals: number;
  private readonly minGapMs: number;
  private collect: (() => void) | undefined;

  constructor(private readonly options: HeapReclaimerOptions) {
    this.minDepartures = options.minDepartures ?? 1000;
    this.minArrivals = options.minArrivals ?? 1000;
    this.minGapMs = options.minGapMs ?? 60_000;
    this.collect = options.collect;
  }

  /** A session was removed (pruned, disconnected, expired). */
  departure(): void {
    this.departed++;
    this.grown--;
  }

  /** A session was added (handshake). */
  arrival(): void {
    this.arrived++;
    this.grown++;
  }

  /**
   * Called periodically (each sweep). Collects when a wave is big enough and over: nobody left
   * (for a departure wave) or came (for an arrival wave) since the last check, so a collection is
   * not repeated in the middle of a pruning sweep or a connect storm, and a trickle of the other
   * kind does not hold it back; then again at each follow-up. Returns whether it collected.
   */
  check(now: number): boolean {
    // An arrival wave's pauses (compaction: 50-250 ms) are for a server whose new sessions sit
    // idle; one that is busy serving them would pay them in its deliveries' latency (measured: the
    // bench's fixed-rate case, 1,000 subscribers at 60k deliveries/s, p99 19.8 -> 78.6 ms when
    // the wave's collection and follow-ups ran inside it). So they wait for a quiet period.
    const busy = this.loopUtilization() >= BUSY_LOOP;
    const departuresOver = this.departed === this.departedAtLastCheck;
    const arrivalsOver = this.arrived === this.arrivedAtLastCheck;
    this.departedAtLastCheck = this.departed;
    this.arrivedAtLastCheck = this.arrived;
    const followUp = this.followUps[0];
    if (followUp !== undefined && now >= followUp) {
      this.followUps.shift();
      // An arrival wave's follow-ups stop once the young generation is small again: nothing more
      // to give back (the bench pins it at 1 MiB; a storm grows V8's default to 32).
      if (this.followUpsForYoung && (busy || this.youngGeneration() <= YOUNG_SETTLED_BYTES)) this.followUps = [];
      else return this.run(`follow-up, ${this.followUps.length} more to come`);
    }
    const live = this.options.liveSessions();
    const departures = departuresOver && this.departed >= this.minDepartures && this.departed >= live && now - this.lastDepartureWave >= this.minGapMs;
    // Sessions that came and stayed (short-lived ones are SWEEP-2's), at least half the live ones:
    // the heap grew by at least as much again, and a pause that scales with the live heap is not
    // paid for a few arrivals on a big server. A limit of its own: a connect wave's collection
    // must not hold back the one after those sessions leave.
    const arrivals = !busy && arrivalsOver && this.grown >= this.minArrivals && this.grown * 2 >= live && now - this.lastArrivalWave >= this.minGapMs;
    if (!departures && !arrivals) return false;
    // Whichever the wave, the collection compacts the heap as it is now: growth so far is done.
    const why = departures ? `${this.departed} sessions left` : `${this.grown} sessions came`;
    this.arrived = this.arrivedAtLastCheck = this.grown = 0;
    if (departures) {
      this.lastDepartureWave = now;
      this.departed = this.departedAtLastCheck = 0;
    } else this.lastArrivalWave = now;
    // V8 gives pages back on its own schedule (its young generation shrinks only once recent
    // allocation has been low for a while): measured after 5,000 sessions left, collections right
    // away, 3 and 5 s later took RSS from 156 to 112-116 MiB only; one 6 s later took it to 85
    // (baseline 90). After 5,000 arrived, the young generation the connect storm grew to 32 MiB
    // went back to 1 MiB at the collection 3 s after the wave's, not at the wave's own (RSS 135 →
    // 106 MiB). So the wave's collection is followed by a few more.
    this.followUps = FOLLOW_UPS_MS.map((ms) => now + ms);
    this.followUpsForYoung = !departures;
    return this.run(why);
  }

  private run(why: string): boolean {
    const collect = this.collector();
    if (!collect) return false;
    const before = process.memoryUsage();
    const started = performance.now();
    // Twice: what the first pass frees (sockets' objects) lets go of native memory in the second,
    // which also compacts (SWEEP-3): V8 moves objects only off pages it finds sparse enough, and
    // a wave leaves most pages fuller than that but far from full.
    collect();
    compacting(collect);
    const after = process.memoryUsage();
    log.info(
      `${why}: full collection in ${(performance.now() - started).toFixed(0)} ms, heap ${mib(before.heapUsed)} → ` +
        `${mib(after.heapUsed)} MiB, RSS ${mib(before.rss)} → ${mib(after.rss)} MiB`,
    );
    return true;
  }

  private loopUtilization(): number {
    if (this.options.loopUtilization) return this.options.loopUtilization();
    // One mark per check: the share since the previous mark is the difference of the two.
    const now = performance.eventLoopUtilization();
    const since = this.lastLoop === undefined ? now : performance.eventLoopUtilization(now, this.lastLoop);
    this.lastLoop = now;
    return since.utilization;
  }

  private youngGeneration(): number {
    if (this.options.youngGeneration) return this.options.youngGeneration();
    return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
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

/**
 * Runs `collect` with every page of the old space a candidate for compaction. The flag is V8's own
 * (read at the start of each full collection); it is set back unless the process was started with it.
 */
function compacting(collect: () => void): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collect();
  } finally {
    if (!process.execArgv.includes('--compact-on-every-full-gc')) setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/** When collections follow a wave's, ms after it. */
const FOLLOW_UPS_MS = [3_000, 6_000, 12_000];

/** Event loop utilization from which a server counts as busy (SWEEP-3). */
const BUSY_LOOP = 0.25;
/** A young generation this small has nothing to give back (V8 starts it at 1-16 MiB, grows it to 32). */
const YOUNG_SETTLED_BYTES = 4 * 1024 * 1024;

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
