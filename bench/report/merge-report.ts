// A run of one part of the bench (`--only collab`, `--only server`, or `--cases` of one part) goes
// into the report already in the output directory: the parts it ran are replaced, the other part
// is kept as it was, with the date, machine and load it was measured under.
import { type BenchPart, CASE_NAMES, partOf } from '../bench-options.ts';
import type { BenchReport, PartInfo } from '../run.ts';

/** The report with `parts` filled in for every part it has cases of (older reports have none). */
export function withParts(report: BenchReport): BenchReport {
  const parts: Partial<Record<BenchPart, PartInfo>> = {};
  for (const c of report.cases) {
    const part = partOf(c.name);
    parts[part] ??= report.parts?.[part] ?? { machine: report.machine, quick: report.quick, durationSeconds: report.durationSeconds, sizes: report.options.sizes };
  }
  return { ...report, parts };
}

/** `fresh` with the cases of the parts it did not run taken from `previous` (when there is one). */
export function mergeReports(previous: BenchReport | undefined, fresh: BenchReport): BenchReport {
  const next = withParts(fresh);
  if (!previous) return next;
  const old = withParts(previous);
  const ran = new Set(next.cases.map((c) => partOf(c.name)));
  const kept = old.cases.filter((c) => !ran.has(partOf(c.name)));
  const cases = [...kept, ...next.cases].sort((a, b) => CASE_NAMES.indexOf(a.name) - CASE_NAMES.indexOf(b.name));
  const parts = { ...next.parts };
  for (const [part, info] of Object.entries(old.parts ?? {}) as [BenchPart, PartInfo][]) if (!ran.has(part)) parts[part] = info;
  return { ...next, cases, parts, options: { ...next.options, cases: cases.map((c) => c.name) } };
}
