// Issue 11's collaboration targets, checked against a run's medians: Kuiper against the better of
// Hocuspocus and y-websocket in the same run. Shown in the report's Collaboration section.
import type { CaseName } from '../bench-options.ts';
import type { BenchReport } from '../run.ts';
import { fmtFigure, metricGetter, type TargetCheck } from './evaluate-targets.ts';

export function evaluateCollabTargets(report: BenchReport): TargetCheck[] {
  const get = metricGetter(report);
  const f = fmtFigure;
  const checks: TargetCheck[] = [];
  /** Kuiper's figure against `factor` × the lower (better) of the two anchors' figures. */
  const versusBetter = (target: string, c: CaseName, key: string, factor: number, unit: string, digits = 1): void => {
    const k = get(c, 'kuiper', key);
    const h = get(c, 'hocuspocus', key);
    const y = get(c, 'y-websocket', key);
    const anchors = [h, y].filter((v): v is number => v !== undefined);
    const better = anchors.length > 0 ? Math.min(...anchors) : undefined;
    const ok = k === undefined || better === undefined ? undefined : k <= factor * better;
    checks.push({
      target,
      verdict: ok === undefined ? 'n/a' : ok ? 'met' : 'not met',
      evidence: `Kuiper ${f(k, digits)} ${unit} vs Hocuspocus ${f(h, digits)} ${unit}, y-websocket ${f(y, digits)} ${unit}`,
    });
  };
  if (report.cases.some((c) => c.name === 'collab-editors')) {
    versusBetter('Editors: server CPU per delivered update ≤ 0.5 × the better anchor', 'collab-editors', 'serverCpuUsPerMsg', 0.5, 'µs', 2);
    versusBetter('Editors: propagation p99 ≤ the better anchor', 'collab-editors', 'p99Ms', 1, 'ms');
    const k = get('collab-editors', 'kuiper', 'converged');
    checks.push({ target: 'Editors: every document equal at the end', verdict: k === undefined ? 'n/a' : k === 1 ? 'met' : 'not met', evidence: `Kuiper missing ${f(get('collab-editors', 'kuiper', 'missing'), 0)} edits after the drain` });
  }
  if (report.cases.some((c) => c.name === 'collab-presence')) {
    versusBetter('Presence: server CPU per delivered update ≤ 0.5 × the better anchor', 'collab-presence', 'serverCpuUsPerMsg', 0.5, 'µs', 2);
    versusBetter('Presence: p99 ≤ the better anchor', 'collab-presence', 'p99Ms', 1, 'ms');
  }
  if (report.cases.some((c) => c.name === 'collab-late-joiners')) {
    versusBetter('Late joiners: median time to synced ≤ the better anchor', 'collab-late-joiners', 'syncedMedianMs', 1, 'ms');
  }
  if (report.cases.some((c) => c.name === 'collab-idle-rooms')) {
    versusBetter('Idle rooms: RSS per room (after GC) ≤ the better anchor', 'collab-idle-rooms', 'rssKibPerRoom', 1, 'KiB');
    versusBetter('Idle rooms: JS heap per room (after GC) ≤ the better anchor', 'collab-idle-rooms', 'heapKibPerRoom', 1, 'KiB');
  }
  return checks;
}
