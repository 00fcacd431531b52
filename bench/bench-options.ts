// Command-line options and the two load sizes: the default run (the figures, a few
// minutes) and --quick (tiny numbers, under a minute, for the smoke test).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './ipc-messages.ts';

export const CASE_NAMES = ['fanout-max', 'fixed-rate', 'long-poll', 'many-channels', 'idle-prune', 'two-node', 'collab-editors', 'collab-late-joiners', 'collab-presence', 'collab-idle-rooms', 'cluster-small', 'cluster-medium', 'cluster-large'] as const;
export type CaseName = (typeof CASE_NAMES)[number];
export const SERVER_KINDS: readonly ServerKind[] = ['kuiper', 'faye', 'raw-ws', 'hocuspocus', 'y-websocket'];

/** Yjs collaboration cases, run against Kuiper (+ @kuiper/collab), Hocuspocus and y-websocket. */
export const isCollabCase = (name: CaseName): boolean => name.startsWith('collab-');

/** Cluster fan-out cases (issue 15): two nodes on Redis against one node, at three subscriber counts. */
export type ClusterCase = Extract<CaseName, `cluster-${string}`>;
export const isClusterCase = (name: CaseName): name is ClusterCase => name.startsWith('cluster-');

export interface Sizes {
  payloadBytes: number;
  /** Rounds per case; servers are interleaved round by round and each metric's median is reported. */
  repeats: Record<CaseName, number>;
  fanout: { subscribers: number; window: number; warmupMs: number; durationMs: number };
  fixed: { subscribers: number; rate: number; warmupMs: number; durationMs: number; drainMs: number };
  longPoll: { subscribers: number; rate: number; warmupMs: number; durationMs: number; drainMs: number };
  many: { channels: number; perChannel: number; publishers: number; window: number; warmupMs: number; durationMs: number };
  idle: { sessions: number; concurrency: number; settleMs: number; pruneCapMs: number };
  /** Two nodes of one server on Redis: subscribers split evenly, one publisher on node A. */
  twoNode: { subscribers: number; rate: number; warmupMs: number; durationMs: number; drainMs: number };
  /** N editors in one room, each making editsPerSec small Y.Text edits; drain = wait for convergence (capped). */
  collabEditors: { editors: number; editsPerSec: number; warmupMs: number; durationMs: number; drainMs: number };
  /** A document built from `edits` edits, then `joiners` clients join it one after another. */
  collabJoiners: { edits: number; joiners: number };
  /** N members each moving a cursor at hz. */
  collabPresence: { members: number; hz: number; warmupMs: number; durationMs: number; drainMs: number };
  /** `rooms` open rooms of `perRoom` members each, then quiet for settleMs before memory is read. */
  collabIdleRooms: { rooms: number; perRoom: number; settleMs: number };
  /**
   * Cluster fan-out: `subscribers[case]` WebSocket subscribers on one channel split over two nodes,
   * one publisher on node A, at a publish rate of deliveriesPerSec / subscribers, so every size
   * offers the same deliveries per second; then the same load on one node alone.
   */
  cluster: { subscribers: Record<ClusterCase, number>; deliveriesPerSec: number; warmupMs: number; durationMs: number; drainMs: number; equalRate: EqualRate };
}

/**
 * The cluster cases' equal-rate window (cluster-equal-rate.ts): fresh nodes with the case's
 * subscribers, Redis sampled idle for idleMs once they are connected, then `publishesPerSec` for
 * durationMs: the SAME rate at every size, so Redis's time per publish is compared at one load.
 */
export interface EqualRate {
  publishesPerSec: number;
  /** After the subscribers connected: let their set-up settle, then sample Redis idle. */
  settleMs: number;
  idleMs: number;
  durationMs: number;
  /** Bound on waiting for the window's last deliveries. */
  drainMs: number;
}

/**
 * 1 publish/s at every size: at 10,000 subscribers that is 10,000 deliveries/s, the main window's
 * load, so the largest case stays as light as its main window; at 100 subscribers Redis is as cold
 * between publishes as at 10,000, which is what the comparison needs. 10 s: ten publishes.
 */
export const CLUSTER_EQUAL_RATE: EqualRate = { publishesPerSec: 1, settleMs: 1000, idleMs: 5000, durationMs: 10_000, drainMs: 3000 };
/** The smoke run's: a few publishes, short waits. */
export const CLUSTER_EQUAL_RATE_QUICK: EqualRate = { publishesPerSec: 5, settleMs: 100, idleMs: 300, durationMs: 1000, drainMs: 3000 };

const FULL: Sizes = {
  payloadBytes: 64,
  repeats: { 'fanout-max': 3, 'fixed-rate': 1, 'long-poll': 1, 'many-channels': 2, 'idle-prune': 3, 'two-node': 1, 'collab-editors': 3, 'collab-late-joiners': 1, 'collab-presence': 3, 'collab-idle-rooms': 3, 'cluster-small': 3, 'cluster-medium': 3, 'cluster-large': 3 },
  fanout: { subscribers: 1000, window: 10, warmupMs: 2000, durationMs: 5000 },
  fixed: { subscribers: 1000, rate: 60, warmupMs: 1000, durationMs: 12_000, drainMs: 5000 },
  longPoll: { subscribers: 200, rate: 400, warmupMs: 2000, durationMs: 10_000, drainMs: 5000 },
  many: { channels: 500, perChannel: 2, publishers: 10, window: 200, warmupMs: 2000, durationMs: 5000 },
  // Faye forgets a vanished client after 2 × its 45 s timeout, so the cap must exceed 90 s.
  idle: { sessions: 5000, concurrency: 100, settleMs: 2000, pruneCapMs: 125_000 },
  // 10,000 deliveries/s: at 100 publishes/s Kuiper's two nodes, sharing CPU 0, ran at capacity
  // (every message delivered, p50 0.7-2 s) and Faye's fell behind and dropped deliveries.
  twoNode: { subscribers: 200, rate: 50, warmupMs: 2000, durationMs: 10_000, drainMs: 5000 },
  collabEditors: { editors: 50, editsPerSec: 2, warmupMs: 2000, durationMs: 10_000, drainMs: 5000 },
  collabJoiners: { edits: 20_000, joiners: 20 },
  collabPresence: { members: 50, hz: 20, warmupMs: 2000, durationMs: 10_000, drainMs: 1000 },
  collabIdleRooms: { rooms: 500, perRoom: 2, settleMs: 3000 },
  // 10,000 deliveries/s: 100, 10 and 1 publishes/s. Today's engine costs ~40 µs per delivery on the
  // two nodes (both on CPU 0) and ~16-26 µs in Redis, so this keeps both under one core, and Faye on
  // faye-redis (~70 µs on the nodes) too. A 15 s window: Redis's own idle work (a few ms/s) and its
  // 10 ms /proc ticks stay small against the deliveries counted.
  cluster: { subscribers: { 'cluster-small': 100, 'cluster-medium': 1000, 'cluster-large': 10_000 }, deliveriesPerSec: 10_000, warmupMs: 3000, durationMs: 15_000, drainMs: 5000, equalRate: CLUSTER_EQUAL_RATE },
};

const QUICK: Sizes = {
  payloadBytes: 64,
  repeats: { 'fanout-max': 1, 'fixed-rate': 1, 'long-poll': 1, 'many-channels': 1, 'idle-prune': 1, 'two-node': 1, 'collab-editors': 1, 'collab-late-joiners': 1, 'collab-presence': 1, 'collab-idle-rooms': 1, 'cluster-small': 1, 'cluster-medium': 1, 'cluster-large': 1 },
  fanout: { subscribers: 40, window: 4, warmupMs: 200, durationMs: 700 },
  fixed: { subscribers: 40, rate: 30, warmupMs: 200, durationMs: 800, drainMs: 1000 },
  longPoll: { subscribers: 10, rate: 30, warmupMs: 200, durationMs: 800, drainMs: 1000 },
  many: { channels: 20, perChannel: 2, publishers: 4, window: 20, warmupMs: 200, durationMs: 700 },
  idle: { sessions: 200, concurrency: 50, settleMs: 200, pruneCapMs: 1000 },
  // The drain ends as soon as everything has arrived; its cap is generous so the smoke test's
  // "none missing" holds on a busy CI machine.
  twoNode: { subscribers: 20, rate: 20, warmupMs: 300, durationMs: 1000, drainMs: 3000 },
  // The drain ends once every edit is seen; the cap only matters on a very busy CI machine.
  collabEditors: { editors: 5, editsPerSec: 2, warmupMs: 200, durationMs: 1000, drainMs: 10_000 },
  collabJoiners: { edits: 500, joiners: 3 },
  collabPresence: { members: 5, hz: 20, warmupMs: 200, durationMs: 1000, drainMs: 300 },
  collabIdleRooms: { rooms: 10, perRoom: 2, settleMs: 300 },
  cluster: { subscribers: { 'cluster-small': 4, 'cluster-medium': 10, 'cluster-large': 30 }, deliveriesPerSec: 300, warmupMs: 300, durationMs: 1000, drainMs: 3000, equalRate: CLUSTER_EQUAL_RATE_QUICK },
};

/** The report's parts: the Bayeux server cases, the collaboration cases (issue 11), the cluster cases (issue 15). */
export type BenchPart = 'server' | 'collab' | 'cluster';
export const BENCH_PARTS: readonly BenchPart[] = ['server', 'collab', 'cluster'];
export const partOf = (name: CaseName): BenchPart => (isCollabCase(name) ? 'collab' : isClusterCase(name) ? 'cluster' : 'server');

export interface BenchOptions {
  quick: boolean;
  outDir: string;
  /** --profile: server processes write V8 CPU profiles (.cpuprofile) under <tmp>/kuiper-bench-profiles/<server>. */
  profileDir: string | undefined;
  servers: ServerKind[];
  cases: CaseName[];
  sizes: Sizes;
}

const USAGE = `usage: pnpm bench [--quick] [--out DIR] [--profile] [--only ${BENCH_PARTS.join('|')}] [--servers ${SERVER_KINDS.join(',')}] [--cases ${CASE_NAMES.join(',')}]
  --only collab runs the collaboration cases only (server, the Bayeux cases only; cluster, the cluster
  fan-out cases on Redis only); a run of one part replaces that part of the report in the output
  directory and keeps the other parts as they were.`;

export function parseOptions(argv: string[]): BenchOptions {
  let quick = false;
  let profile = false;
  let outDir: string | undefined;
  let servers = [...SERVER_KINDS];
  let cases: CaseName[] = [...CASE_NAMES];
  let only: BenchPart | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--out') outDir = value();
    else if (arg === '--profile') profile = true;
    else if (arg === '--servers') servers = value().split(',').map((s) => pick(s, SERVER_KINDS));
    else if (arg === '--cases') cases = value().split(',').map((s) => pick(s, CASE_NAMES));
    else if (arg === '--only') only = pick(value(), BENCH_PARTS);
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else if (arg !== '--') throw new Error(`unknown argument ${String(arg)}\n${USAGE}`);
  }
  if (only !== undefined) cases = cases.filter((c) => partOf(c) === only);
  // --quick never overwrites the committed docs/benchmarks.* unless --out says so.
  const defaultOut = quick ? join(tmpdir(), 'kuiper-bench-quick') : fileURLToPath(new URL('../docs', import.meta.url));
  const out = outDir ?? defaultOut;
  return { quick, outDir: out, profileDir: profile ? join(tmpdir(), 'kuiper-bench-profiles') : undefined, servers, cases, sizes: quick ? QUICK : FULL };
}

function pick<T extends string>(value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`'${value}' is not one of ${allowed.join(', ')}\n${USAGE}`);
  return value as T;
}
