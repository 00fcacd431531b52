// The cluster cases' equal-rate window (issue 15: "Redis cost flat in subscriber count"). The main
// window offers the same deliveries per second at every size, so 10,000 subscribers get 1 publish/s
// where 100 get 100, and Redis's per-second work (the nodes' upkeep, its own timers) is shared by
// fewer publishes; Redis is also colder between them. Here every size publishes at the SAME rate:
// two fresh nodes, the case's subscribers connected (Redis sampled idle with them: the sessions'
// upkeep), then EqualRate.publishesPerSec for durationMs with Redis logging every command (Kuiper)
// or its commandstats read (Faye), so a publish's own Redis time is told apart from the upkeep.
// Fresh nodes, not the main window's: its load generator drops its sockets without a disconnect,
// so its sessions stay on those nodes until pruned (Kuiper ~10 s, Faye 90 s), and pruning them
// (or Faye's publishing to them) would land in this window.
import type { BenchOptions } from './bench-options.ts';
import { type BenchRedis, type CommandStats, type SlowlogEntry } from './cluster-redis.ts';
import type { ServerKind } from './ipc-messages.ts';
import { type LoadWorker, spawnLoadWorker } from './load-process.ts';
import { nextMessage } from './pinned-child.ts';
import { describeGroups, engineScriptNames, groupSlowlog, median, nodeCommandTime, PUBLISH_SCRIPT, publishGroup } from './redis-slowlog.ts';
import type { Metrics } from './run-case.ts';
import type { ServerProcess } from './server-process.ts';
import { settledStats } from './settled-stats.ts';
import { spawnTwoNode } from './two-node.ts';

/** Harness → equal-rate load generator (bench/load/equal-rate-load.ts). */
export type EqualRateStep =
  | { type: 'open'; url: string; peerUrl: string; subscribers: number; ack?: boolean }
  | { type: 'publish'; publishesPerSec: number; durationMs: number; drainMs: number; payloadBytes: number };

/** Equal-rate load generator → harness. */
export type EqualRateReply =
  | { type: 'ready'; fdLimit: number }
  | { type: 'opened'; subscribers: number; errors: number; notes: string[] }
  | { type: 'published'; published: number; expected: number; delivered: number; errors: number; notes: string[] }
  | { type: 'error'; message: string };

/** Room in SLOWLOG for a window: Kuiper's is a few thousand entries (~10 commands a publish, ~20 an upkeep). */
const SLOWLOG_MAX_LEN = 100_000;
const STEP_TIMEOUT_MS = 120_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a step and waits for its reply (or the worker's error). */
async function step<R extends EqualRateReply>(worker: LoadWorker, message: EqualRateStep, reply: R['type']): Promise<R> {
  const answer = Promise.race([
    nextMessage<R>(worker.child, reply, STEP_TIMEOUT_MS),
    nextMessage<Extract<EqualRateReply, { type: 'error' }>>(worker.child, 'error', STEP_TIMEOUT_MS).then((e) => Promise.reject(new Error(e.message))),
  ]);
  worker.child.send(message);
  return answer;
}

/** Redis's CPU (INFO cpu) and its accounts (commandstats, and SLOWLOG when `log`) over `run`. */
async function accounted<T>(redis: BenchRedis, log: boolean, run: () => Promise<T>): Promise<{ result: T; seconds: number; cpu?: number; commands?: { before: CommandStats; after: CommandStats }; slowlog?: SlowlogEntry[] }> {
  const read = log ? await redis.logEveryCommand(SLOWLOG_MAX_LEN) : undefined;
  const [cpu0, stats0] = await Promise.all([redis.cpuMicros(), redis.commandStats()]);
  const t0 = performance.now();
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await read?.();
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  const [cpu1, stats1] = await Promise.all([redis.cpuMicros(), redis.commandStats()]);
  const slowlog = await read?.();
  return {
    result,
    seconds,
    ...(cpu0 !== undefined && cpu1 !== undefined ? { cpu: cpu1 - cpu0 } : {}),
    ...(stats0 !== undefined && stats1 !== undefined ? { commands: { before: stats0, after: stats1 } } : {}),
    ...(slowlog !== undefined ? { slowlog } : {}),
  };
}

export interface EqualRateResult {
  metrics: Metrics;
  notes: string[];
}

/**
 * Runs the window for one server kind at `subscribers`. Kuiper: SLOWLOG (every command) over the
 * idle sample and over the window. Faye: commandstats only: at 10,000 subscribers it runs ~4
 * commands per subscriber per publish, ~400,000 log entries in the window, whose logging would
 * itself be a real part of what is measured.
 */
export async function equalRateWindow(kind: ServerKind, subscribers: number, options: BenchOptions, redis: BenchRedis, log: (line: string) => void, ack = false): Promise<EqualRateResult> {
  const eq = options.sizes.cluster.equalRate;
  const slowlog = kind === 'kuiper' && redis.own;
  const pair = spawnTwoNode(kind, redis.url, options.profileDir, spawnLoadWorker('load/equal-rate-load.ts'));
  let server: ServerProcess | undefined;
  try {
    server = await pair.server;
    const worker = await pair.worker;
    log(`    equal-rate window${ack ? ' in ack mode' : ''}: ${subscribers} subscribers on fresh nodes, then ${eq.publishesPerSec} publishes/s for ${eq.durationMs / 1000} s`);
    // Memory per session: both nodes' RSS and heap and Redis's data, before and after the subscribers.
    const samples = options.quick ? 1 : undefined;
    const before = { node: await settledStats(server, samples), redis: await redis.usedMemory() };
    const opened = await step<Extract<EqualRateReply, { type: 'opened' }>>(worker, { type: 'open', url: server.url, peerUrl: server.peerUrl ?? server.url, subscribers, ack }, 'opened');
    await sleep(eq.settleMs);
    const memory = perSession(opened.subscribers, before, { node: await settledStats(server, samples), redis: await redis.usedMemory() });
    const idle = await accounted(redis, slowlog, () => sleep(eq.idleMs));
    const window = await accounted(redis, slowlog, () => step<Extract<EqualRateReply, { type: 'published' }>>(worker, { type: 'publish', publishesPerSec: eq.publishesPerSec, durationMs: eq.durationMs, drainMs: eq.drainMs, payloadBytes: options.sizes.payloadBytes }, 'published'));
    const names = slowlog ? await engineScriptNames() : new Map<string, string>();
    const result = summarise(kind, eq.durationMs, { subscribers: opened.subscribers, wanted: subscribers, openNotes: opened.notes }, idle, window, names);
    return { ...result, metrics: { ...result.metrics, ...memory } };
  } finally {
    await pair.server.then((s) => s.stop(), () => {});
    await pair.worker.then((w) => w.child.kill('SIGKILL'), () => {});
  }
}

type MemorySample = { node: { rss: number; heapUsed: number }; redis: number | undefined };

/**
 * What one connected, subscribed, idle session costs: on the nodes (both processes' RSS and heap
 * after forced collections, summed: a session is attached to one of them) and in Redis (its data,
 * INFO used_memory). For the scaling table: a Redis node holds more per session than the memory
 * engine's one node measured by the idle-sessions case.
 */
function perSession(sessions: number, before: MemorySample, after: MemorySample): Metrics {
  if (sessions <= 0) return {};
  return {
    eqNodeKibPerSession: (after.node.rss - before.node.rss) / 1024 / sessions,
    eqNodeHeapKibPerSession: (after.node.heapUsed - before.node.heapUsed) / 1024 / sessions,
    eqRedisBytesPerSession: before.redis === undefined || after.redis === undefined ? null : (after.redis - before.redis) / sessions,
  };
}

type Accounted<T> = Awaited<ReturnType<typeof accounted<T>>>;

function summarise(kind: ServerKind, durationMs: number, opened: { subscribers: number; wanted: number; openNotes: string[] }, idle: Accounted<void>, window: Accounted<Extract<EqualRateReply, { type: 'published' }>>, names: Map<string, string>): EqualRateResult {
  const r = window.result;
  const n = r.published;
  const notes: string[] = [];
  if (opened.subscribers < opened.wanted) notes.push(`equal-rate window: only ${opened.subscribers}/${opened.wanted} subscribers connected (${opened.openNotes.join('; ')})`);
  if (r.errors > 0) notes.push(`equal-rate window: ${r.errors} client errors (${r.notes.join('; ')})`);
  const idleShare = idle.cpu === undefined ? null : idle.cpu / (idle.seconds * 1e6);
  const perPublish = (usec: number | undefined): number | null => (usec === undefined || n <= 0 ? null : usec / n);
  const metrics: Metrics = {
    // The rate offered (publishes over the publishing time); per-second figures below divide by the
    // whole accounted window, which also holds the wait for the last publish's deliveries.
    eqPublishesPerSec: n / (durationMs / 1000),
    eqMissing: r.expected - r.delivered,
    redisSessionsIdleCpuShare: idleShare,
    eqRedisCpuUsPerPublish: perPublish(window.cpu),
    eqRedisCpuUsPerPublishAboveIdle: window.cpu === undefined || idleShare === null ? null : perPublish(Math.max(0, window.cpu - idleShare * window.seconds * 1e6)),
  };
  if (idle.slowlog !== undefined && window.slowlog !== undefined) {
    // Kuiper: the publish script's own entries against everything else the nodes ran.
    const groups = groupSlowlog(window.slowlog, names);
    const idleGroups = groupSlowlog(idle.slowlog, names);
    const found = publishGroup(groups, n);
    const others = groups.filter((g) => g !== found?.group);
    const sum = (gs: Array<{ usec: number }>): number => gs.reduce((a, g) => a + g.usec, 0);
    Object.assign(metrics, {
      eqPublishPathUsPerPublish: found === undefined ? null : perPublish(found.group.usec),
      eqPublishScriptUsMedian: found === undefined ? null : (median(found.group.each) ?? null),
      eqPublishScriptCallsPerPublish: found === undefined ? null : perPublish(found.group.calls),
      eqCommandUsPerPublish: perPublish(sum(groups)),
      eqUpkeepUsPerSec: sum(others) / window.seconds,
      eqIdleCommandUsPerSec: sum(idleGroups) / idle.seconds,
    });
    if (found === undefined) notes.push(`equal-rate window: no script in SLOWLOG was the publish script (none named ${PUBLISH_SCRIPT}, none called once per publish)`);
    else notes.push(`equal-rate window, SLOWLOG (every command's execution time): the publish script, found as ${found.how}, ${found.group.calls} calls for ${n} publishes: ${found.group.each.join(', ')} µs`);
    notes.push(`equal-rate window, SLOWLOG, everything else the nodes ran (over its ${window.seconds.toFixed(1)} s, the last deliveries' wait included): ${describeGroups(others, window.seconds, 's')}; with the subscribers connected and nothing published: ${describeGroups(idleGroups, idle.seconds, 's')}`);
    if (window.slowlog.length >= SLOWLOG_MAX_LEN) notes.push(`equal-rate window: SLOWLOG full (${SLOWLOG_MAX_LEN} entries): the window's first commands are missing from it`);
  } else if (idle.commands !== undefined && window.commands !== undefined) {
    // Faye (or a shared Redis): command time from commandstats, the idle sample's rate as the upkeep.
    const busy = nodeCommandTime(window.commands.before, window.commands.after);
    const quiet = nodeCommandTime(idle.commands.before, idle.commands.after);
    const upkeep = quiet.usec / idle.seconds;
    Object.assign(metrics, {
      eqPublishPathUsPerPublish: perPublish(Math.max(0, busy.usec - upkeep * window.seconds)),
      eqCommandUsPerPublish: perPublish(busy.usec),
      eqUpkeepUsPerSec: upkeep,
      eqIdleCommandUsPerSec: upkeep,
    });
    notes.push(`equal-rate window, INFO commandstats: ${describeGroups(busy.top, Math.max(1, n), 'publish')}; with the subscribers connected and nothing published: ${describeGroups(quiet.top, idle.seconds, 's')}`);
  }
  if (kind === 'kuiper' && idle.slowlog === undefined) notes.push('equal-rate window: Redis is shared (not the bench’s own), so its SLOWLOG was not used');
  return { metrics, notes };
}
