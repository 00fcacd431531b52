// Runs one case against one server: a fresh server process and a fresh load-generator process
// each time, turned into the flat metrics the report tabulates.
import { type BenchOptions, type CaseName, isClusterCase, isCollabCase } from './bench-options.ts';
import type { LoadJob, LoadResult, ServerKind } from './ipc-messages.ts';
import { type LoadWorker, spawnLoadWorker, startLoad } from './load-process.ts';
import { type ServerProcess, startServer } from './server-process.ts';
import { settledStats } from './settled-stats.ts';

export type Metrics = Record<string, number | null>;

export interface ServerRun {
  server: ServerKind;
  error?: string;
  metrics: Metrics;
  /** The load generator used > 90% of its core inside the window: its figures are a floor. */
  loadSaturated: boolean;
  notes: string[];
}

const LOAD_SATURATED = 0.9;
const OTHER_CPU_NOTE = 0.15;
const RSS_WATCH_S = 20;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;

const COLLAB_SERVERS: readonly ServerKind[] = ['kuiper', 'hocuspocus', 'y-websocket'];

export function appliesTo(name: CaseName, server: ServerKind): boolean {
  // Yjs rooms: Kuiper (with @kuiper/collab) against the two Yjs servers; those two speak no Bayeux.
  if (isCollabCase(name)) return COLLAB_SERVERS.includes(server);
  if (server === 'hocuspocus' || server === 'y-websocket') return false;
  // The raw ws server has no long-polling transport and no shared state between processes: those
  // cases compare Kuiper with Faye only.
  return !((name === 'long-poll' || name === 'two-node' || isClusterCase(name)) && server === 'raw-ws');
}

/** The server script a case runs: Kuiper's collaboration cases add @kuiper/collab to it. */
export function scriptFor(name: CaseName, kind: ServerKind): string {
  return kind === 'kuiper' && isCollabCase(name) ? 'kuiper-collab' : kind;
}

/**
 * The idle case's servers run with V8's young generation pinned small (1 MiB semi-spaces), every
 * server alike. Otherwise it grows during the connect burst (to 32 MiB, from 8 or 16 depending on
 * the server's start-up) and its pages stay resident after the forced GC: a fixed 16-24 MiB that
 * was divided by the sessions as if each held 3-5 KiB of it, more for whichever server started
 * smaller. Measured (5,000 sessions): Kuiper 9.35 vs raw ws 7.66 KiB unpinned, 5.57 vs 4.84 pinned.
 * The pooled servers of --quick (a smoke run) keep the defaults.
 */
export const IDLE_V8_FLAGS: readonly string[] = ['--min-semi-space-size=1', '--max-semi-space-size=1'];

/**
 * The collaboration idle-rooms case too: its servers' young generation grows during the joins and
 * its pages stayed resident (RSS minus heap per room, 2026-12-02: ~38 KiB for Kuiper and Hocuspocus,
 * ~21 for y-websocket), a fixed cost divided by the rooms as in the idle case.
 */
export function v8FlagsFor(name: CaseName): readonly string[] {
  return name === 'idle-prune' || name === 'collab-idle-rooms' ? IDLE_V8_FLAGS : [];
}

/** A run's two processes, possibly started ahead of time (the quick mode overlaps start-up). */
export interface Spawned {
  server: Promise<ServerProcess>;
  worker: Promise<LoadWorker>;
}

export function spawnFor(kind: ServerKind, profileDir?: string, script: string = kind, v8Flags: readonly string[] = []): Spawned {
  const spawned = { server: startServer(kind, profileDir, undefined, script, v8Flags), worker: spawnLoadWorker() };
  // Awaited in runCase; a failure there is reported as that run's error.
  spawned.server.catch(() => {});
  spawned.worker.catch(() => {});
  return spawned;
}

/**
 * `keep`: leave the processes running for the next case (the quick mode reuses them; the idle job's
 * worker is killed by the case itself either way).
 */
export async function runCase(name: CaseName, kind: ServerKind, options: BenchOptions, log: (line: string) => void, spawned = spawnFor(kind, options.profileDir, scriptFor(name, kind), v8FlagsFor(name)), keep = false): Promise<ServerRun> {
  let server: ServerProcess | undefined;
  try {
    server = await spawned.server;
    const load = await spawned.worker;
    const need = options.sizes.idle.sessions + 200;
    if (name === 'idle-prune' && Math.min(server.fdLimit, load.fdLimit) < need) {
      log(`    warning: open-files limit (server ${server.fdLimit}, load ${load.fdLimit}) is below ${need}`);
    }
    return name === 'idle-prune' ? await idlePrune(server, load, options, log) : await measured(name, server, load, options, log);
  } catch (err) {
    // A server that fails to start or a load that fails is reported in its row; the run goes on.
    return { server: kind, error: err instanceof Error ? err.message : String(err), metrics: {}, loadSaturated: false, notes: [] };
  } finally {
    // The two-node pair is never pooled (only its load worker may be): it always goes.
    if (!keep || name === 'two-node') await spawned.server.then((s) => s.stop(), () => {});
    if (!keep) await spawned.worker.then((w) => w.child.kill('SIGKILL'), () => {});
  }
}

function jobFor(name: Exclude<CaseName, 'idle-prune'>, server: ServerProcess, options: BenchOptions): LoadJob {
  const { sizes } = options;
  const url = server.url;
  const payloadBytes = sizes.payloadBytes;
  switch (name) {
    case 'fanout-max':
      return { kind: 'fanout-max', url, payloadBytes, ...sizes.fanout };
    case 'fixed-rate':
      return { kind: 'fixed-rate', url, payloadBytes, ...sizes.fixed };
    case 'long-poll':
      return { kind: 'long-poll', url, payloadBytes, ...sizes.longPoll };
    case 'many-channels':
      return { kind: 'many-channels', url, payloadBytes, ...sizes.many };
    case 'two-node':
      return { kind: 'two-node', url, peerUrl: server.peerUrl ?? url, payloadBytes, ...sizes.twoNode };
    case 'collab-editors':
      return { kind: 'collab-editors', server: server.kind, url, ...sizes.collabEditors };
    case 'collab-late-joiners':
      return { kind: 'collab-late-joiners', server: server.kind, url, ...sizes.collabJoiners };
    case 'collab-presence':
      return { kind: 'collab-presence', server: server.kind, url, ...sizes.collabPresence };
    case 'collab-idle-rooms':
      return { kind: 'collab-idle-rooms', server: server.kind, url, ...sizes.collabIdleRooms };
    case 'cluster-small':
    case 'cluster-medium':
    case 'cluster-large':
      return clusterJob(name, url, server.peerUrl ?? url, options);
  }
}

/**
 * A cluster case's load: the two-node job at the case's subscriber count and the rate that offers
 * the same deliveries per second at every size. `peerUrl` equal to `url` puts every subscriber on
 * one node (the single-node comparison).
 */
export function clusterJob(name: Extract<CaseName, `cluster-${string}`>, url: string, peerUrl: string, options: BenchOptions): Extract<LoadJob, { kind: 'two-node' }> {
  const { subscribers, deliveriesPerSec, warmupMs, durationMs, drainMs } = options.sizes.cluster;
  const count = subscribers[name];
  return { kind: 'two-node', url, peerUrl, payloadBytes: options.sizes.payloadBytes, subscribers: count, rate: deliveriesPerSec / count, warmupMs, durationMs, drainMs };
}

/** `job`: the load to run when not the case's own (the cluster cases' single-node comparison). */
export async function measured(name: Exclude<CaseName, 'idle-prune'>, server: ServerProcess, worker: LoadWorker, options: BenchOptions, log: (line: string) => void, job: LoadJob = jobFor(name, server, options)): Promise<ServerRun> {
  const load = startLoad(worker, job, server, log);
  const r: LoadResult = await load.result;
  const seconds = r.windowMs / 1000;
  // CPU on the two cores that neither the server, the load generator, Redis (two-node) nor the
  // kernel's network softirq accounts for: other processes on the machine. Large values mean a
  // disturbed run.
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const serverShare = r.serverCpuMicros / (r.windowMs * 1000);
  const redisShare = (r.redisCpuMicros ?? 0) / (r.windowMs * 1000);
  const otherCpuShare = r.coreBusy.length > 0 ? Math.max(0, sum(r.coreBusy) - sum(r.coreIrq) - serverShare - redisShare - r.loadCpuShare) : null;
  const notes = [...r.notes];
  if (otherCpuShare !== null && otherCpuShare > OTHER_CPU_NOTE) {
    notes.push(`other processes used ${(otherCpuShare * 100).toFixed(0)}% of a core during the window: figures disturbed`);
  }
  const lat = r.latencyMs;
  const metrics: Metrics = {
    deliveredPerSec: r.delivered / seconds,
    publishedPerSec: r.published / seconds,
    serverCpuUsPerMsg: r.delivered > 0 ? r.serverCpuMicros / r.delivered : null,
    deliveriesPerFrame: r.frames > 0 ? r.delivered / r.frames : null,
    serverCpuShare: serverShare,
    loadCpuShare: r.loadCpuShare,
    cpu0Busy: r.coreBusy[0] ?? null,
    cpu1Busy: r.coreBusy[1] ?? null,
    otherCpuShare,
    p50Ms: lat?.p50 ?? null,
    p99Ms: lat?.p99 ?? null,
    maxMs: lat?.max ?? null,
    p99FirstHalfMs: r.firstHalfMs?.p99 ?? null,
    p99SecondHalfMs: r.secondHalfMs?.p99 ?? null,
    missing: r.missing ?? 0,
    errors: r.errors,
  };
  // null when no local redis-server was found in /proc (Redis elsewhere, or in another container).
  if (r.extra) Object.assign(metrics, r.extra);
  // Joins are timed one after another, and idle rooms deliver nothing: the rows that mean deliveries go.
  if (name === 'collab-late-joiners' || name === 'collab-idle-rooms') {
    for (const key of ['deliveredPerSec', 'publishedPerSec', 'serverCpuUsPerMsg', 'deliveriesPerFrame', 'p50Ms', 'p99Ms', 'maxMs', 'p99FirstHalfMs', 'p99SecondHalfMs', 'missing']) delete metrics[key];
  }
  if (name === 'two-node' || isClusterCase(name)) metrics.redisCpuUsPerMsg = r.redisCpuMicros !== undefined && r.delivered > 0 ? r.redisCpuMicros / r.delivered : null;
  if (isClusterCase(name)) metrics.redisCpuUsPerPublish = r.redisCpuMicros !== undefined && r.published > 0 ? r.redisCpuMicros / r.published : null;
  // Where two nodes' CPU goes: node A (the publishers') also runs every publish's Redis call and
  // answers the publisher; node B only relays. Per publish, so a fixed cost per publish shows as one.
  if (isClusterCase(name) && r.nodeACpuMicros !== undefined && r.published > 0) {
    metrics.nodeACpuUsPerPublish = r.nodeACpuMicros / r.published;
    metrics.nodeBCpuUsPerPublish = (r.serverCpuMicros - r.nodeACpuMicros) / r.published;
  }
  return { server: server.kind, metrics, loadSaturated: r.loadCpuShare > LOAD_SATURATED, notes };
}

async function idlePrune(server: ServerProcess, worker: LoadWorker, options: BenchOptions, log: (line: string) => void): Promise<ServerRun> {
  const sizes = options.sizes.idle;
  await sleep(500);
  const base = await settledStats(server);
  const load = startLoad(worker, { kind: 'idle', url: server.url, sessions: sizes.sessions, concurrency: sizes.concurrency }, server, log);
  const opened = await Promise.race([load.idleReady, load.result.then(() => ({ sessions: 0, failed: sizes.sessions }))]);
  await sleep(sizes.settleMs);
  const loaded = await settledStats(server);
  const notes: string[] = [];
  if (opened.failed > 0) notes.push(`${opened.failed} of ${sizes.sessions} sessions failed to open`);

  // Kill the clients at once (SIGKILL closes every socket) and watch the server forget them.
  await load.kill();
  const killedAt = performance.now();
  const threshold = base.rss * 1.15;
  let zeroAt: number | null = null;
  let rssAt: number | null = null;
  let last = loaded;
  log(`    ${opened.sessions} sessions killed; watching for up to ${sizes.pruneCapMs / 1000} s`);
  // Watch until both happen; but once sessions are gone, RSS gets RSS_WATCH_S more seconds at most
  // (and never less than the 20 s target), so one slow server does not stretch the run for minutes.
  const rssDeadline = (): number => (zeroAt === null ? sizes.pruneCapMs : Math.min(sizes.pruneCapMs, Math.max(20, zeroAt + RSS_WATCH_S) * 1000));
  while (performance.now() - killedAt < rssDeadline() && (zeroAt === null || rssAt === null)) {
    await sleep(250);
    // No forced GC here: how soon the process gives memory back on its own is what is measured.
    last = await server.stats(false);
    const elapsed = (performance.now() - killedAt) / 1000;
    if (zeroAt === null && last.sessions === 0) zeroAt = elapsed;
    if (rssAt === null && last.rss <= threshold) rssAt = elapsed;
  }
  const watched = (performance.now() - killedAt) / 1000;
  if (zeroAt === null) notes.push(`${last.sessions} sessions still counted after ${watched.toFixed(0)} s`);
  if (rssAt === null) notes.push(`RSS ${(last.rss / MiB).toFixed(1)} MiB still above baseline + 15% (${(threshold / MiB).toFixed(1)} MiB) after ${watched.toFixed(0)} s`);
  // A forced GC at the end tells memory still held (a leak, or sessions not yet pruned) apart from
  // garbage the process simply had not collected yet.
  const afterGc = await server.stats(true);
  const metrics: Metrics = {
    sessions: opened.sessions,
    serverSessionsCounted: loaded.sessions,
    baselineRssMiB: base.rss / MiB,
    loadedRssMiB: loaded.rss / MiB,
    kibPerSession: opened.sessions > 0 ? (loaded.rss - base.rss) / 1024 / opened.sessions : null,
    heapKibPerSession: opened.sessions > 0 ? (loaded.heapUsed - base.heapUsed) / 1024 / opened.sessions : null,
    secondsToZeroSessions: zeroAt,
    secondsToBaselineRss: rssAt,
    secondsWatched: watched,
    finalRssMiB: last.rss / MiB,
    finalRssAfterGcMiB: afterGc.rss / MiB,
  };
  return { server: server.kind, metrics, loadSaturated: false, notes };
}
