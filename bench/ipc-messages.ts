// The messages exchanged over Node IPC between the harness (bench/run.ts), the server processes
// (bench/servers/*.ts) and the load-generator process (bench/load/load-worker.ts). Kept in one
// file so all three sides agree on the shapes under strict type-checking.

/** Bayeux cases: kuiper, faye, raw-ws. Collaboration cases: kuiper (with @kuiper/collab), hocuspocus, y-websocket. */
export type ServerKind = 'kuiper' | 'faye' | 'raw-ws' | 'hocuspocus' | 'y-websocket';

/** What a server process reports about itself; CPU is cumulative since the process started. */
export interface ServerStats {
  /** process.cpuUsage() user + system, µs. */
  cpuMicros: number;
  rss: number;
  heapUsed: number;
  /** Sessions the server still holds (Bayeux clients, or open sockets for the raw server). */
  sessions: number;
  /** 'proc' when the server was too busy to answer and the harness read /proc instead. */
  source?: 'ipc' | 'proc';
  /** two-node only: the local redis-server's cumulative CPU (µs, /proc), when one was found. */
  redisCpuMicros?: number;
  /** two-node only: node A's part of cpuMicros (the node the publishers use; node B only relays). */
  nodeACpuMicros?: number;
}

export type ToServer = { type: 'stats'; reqId: number; gc?: boolean } | { type: 'close' };

export type FromServer =
  | { type: 'listening'; url: string; port: number; fdLimit: number }
  | { type: 'stats'; reqId: number; stats: ServerStats };

/** A job for the load generator; each job runs against one server URL (two-node: two nodes' URLs). */
export type LoadJob =
  | { kind: 'fanout-max'; url: string; subscribers: number; window: number; warmupMs: number; durationMs: number; payloadBytes: number }
  | { kind: 'fixed-rate'; url: string; subscribers: number; rate: number; warmupMs: number; durationMs: number; drainMs: number; payloadBytes: number }
  | { kind: 'long-poll'; url: string; subscribers: number; rate: number; warmupMs: number; durationMs: number; drainMs: number; payloadBytes: number }
  | { kind: 'many-channels'; url: string; channels: number; perChannel: number; publishers: number; window: number; warmupMs: number; durationMs: number; payloadBytes: number }
  | { kind: 'idle'; url: string; sessions: number; concurrency: number }
  | { kind: 'two-node'; url: string; peerUrl: string; subscribers: number; rate: number; warmupMs: number; durationMs: number; drainMs: number; payloadBytes: number }
  | { kind: 'collab-editors'; server: ServerKind; url: string; editors: number; editsPerSec: number; warmupMs: number; durationMs: number; drainMs: number }
  | { kind: 'collab-late-joiners'; server: ServerKind; url: string; edits: number; joiners: number }
  | { kind: 'collab-presence'; server: ServerKind; url: string; members: number; hz: number; warmupMs: number; durationMs: number; drainMs: number }
  | { kind: 'collab-idle-rooms'; server: ServerKind; url: string; rooms: number; perRoom: number; settleMs: number };

export type ToLoad =
  | { type: 'job'; job: LoadJob }
  | { type: 'server-stats'; reqId: number; stats: ServerStats };

/** Counters and latency summaries a load job returns. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  /** Deliveries counted inside the measured window. */
  delivered: number;
  /** WebSocket frames or long-polling responses that carried those deliveries. */
  frames: number;
  published: number;
  windowMs: number;
  /** Server CPU (µs) spent inside the measured window, from the server's own process.cpuUsage(). */
  serverCpuMicros: number;
  /** two-node only: Redis's CPU (µs) inside the window, when a local redis-server was found. */
  redisCpuMicros?: number;
  /** two-node only: node A's part of serverCpuMicros (the publishers' node). */
  nodeACpuMicros?: number;
  /** The load generator's own CPU inside the window as a share of one core (0..1+). */
  loadCpuShare: number;
  /** Busy share of each core over the window (/proc/stat), softirq and other processes included. */
  coreBusy: number[];
  /** The (soft)irq part of coreBusy: kernel network work attributed to no process. */
  coreIrq: number[];
  latencyMs?: LatencySummary;
  firstHalfMs?: LatencySummary;
  secondHalfMs?: LatencySummary;
  /** Messages published in the window that never arrived before the drain ended. */
  missing?: number;
  errors: number;
  notes: string[];
  /** Case-specific figures (collaboration cases), copied into the run's metrics as they are. */
  extra?: Record<string, number | null>;
}

export type FromLoad =
  | { type: 'ready'; fdLimit: number }
  | { type: 'server-stats'; reqId: number; gc?: boolean }
  | { type: 'progress'; text: string }
  | { type: 'idle-ready'; sessions: number; failed: number }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };
