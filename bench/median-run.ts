// Folds repeated runs of one case on one server into one row: the median of each metric (runs are
// noisy on a shared 2-core VM; the reference figures are medians too), with every sample
// kept for the JSON.
import type { Metrics, ServerRun } from './run-case.ts';

export interface AggregatedRun extends ServerRun {
  samples: Metrics[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

export function medianRun(runs: ServerRun[]): AggregatedRun {
  const first = runs[0];
  if (!first) throw new Error('medianRun needs at least one run');
  const good = runs.filter((r) => r.error === undefined);
  const metrics: Metrics = {};
  const keys = new Set(good.flatMap((r) => Object.keys(r.metrics)));
  for (const key of keys) {
    const values = good.map((r) => r.metrics[key]).filter((v): v is number => typeof v === 'number');
    // A metric that is null in some runs (e.g. "never reached baseline") stays null if most were.
    metrics[key] = values.length * 2 > good.length || (values.length > 0 && good.length === 1) ? median(values) : null;
  }
  const errors = runs.map((r) => r.error).filter((e): e is string => e !== undefined);
  const run: AggregatedRun = {
    server: first.server,
    metrics,
    loadSaturated: good.filter((r) => r.loadSaturated).length * 2 > good.length,
    notes: runs.length === 1 ? [...first.notes] : runs.flatMap((r, i) => r.notes.map((n) => `round ${i + 1}: ${n}`)),
    samples: runs.map((r) => r.metrics),
  };
  if (good.length === 0) run.error = errors.join('; ');
  else if (errors.length > 0) run.notes.push(`${errors.length} of ${runs.length} runs failed: ${errors[0] ?? ''}`);
  return run;
}
