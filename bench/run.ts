// `pnpm bench` entry: runs every case against every server (each in its own pinned process), then
// writes benchmarks.md, benchmarks.json and benchmarks.svg into the output directory.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchOptions, type BenchPart, type CaseName, isClusterCase, parseOptions, partOf, type Sizes } from './bench-options.ts';
import { runClusterCase } from './cluster-case.ts';
import { type BenchRedis, startBenchRedis } from './cluster-redis.ts';
import { type LoadWorker, spawnLoadWorker } from './load-process.ts';
import { killAllChildren, killChildrenOnExit } from './pinned-child.ts';
import { type MachineInfo, machineInfo } from './report/machine-info.ts';
import { mergeReports } from './report/merge-report.ts';
import { renderSvg } from './report/render-svg.ts';
import { writeMarkdown } from './report/write-markdown.ts';
import { type QuietResult, waitForQuiet } from './wait-for-quiet.ts';
import { type AggregatedRun, medianRun } from './median-run.ts';
import { appliesTo, runCase, scriptFor, type ServerRun, type Spawned, spawnFor, v8FlagsFor } from './run-case.ts';
import type { ServerKind } from './ipc-messages.ts';
import { REDIS_URL, redisProblem, shownUrl } from './redis-admin.ts';
import { spawnTwoNode } from './two-node.ts';

export interface CaseResult {
  name: CaseName;
  runs: AggregatedRun[];
  /** Why the case was not run (two-node without Redis); runs is empty then. */
  note?: string;
}

/** When, where and how one part of the report was measured (parts may come from different runs). */
export interface PartInfo {
  machine: MachineInfo;
  quick: boolean;
  durationSeconds: number;
  sizes: Sizes;
}

export interface BenchReport {
  machine: MachineInfo;
  quick: boolean;
  options: Pick<BenchOptions, 'servers' | 'cases' | 'sizes'>;
  durationSeconds: number;
  cases: CaseResult[];
  /** Per part: the run it comes from. Absent in reports written before parts existed. */
  parts?: Partial<Record<BenchPart, PartInfo>>;
}

/** The report already in `dir`, if any, so a run of one part keeps the other. */
async function previousReport(dir: string): Promise<BenchReport | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'benchmarks.json'), 'utf8')) as BenchReport;
  } catch {
    return undefined;
  }
}

/** Bounds on waiting for a quiet machine before each run (default mode only). */
const QUIET_WAIT_PER_RUN_MS = 30_000;
const QUIET_WAIT_TOTAL_MS = 150_000;

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  killChildrenOnExit();
  const started = performance.now();
  const log = (line: string): void => console.log(line);
  const machine = machineInfo();
  log(`[bench] ${options.quick ? 'quick' : 'full'} run on ${machine.cpuModel} × ${machine.cores}, node ${machine.node}${machine.pinned ? '' : ' (no taskset: not pinned)'}`);
  // The plan: case by case, rounds interleaving the servers so slow drifts on the machine hit all
  // of them alike.
  let plan: Array<{ name: CaseName; server: ServerKind; round: number; rounds: number }> = [];
  for (const name of options.cases) {
    const rounds = options.sizes.repeats[name];
    for (let round = 1; round <= rounds; round++) {
      for (const server of options.servers) if (appliesTo(name, server)) plan.push({ name, server, round, rounds });
    }
  }
  // The two-node case needs a Redis server; without one it is left out for every server (the rest
  // of the bench still runs) and the report says why.
  const skipped = new Map<CaseName, string>();
  const redisDown = plan.some((p) => p.name === 'two-node') ? await redisProblem(REDIS_URL) : undefined;
  if (redisDown !== undefined) {
    skipped.set('two-node', `Not run: no Redis answered at ${shownUrl(REDIS_URL)} (${redisDown}). Set REDIS_URL or start redis-server to include it.`);
    plan = plan.filter((p) => p.name !== 'two-node');
    log(`[bench] two-node skipped: no Redis at ${shownUrl(REDIS_URL)} (${redisDown})`);
  }
  // The cluster cases run on a redis-server of their own (cluster-redis.ts); without one, and
  // without a Redis at REDIS_URL, they are left out the same way.
  let clusterRedis: BenchRedis | undefined;
  if (plan.some((p) => isClusterCase(p.name))) {
    try {
      clusterRedis = await startBenchRedis();
      log(`[bench] cluster cases on ${clusterRedis.own ? 'their own redis-server' : 'the shared Redis'} at ${shownUrl(clusterRedis.url)}`);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      for (const p of plan) if (isClusterCase(p.name)) skipped.set(p.name, `Not run: ${why}. Install redis-server or set REDIS_URL to include it.`);
      plan = plan.filter((p) => !isClusterCase(p.name));
      log(`[bench] cluster cases skipped: ${why}`);
    }
  }
  const byCase = new Map<CaseName, Map<ServerKind, ServerRun[]>>();
  const record = (name: CaseName, run: ServerRun): void => {
    const servers = byCase.get(name) ?? new Map<ServerKind, ServerRun[]>();
    servers.set(run.server, [...(servers.get(run.server) ?? []), run]);
    byCase.set(name, servers);
  };
  // The default run starts a fresh server and load generator for every run, one at a time, so
  // nothing else loads the cores while a window is measured. --quick (a smoke run, where process
  // start-up would dominate) keeps one server and one load generator per kind for all its cases,
  // started together up front, and starts the next idle-case worker ahead of time.
  // Pooled by server script: Kuiper's collaboration cases run kuiper-collab, not the Bayeux-only one.
  const pool = new Map<string, Spawned>();
  if (options.quick) {
    for (const p of plan.filter((x) => !isClusterCase(x.name))) {
      const script = scriptFor(p.name, p.server);
      if (!pool.has(script)) pool.set(script, spawnFor(p.server, options.profileDir, script));
    }
  }
  let nextIdleWorker: Promise<LoadWorker> | undefined;
  let quietBudgetMs = QUIET_WAIT_TOTAL_MS;
  for (const [i, step] of plan.entries()) {
    // Checked before this run's processes start, so their own start-up is not mistaken for noise.
    let quiet: QuietResult | undefined;
    if (!options.quick) {
      quiet = await waitForQuiet(Math.min(QUIET_WAIT_PER_RUN_MS, quietBudgetMs));
      quietBudgetMs = Math.max(0, quietBudgetMs - quiet.waitedMs);
      if (quiet.waitedMs > 1500) log(`[bench] waited ${(quiet.waitedMs / 1000).toFixed(1)} s for the machine to be quiet${quiet.quiet ? '' : ` (still ${(quiet.busy * 100).toFixed(0)}% busy)`}`);
    }
    const header = `[bench] ${step.name} · ${step.server}${step.rounds > 1 ? ` · round ${step.round}/${step.rounds}` : ''}`;
    let run: ServerRun;
    if (isClusterCase(step.name) && clusterRedis) {
      // Two phases (two nodes, then one), each starting its own processes: cluster-case.ts.
      log(header);
      run = await runClusterCase(step.name, step.server, options, log, clusterRedis);
    } else {
      let spawned: Spawned;
      const pooled = pool.get(scriptFor(step.name, step.server));
      if (pooled && step.name === 'idle-prune') {
        // The idle job's worker is killed by the case (that is the pruning test): never the pooled one.
        spawned = { server: pooled.server, worker: nextIdleWorker ?? spawnLoadWorker() };
        spawned.worker.catch(() => {});
      } else if (step.name === 'two-node') spawned = spawnTwoNode(step.server, REDIS_URL, options.profileDir, pooled?.worker);
      else spawned = pooled ?? spawnFor(step.server, options.profileDir, scriptFor(step.name, step.server), v8FlagsFor(step.name));
      nextIdleWorker = pooled && plan[i + 1]?.name === 'idle-prune' ? spawnLoadWorker() : undefined;
      nextIdleWorker?.catch(() => {});
      log(header);
      run = await runCase(step.name, step.server, options, log, spawned, pooled !== undefined);
    }
    if (quiet && !quiet.quiet) run.notes.push(`started while other processes kept ${(quiet.busy * 100).toFixed(0)}% of a core busy`);
    log(`    ${run.error ? `ERROR ${run.error}` : summarise(run)}`);
    record(step.name, run);
  }
  clusterRedis?.stop();
  for (const spawned of pool.values()) {
    await spawned.server.then((s) => s.stop(), () => {});
    await spawned.worker.then((w) => w.child.kill('SIGKILL'), () => {});
  }
  const cases: CaseResult[] = options.cases.flatMap((name): CaseResult[] => {
    const servers = byCase.get(name);
    const note = skipped.get(name);
    if (servers) return [{ name, runs: [...servers.values()].map(medianRun) }];
    return note === undefined ? [] : [{ name, runs: [], note }];
  });
  const fresh: BenchReport = {
    machine,
    quick: options.quick,
    options: { servers: options.servers, cases: options.cases, sizes: options.sizes },
    durationSeconds: (performance.now() - started) / 1000,
    cases,
  };
  // The part (server or collaboration cases) this run did not run stays as the output directory had it.
  const report = mergeReports(await previousReport(options.outDir), fresh);
  const keptParts = Object.keys(report.parts ?? {}).filter((p) => !fresh.cases.some((c) => partOf(c.name) === p));
  if (keptParts.length > 0) log(`[bench] kept the ${keptParts.join(' and ')} part of the report already in ${options.outDir}`);
  await mkdir(options.outDir, { recursive: true });
  await writeFile(join(options.outDir, 'benchmarks.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(options.outDir, 'benchmarks.svg'), renderSvg(report));
  // The hand-written analyses of the collaboration and cluster targets go into the generated report.
  const analysis = (name: string): Promise<string | undefined> => readFile(new URL(`./report/${name}`, import.meta.url), 'utf8').catch(() => undefined);
  const [collabAnalysis, clusterAnalysis] = await Promise.all([analysis('collab-analysis.md'), analysis('cluster-analysis.md')]);
  await writeFile(join(options.outDir, 'benchmarks.md'), writeMarkdown(report, { collabAnalysis, clusterAnalysis }));
  log(`[bench] wrote ${join(options.outDir, 'benchmarks.md')} (+ .json, .svg) in ${report.durationSeconds.toFixed(0)} s`);
  if (options.profileDir) log(`[bench] server CPU profiles: ${options.profileDir}/<server>/*.cpuprofile`);
}

function summarise(run: ServerRun): string {
  const parts = Object.entries(run.metrics)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? String(v) : (v ?? 0).toPrecision(4)}`);
  if (run.loadSaturated) parts.push('LOAD-GENERATOR-SATURATED');
  return [parts.join(' '), ...run.notes.map((n) => `note: ${n}`)].join('\n    ');
}

main().then(
  () => {
    killAllChildren();
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    killAllChildren();
    process.exit(1);
  },
);
