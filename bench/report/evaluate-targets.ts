// The issue's targets, checked against a run's medians. Each verdict carries the figures it was
// decided on, so the report shows why, not just whether.
import { CASE_NAMES, type CaseName, type ClusterCase, isClusterCase } from '../bench-options.ts';
import type { ServerKind } from '../ipc-messages.ts';
import type { BenchReport } from '../run.ts';

export type Verdict = 'met' | 'not met' | 'n/a';

export interface TargetCheck {
  target: string;
  verdict: Verdict;
  evidence: string;
}

/** Kuiper's maxInterval as configured in bench/servers/kuiper.ts. */
const KUIPER_MAX_INTERVAL_S = 10;

/** A server's median of one metric in one case; undefined when it failed, did not run or has none. */
/** A server's run of a case in the report, if it ran. */
function runOf(report: BenchReport, c: CaseName, server: ServerKind) {
  return report.cases.find((x) => x.name === c)?.runs.find((r) => r.server === server);
}

export function metricGetter(report: BenchReport): (c: CaseName, server: ServerKind, key: string) => number | undefined {
  return (c, server, key) => {
    const run = runOf(report, c, server);
    const v = run?.error === undefined ? run?.metrics[key] : undefined;
    return typeof v === 'number' ? v : undefined;
  };
}

/** A figure for the evidence column, – when missing. */
export const fmtFigure = (v: number | undefined, digits = 1): string => (v === undefined ? '–' : v.toFixed(digits));

/** Adds a verdict to `checks`: met, not met, or n/a when the figures it needs are missing. */
function checker(checks: TargetCheck[]): (target: string, ok: boolean | undefined, evidence: string) => void {
  return (target, ok, evidence) => {
    checks.push({ target, verdict: ok === undefined ? 'n/a' : ok ? 'met' : 'not met', evidence });
  };
}

export function evaluateTargets(report: BenchReport): TargetCheck[] {
  const get = metricGetter(report);
  const f = fmtFigure;
  const checks: TargetCheck[] = [];
  const check = checker(checks);
  const all = (...vs: Array<number | undefined>): boolean => vs.every((v) => v !== undefined);

  {
    const k = get('fanout-max', 'kuiper', 'deliveredPerSec');
    const r = get('fanout-max', 'raw-ws', 'deliveredPerSec');
    check('WS fan-out max rate: delivered/s ≥ raw ws', all(k, r) ? k! >= r! : undefined, `Kuiper ${f(k, 0)}/s vs raw ${f(r, 0)}/s`);
  }
  {
    const k = get('fanout-max', 'kuiper', 'serverCpuUsPerMsg');
    const r = get('fanout-max', 'raw-ws', 'serverCpuUsPerMsg');
    const fy = get('fanout-max', 'faye', 'serverCpuUsPerMsg');
    check('WS fan-out max rate: server CPU/msg ≤ raw ws and ≤ ½ Faye', all(k, r, fy) ? k! <= r! && k! <= fy! / 2 : undefined, `Kuiper ${f(k, 2)} µs, raw ${f(r, 2)} µs, Faye ${f(fy, 2)} µs`);
  }
  {
    const k = get('fixed-rate', 'kuiper', 'p99Ms');
    const r = get('fixed-rate', 'raw-ws', 'p99Ms');
    const k1 = get('fixed-rate', 'kuiper', 'p99FirstHalfMs');
    const k2 = get('fixed-rate', 'kuiper', 'p99SecondHalfMs');
    const missing = get('fixed-rate', 'kuiper', 'missing');
    // "No growth": the second half's p99 within 1.5× (or 10 ms) of the first half's, nothing missing.
    // A second half with no deliveries at all (everything still missing) counts as growth.
    const steady = k1 !== undefined && k2 !== undefined && k2 <= Math.max(1.5 * k1, k1 + 10);
    const ok = all(k, r) ? k! <= 1.5 * r! && steady && missing === 0 : undefined;
    check('Fixed rate: p99 ≤ 1.5 × raw ws, no growth first → second half', ok, `Kuiper p99 ${f(k)} ms vs raw ${f(r)} ms (limit ${f(r === undefined ? undefined : 1.5 * r)}); halves ${f(k1)} → ${f(k2)} ms; missing ${f(missing, 0)}`);
  }
  {
    const k = get('long-poll', 'kuiper', 'p99Ms');
    check('Long-polling: p99 < 150 ms', k === undefined ? undefined : k < 150, `Kuiper p99 ${f(k)} ms (Faye ${f(get('long-poll', 'faye', 'p99Ms'))} ms)`);
    const kc = get('long-poll', 'kuiper', 'serverCpuUsPerMsg');
    const fc = get('long-poll', 'faye', 'serverCpuUsPerMsg');
    check('Long-polling: server CPU/msg ≤ ½ Faye', all(kc, fc) ? kc! <= fc! / 2 : undefined, `Kuiper ${f(kc, 2)} µs vs Faye ${f(fc, 2)} µs`);
  }
  {
    const k = get('idle-prune', 'kuiper', 'kibPerSession');
    const r = get('idle-prune', 'raw-ws', 'kibPerSession');
    check('Idle: RSS per session ≤ 1.3 × raw ws', all(k, r) ? k! <= 1.3 * r! : undefined, `Kuiper ${f(k)} KiB vs raw ${f(r)} KiB (Faye ${f(get('idle-prune', 'faye', 'kibPerSession'))} KiB)`);
  }
  {
    const run = runOf(report, 'idle-prune', 'kuiper');
    const zero = get('idle-prune', 'kuiper', 'secondsToZeroSessions');
    const rss = get('idle-prune', 'kuiper', 'secondsToBaselineRss');
    const watched = run !== undefined && run.error === undefined;
    const limit = KUIPER_MAX_INTERVAL_S + 2;
    check(`Pruning: zero sessions within maxInterval + 2 s (${limit} s)`, watched ? zero !== undefined && zero <= limit : undefined, `Kuiper ${zero === undefined ? 'not within the watch' : `${f(zero)} s`} (Faye ${f(get('idle-prune', 'faye', 'secondsToZeroSessions'))} s)`);
    check('Pruning: RSS back within 15% of baseline within 20 s', watched ? rss !== undefined && rss <= 20 : undefined, `Kuiper ${rss === undefined ? 'not within the watch' : `${f(rss)} s`} (Faye ${f(get('idle-prune', 'faye', 'secondsToBaselineRss'))} s)`);
  }
  {
    // The issue sets no figure for two nodes: the row is reported, met when Kuiper lost nothing.
    const two = report.cases.find((x) => x.name === 'two-node');
    const side = (server: ServerKind): string =>
      `${server === 'kuiper' ? 'Kuiper' : 'Faye'} missing ${f(get('two-node', server, 'missing'), 0)}, p99 ${f(get('two-node', server, 'p99Ms'))} ms, ${f(get('two-node', server, 'serverCpuUsPerMsg'), 2)} µs/msg on the nodes + ${f(get('two-node', server, 'redisCpuUsPerMsg'), 2)} µs in Redis`;
    const missing = get('two-node', 'kuiper', 'missing');
    const delivered = get('two-node', 'kuiper', 'deliveredPerSec');
    const ok = missing === undefined || delivered === undefined ? undefined : missing === 0 && delivered > 0;
    check('Two nodes on Redis (reported, no target figure): Kuiper delivers with none missing; p99 and CPU vs Faye', ok, two === undefined ? 'not run' : two.note !== undefined ? 'not run: no Redis' : `${side('kuiper')}; ${side('faye')}`);
  }
  {
    const missing = report.cases
      // Idle cases deliver nothing, and a late joiner's cost is per join, not per message.
      .filter((c) => !['idle-prune', 'collab-idle-rooms', 'collab-late-joiners'].includes(c.name))
      .flatMap((c) => c.runs.filter((r) => r.error === undefined && typeof r.metrics.serverCpuUsPerMsg !== 'number').map((r) => `${c.name}/${r.server}`));
    check('Server CPU per delivered message reported for every load case', missing.length === 0, missing.length === 0 ? 'from each server process’s own process.cpuUsage()' : `missing: ${missing.join(', ')}`);
  }
  return checks;
}

/** Issue 15's targets: Redis CPU ≤ 0.5 µs and node CPU ≤ 2× a single node's per delivered message, nothing lost, at every size. */
const REDIS_US_PER_DELIVERY = 0.5;
const NODE_VS_SINGLE = 2;
/** "Redis cost flat in subscriber count", read as: per publish at the largest size within 2× the smallest's, at one publish rate. */
const FLAT_FACTOR = 2;

/** The largest value a metric took in any round of a case (a run's own metrics when it kept no rounds). */
function worstGetter(report: BenchReport): (c: CaseName, server: ServerKind, key: string) => number | undefined {
  return (c, server, key) => {
    const run = runOf(report, c, server);
    if (run === undefined || run.error !== undefined) return undefined;
    const values = (run.samples.length > 0 ? run.samples : [run.metrics]).map((m) => m[key]).filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? Math.max(...values) : undefined;
  };
}

export function evaluateClusterTargets(report: BenchReport): TargetCheck[] {
  const get = metricGetter(report);
  const worst = worstGetter(report);
  const f = fmtFigure;
  const checks: TargetCheck[] = [];
  const check = checker(checks);
  const ran = CASE_NAMES.filter((c): c is ClusterCase => isClusterCase(c) && report.cases.some((x) => x.name === c && x.runs.length > 0));
  const count = (v: number | undefined): string => (v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: 0 }));
  const subscribers = (c: ClusterCase): string => count(get(c, 'kuiper', 'subscribers') ?? get(c, 'faye', 'subscribers'));
  for (const c of ran) {
    const at = `${subscribers(c)} subscribers`;
    const redis = get(c, 'kuiper', 'redisCpuUsPerMsg');
    check(
      `Cluster, ${at}: Redis CPU per delivered message ≤ ${REDIS_US_PER_DELIVERY} µs`,
      redis === undefined ? undefined : redis <= REDIS_US_PER_DELIVERY,
      `Kuiper ${f(redis, 3)} µs (${f(get(c, 'kuiper', 'redisCpuUsPerMsgAboveIdle'), 3)} µs above Redis's idle CPU; the bare redis-server alone, before the nodes start, ${f(get(c, 'kuiper', 'redisBareUsPerMsg'), 3)} µs of it); Faye on faye-redis ${f(get(c, 'faye', 'redisCpuUsPerMsg'), 3)} µs; the least any Redis-relayed publish costs here (one PUBLISH to two subscribed connections, no storage, same rate, measured before the nodes start) ${f(get(c, 'kuiper', 'relayFloorUsPerMsg'), 3)} µs`,
    );
    const nodes = get(c, 'kuiper', 'serverCpuUsPerMsg');
    const single = get(c, 'kuiper', 'singleCpuUsPerMsg');
    // Judged on each round's own ratio (its two nodes against its single node: "the same run"),
    // the median of those when there were several rounds, not on the ratio of the two medians.
    const ratio = get(c, 'kuiper', 'nodeCpuVsSingle') ?? (nodes !== undefined && single !== undefined && single > 0 ? nodes / single : undefined);
    check(
      `Cluster, ${at}: node CPU per delivered message ≤ ${NODE_VS_SINGLE} × a single node's (same run)`,
      ratio === undefined ? undefined : ratio <= NODE_VS_SINGLE,
      `Kuiper ${f(ratio, 2)}× (${(runOf(report, c, 'kuiper')?.samples.length ?? 1) > 1 ? "the median of the rounds' own ratios; medians: " : ''}two nodes ${f(nodes, 2)} µs vs one node ${f(single, 2)} µs); Faye ${f(get(c, 'faye', 'serverCpuUsPerMsg'), 2)} vs ${f(get(c, 'faye', 'singleCpuUsPerMsg'), 2)} µs`,
    );
    // Judged on the worst round, not the median: a loss in any round is a loss.
    const lost = worst(c, 'kuiper', 'missing');
    const delivered = get(c, 'kuiper', 'deliveredPerSec');
    check(
      `Cluster, ${at}: 0 lost`,
      lost === undefined || delivered === undefined ? undefined : lost === 0 && delivered > 0,
      `Kuiper ${count(lost)} missing in its worst round (${count(delivered)} delivered/s); Faye ${count(worst(c, 'faye', 'missing'))} missing`,
    );
  }
  const first = ran[0];
  const last = ran[ran.length - 1];
  if (first !== undefined && last !== undefined && first !== last) {
    // Judged at one publish rate for every size (the equal-rate window), on the publish's own
    // Redis time: the main window's per-publish figures (context lines below the table) grow with
    // the subscribers only because its larger sizes publish less often.
    const path = (server: ServerKind, c: ClusterCase): number | undefined => get(c, server, 'eqPublishPathUsPerPublish');
    const lo = path('kuiper', first);
    const hi = path('kuiper', last);
    const rate = get(first, 'kuiper', 'eqPublishesPerSec') ?? get(first, 'faye', 'eqPublishesPerSec');
    const series = (server: ServerKind, key: string, digits = 1): string => ran.map((c) => f(get(c, server, key), digits)).join(' → ');
    check(
      `Cluster: Redis time per publish flat in subscriber count, at one publish rate for every size (${subscribers(last)} subscribers ≤ ${FLAT_FACTOR} × ${subscribers(first)})`,
      lo === undefined || hi === undefined ? undefined : hi <= FLAT_FACTOR * lo,
      `${f(rate, 1)} publishes/s at every size. Kuiper's publish script (SLOWLOG, its execution time per publish) ${series('kuiper', 'eqPublishPathUsPerPublish')} µs (median per call ${series('kuiper', 'eqPublishScriptUsMedian')} µs); its other Redis work ${series('kuiper', 'eqUpkeepUsPerSec', 0)} µs per second. Faye's commands (commandstats, per publish, its rate with nothing published taken out) ${series('faye', 'eqPublishPathUsPerPublish')} µs. Redis CPU (INFO cpu) per publish in that window above its idle with the subscribers connected: Kuiper ${series('kuiper', 'eqRedisCpuUsPerPublishAboveIdle')}, Faye ${series('faye', 'eqRedisCpuUsPerPublishAboveIdle')} µs`,
    );
  }
  return checks;
}

/**
 * The main window's Redis CPU per publish by size, not judged: there every size offers the same
 * deliveries per second, so publishes per second fall as subscribers grow and each publish carries
 * more of Redis's per-second work. Lines for the text under the cluster targets.
 */
export function clusterPerPublishContext(report: BenchReport): string[] {
  const get = metricGetter(report);
  const ran = CASE_NAMES.filter((c): c is ClusterCase => isClusterCase(c) && report.cases.some((x) => x.name === c && x.runs.length > 0));
  if (ran.length < 2) return [];
  const series = (server: ServerKind, key: string): string => ran.map((c) => fmtFigure(get(c, server, key), 1)).join(' → ');
  const rates = ran.map((c) => fmtFigure(get(c, 'kuiper', 'publishedPerSec') ?? get(c, 'faye', 'publishedPerSec'), 0)).join(' → ');
  return [
    `**Context, not judged: Redis CPU per publish in the main window** (${rates} publishes/s): Kuiper ${series('kuiper', 'redisCpuUsPerPublish')} µs; with Redis's idle CPU taken out, sampled with the nodes up before the subscribers connect, ${series('kuiper', 'redisCpuUsPerPublishAboveIdle')} µs, or sampled with the subscribers connected (the equal-rate window's fresh nodes, same count), ${series('kuiper', 'redisCpuUsPerPublishAboveSessionsIdle')} µs. Faye ${series('faye', 'redisCpuUsPerPublish')} µs (above the idle with subscribers ${series('faye', 'redisCpuUsPerPublishAboveSessionsIdle')} µs). ` +
      "These grow with the subscribers because the main window offers the same deliveries per second at every size: the larger sizes publish less often, so Redis's fixed per-second work (the nodes' upkeep, its own timers) is divided by fewer publishes, and Redis is colder between them; idle taken out removes only what the idle sample saw. The judged row above compares the sizes at one publish rate instead.",
  ];
}
