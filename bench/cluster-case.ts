// One cluster fan-out case against one server kind (issue 15): two nodes on the bench's Redis with
// the subscribers split between them and the publisher on node A, then, in the same run, the same
// load on one node alone (in-memory engine, as `kuiper serve` without --redis runs), so the report
// can set the two nodes' CPU per delivered message against a single node's. Between the two, an
// equal-rate window on fresh nodes (cluster-equal-rate.ts) measures Redis's time per publish at one
// publish rate for every size.
import type { BenchOptions, ClusterCase } from './bench-options.ts';
import { equalRateWindow, type EqualRateResult } from './cluster-equal-rate.ts';
import { type BenchRedis, type CommandStats, commandsBetween } from './cluster-redis.ts';
import type { ServerKind } from './ipc-messages.ts';
import { type LoadWorker, spawnLoadWorker } from './load-process.ts';
import { clusterJob, measured, type Metrics, type ServerRun } from './run-case.ts';
import { type RelayFloor, relayFloor } from './relay-floor.ts';
import { type ServerProcess, startServer } from './server-process.ts';
import { spawnTwoNode } from './two-node.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Redis's CPU share (of one core) while the two nodes are up and idle; null when INFO did not answer. */
async function redisIdleShare(redis: BenchRedis, ms: number): Promise<number | null> {
  const before = await redis.cpuMicros();
  const t0 = performance.now();
  await sleep(ms);
  const after = await redis.cpuMicros();
  if (before === undefined || after === undefined) return null;
  return (after - before) / ((performance.now() - t0) * 1000);
}

/**
 * The pair with Redis's CPU taken from its INFO (µs) instead of /proc's 10 ms ticks; every stats
 * call (the load job makes two, bracketing its window) also keeps Redis's command counters.
 */
function withRedisCpu(server: ServerProcess, redis: BenchRedis, commands: CommandStats[]): ServerProcess {
  return {
    ...server,
    async stats(gc) {
      const [stats, redisCpuMicros, counters] = await Promise.all([server.stats(gc), redis.cpuMicros(), redis.commandStats()]);
      if (counters) commands.push(counters);
      return redisCpuMicros === undefined ? stats : { ...stats, redisCpuMicros };
    },
  };
}

/** Where Redis's CPU went in the window: the top commands, per publish. */
function commandNote(commands: CommandStats[], publishes: number): string | undefined {
  const [before, after] = commands.slice(-2);
  if (before === undefined || after === undefined || publishes <= 0) return undefined;
  const top = commandsBetween(before, after).slice(0, 4);
  const each = top.map((c) => `${c.command} ${(c.calls / publishes).toFixed(1)} calls, ${(c.usec / publishes).toFixed(0)} µs`);
  return `Redis per publish in the window (INFO commandstats): ${each.join('; ')}`;
}

async function killWorker(worker: Promise<LoadWorker>): Promise<void> {
  await worker.then((w) => w.child.kill('SIGKILL'), () => {});
}

function spawnSingle(kind: ServerKind, options: BenchOptions): { single: Promise<ServerProcess>; worker: Promise<LoadWorker> } {
  const single = startServer(kind, options.profileDir);
  const worker = spawnLoadWorker();
  single.catch(() => {});
  worker.catch(() => {});
  return { single, worker };
}

const failed = (kind: ServerKind, err: unknown): ServerRun => ({ server: kind, error: err instanceof Error ? err.message : String(err), metrics: {}, loadSaturated: false, notes: [] });

export async function runClusterCase(name: ClusterCase, kind: ServerKind, options: BenchOptions, log: (line: string) => void, redis: BenchRedis): Promise<ServerRun> {
  await redis.flush();
  // Context for the report: what this redis-server costs with no node connected (its own timers),
  // measured before the nodes start. Shown beside Kuiper's figure, never subtracted from it.
  const bareShare = await redisIdleShare(redis, options.quick ? 300 : 2000);
  const subscribers = options.sizes.cluster.subscribers[name];
  // Context too: what the least a Redis-relayed publish costs Redis, at this case's publish rate.
  const floor = await floorOrNote(options, subscribers, redis);
  // Phase 1: two nodes on Redis, each with a fresh load-generator process. The quick mode (a smoke
  // run) starts phase 2's node and load generator alongside, to keep the smoke test short.
  const pair = spawnTwoNode(kind, redis.url, options.profileDir);
  const early = options.quick ? spawnSingle(kind, options) : undefined;
  let two: ServerRun;
  let idleShare: number | null = null;
  try {
    const commands: CommandStats[] = [];
    const server = withRedisCpu(await pair.server, redis, commands);
    idleShare = await redisIdleShare(redis, options.quick ? 300 : 2000);
    two = await measured(name, server, await pair.worker, options, log);
    const publishes = (two.metrics.publishedPerSec ?? 0) * (options.sizes.cluster.durationMs / 1000);
    const note = commandNote(commands, publishes);
    if (note !== undefined) two.notes.push(note);
  } catch (err) {
    two = failed(kind, err);
  } finally {
    await pair.server.then((s) => s.stop(), () => {});
    await killWorker(pair.worker);
  }
  // Phase 1b: the same subscriber count on two fresh nodes at one publish rate for every size.
  let equal: EqualRateResult | undefined;
  if (two.error === undefined) {
    equal = await equalRateOrNote(kind, subscribers, options, redis, log, false);
    // Phase 1c (Kuiper): the same in ack mode, @kuiper/client's default (Faye's server has no ack extension).
    if (kind === 'kuiper') equal = withAckWindow(equal, await equalRateOrNote(kind, subscribers, options, redis, log, true));
  }
  // Phase 2: the same subscribers and rate on one node.
  const { single, worker } = early ?? spawnSingle(kind, options);
  if (two.error !== undefined) {
    await single.then((s) => s.stop(), () => {});
    await killWorker(worker);
    return two;
  }
  log('    the same load on one node');
  let one: ServerRun;
  try {
    const server = await single;
    one = await measured(name, server, await worker, options, log, clusterJob(name, server.url, server.url, options));
  } catch (err) {
    one = failed(kind, err);
  } finally {
    await single.then((s) => s.stop(), () => {});
    await killWorker(worker);
  }
  const run = combine(two, one, { idle: idleShare, bare: bareShare }, subscribers, equal);
  return withFloor(run, floor, subscribers);
}

/** The relay floor at the case's publish rate: 5 s, or 10 publishes when that is longer. */
async function floorOrNote(options: BenchOptions, subscribers: number, redis: BenchRedis): Promise<RelayFloor | string> {
  const { deliveriesPerSec } = options.sizes.cluster;
  const perSec = deliveriesPerSec / subscribers;
  const durationMs = options.quick ? 500 : Math.max(5000, (10 * 1000) / perSec);
  const json = JSON.stringify({ channel: '/bench/relay-floor', data: { t: Date.now() * 1000, p: 'x'.repeat(options.sizes.payloadBytes) } });
  try {
    return (await relayFloor(redis, perSec, durationMs, json)) ?? 'relay floor: Redis INFO did not answer';
  } catch (err) {
    return `relay floor failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The floor's figures beside the run's: per publish, and per delivery at the case's subscribers (idle included, as the judged figure). */
function withFloor(run: ServerRun, floor: RelayFloor | string, subscribers: number): ServerRun {
  if (typeof floor === 'string') return { ...run, notes: [...run.notes, floor] };
  const notes = [...run.notes];
  if (floor.received !== 2 * floor.publishes) notes.push(`relay floor: ${floor.received} of ${2 * floor.publishes} messages reached the two subscribed connections`);
  const metrics: Metrics = { ...run.metrics, relayFloorUsPerPublish: floor.usPerPublish, relayFloorUsPerMsg: floor.usPerPublish / subscribers };
  return { ...run, metrics, notes };
}

async function equalRateOrNote(kind: ServerKind, subscribers: number, options: BenchOptions, redis: BenchRedis, log: (line: string) => void, ack: boolean): Promise<EqualRateResult> {
  try {
    return await equalRateWindow(kind, subscribers, options, redis, log, ack);
  } catch (err) {
    return { metrics: {}, notes: [`equal-rate window${ack ? ' in ack mode' : ''} failed: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

/** The ack-mode window's Redis figures beside the plain window's, prefixed `ack`. */
function withAckWindow(plain: EqualRateResult, ack: EqualRateResult): EqualRateResult {
  const m = ack.metrics;
  const metrics: Metrics = {
    ...plain.metrics,
    ackEqRedisCpuUsPerPublish: m.eqRedisCpuUsPerPublish ?? null,
    ackEqRedisCpuUsPerPublishAboveIdle: m.eqRedisCpuUsPerPublishAboveIdle ?? null,
    ackEqCommandUsPerPublish: m.eqCommandUsPerPublish ?? null,
    ackEqMissing: m.eqMissing ?? null,
  };
  return { metrics, notes: [...plain.notes, ...ack.notes.map((n) => `ack mode: ${n}`)] };
}

function perPublishAboveIdle(perPublish: number | undefined, idleShare: number | null, publishedPerSec: number | undefined): number | null {
  if (perPublish === undefined || idleShare === null || publishedPerSec === undefined || publishedPerSec <= 0) return null;
  return Math.max(0, perPublish - (idleShare * 1e6) / publishedPerSec);
}

/** CPU per publish from CPU per delivery: times the deliveries each publish made. */
function perPublish(perMsg: number | undefined, deliveredPerSec: number | undefined, publishedPerSec: number | undefined): number | null {
  return perMsg !== undefined && deliveredPerSec !== undefined && publishedPerSec !== undefined && publishedPerSec > 0 ? (perMsg * deliveredPerSec) / publishedPerSec : null;
}

/** The two-node run's metrics with the single node's beside them (prefixed `single`). */
function combine(two: ServerRun, one: ServerRun, shares: { idle: number | null; bare: number | null }, subscribers: number, equal: EqualRateResult | undefined): ServerRun {
  const idleShare = shares.idle;
  const m = two.metrics;
  const num = (v: number | null | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
  const nodeCpu = num(m.serverCpuUsPerMsg);
  const singleCpu = num(one.metrics.serverCpuUsPerMsg);
  const redisPerMsg = num(m.redisCpuUsPerMsg);
  const delivered = num(m.deliveredPerSec);
  const metrics: Metrics = {
    ...m,
    subscribers,
    redisIdleCpuShare: idleShare,
    redisBareCpuShare: shares.bare,
    // The bare redis-server's own CPU spread over the window's deliveries: context only.
    redisBareUsPerMsg: shares.bare !== null && delivered !== undefined && delivered > 0 ? (shares.bare * 1e6) / delivered : null,
    // Redis's idle work (its timers, the nodes' own polling) spread over the window's deliveries,
    // taken out: what each delivery itself costs Redis.
    redisCpuUsPerMsgAboveIdle: redisPerMsg !== undefined && idleShare !== null && delivered !== undefined && delivered > 0 ? Math.max(0, redisPerMsg - (idleShare * 1e6) / delivered) : null,
    // The same per publish: what a publish costs Redis beyond the nodes' idle upkeep. The idle is
    // sampled before the subscribers connect, so work that grows with sessions stays in.
    redisCpuUsPerPublishAboveIdle: perPublishAboveIdle(num(m.redisCpuUsPerPublish), idleShare, num(m.publishedPerSec)),
    // The same with the idle sampled with the subscribers connected (on the equal-rate window's
    // fresh nodes, same count): their sessions' upkeep is taken out too.
    redisCpuUsPerPublishAboveSessionsIdle: perPublishAboveIdle(num(m.redisCpuUsPerPublish), num(equal?.metrics.redisSessionsIdleCpuShare) ?? null, num(m.publishedPerSec)),
    ...equal?.metrics,
    singleDeliveredPerSec: num(one.metrics.deliveredPerSec) ?? null,
    singleCpuUsPerMsg: singleCpu ?? null,
    nodeCpuVsSingle: nodeCpu !== undefined && singleCpu !== undefined && singleCpu > 0 ? nodeCpu / singleCpu : null,
    // Beside node A's and node B's per publish (run-case.ts): the one node's, which does both halves.
    singleCpuUsPerPublish: perPublish(singleCpu, num(one.metrics.deliveredPerSec), num(one.metrics.publishedPerSec)),
    singleP50Ms: num(one.metrics.p50Ms) ?? null,
    singleP99Ms: num(one.metrics.p99Ms) ?? null,
    singleMissing: one.error === undefined ? (num(one.metrics.missing) ?? null) : null,
  };
  const notes = [...two.notes, ...(equal?.notes ?? []), ...one.notes.map((n) => `single node: ${n}`)];
  if (one.error !== undefined) notes.push(`single node: failed: ${one.error}`);
  if (one.loadSaturated) notes.push('single node: the load generator was saturated (> 90% of its core)');
  return { server: two.server, metrics, loadSaturated: two.loadSaturated, notes };
}
