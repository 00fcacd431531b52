// The cluster cases' verdicts (issue 15) when a case ran several rounds: figures are medians, but a
// message lost in any one round is a loss.
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../bench-options.ts';
import { medianRun } from '../median-run.ts';
import { evaluateClusterTargets } from '../report/evaluate-targets.ts';
import { writeMarkdown } from '../report/write-markdown.ts';
import type { BenchReport } from '../run.ts';
import type { Metrics } from '../run-case.ts';

const round = (missing: number): Metrics => ({ subscribers: 1000, deliveredPerSec: 10_000, missing, redisCpuUsPerMsg: 0.3, serverCpuUsPerMsg: 12, singleCpuUsPerMsg: 10, nodeCpuVsSingle: 1.2 });

function report(rounds: Metrics[]): BenchReport {
  const { sizes } = parseOptions([]);
  const runs = [medianRun(rounds.map((metrics) => ({ server: 'kuiper' as const, metrics, loadSaturated: false, notes: [] })))];
  return { machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', platform: 'linux x64', pinned: true, date: '2026-01-01T00:00:00.000Z', loadAverage: [0, 0, 0] }, quick: false, options: { servers: ['kuiper'], cases: ['cluster-medium'], sizes }, durationSeconds: 1, cases: [{ name: 'cluster-medium', runs }] };
}

const lostVerdict = (r: BenchReport) => evaluateClusterTargets(r).find((c) => c.target.endsWith('0 lost'));

describe('cluster targets over several rounds', () => {
  it('0 lost is not met when one round of three lost messages, though the median round lost none', () => {
    const verdict = lostVerdict(report([round(0), round(3), round(0)]));
    expect(verdict?.verdict).toBe('not met');
    expect(verdict?.evidence).toContain('3 missing in its worst round');
  });

  it('0 lost is met when no round lost any', () => {
    expect(lostVerdict(report([round(0), round(0), round(0)]))?.verdict).toBe('met');
  });
});

describe('cluster node CPU over several rounds', () => {
  it('is judged on the median of each round\'s own two-nodes-to-one ratio, not on the ratio of the medians', () => {
    const rounds: Metrics[] = [
      { ...round(0), serverCpuUsPerMsg: 22, singleCpuUsPerMsg: 10, nodeCpuVsSingle: 2.2 },
      { ...round(0), serverCpuUsPerMsg: 24, singleCpuUsPerMsg: 11, nodeCpuVsSingle: 24 / 11 },
      { ...round(0), serverCpuUsPerMsg: 20, singleCpuUsPerMsg: 14, nodeCpuVsSingle: 20 / 14 },
    ];
    // The medians 22 and 11 would read 2.0x (met); the rounds' own ratios 2.2, 2.18, 1.43 have the median 2.18.
    const verdict = evaluateClusterTargets(report(rounds)).find((c) => c.target.includes('node CPU'));
    expect(verdict?.verdict).toBe('not met');
    expect(verdict?.evidence).toContain('Kuiper 2.18×');
  });
});

describe('the cluster section of the report', () => {
  it('carries the hand-written analysis after its targets and before its cases, and none when there is none', () => {
    const r = report([round(0), round(0), round(0)]);
    const md = writeMarkdown(r, { clusterAnalysis: '#### Where Redis goes\n\nBy hand.\n' });
    const targets = md.indexOf('| target (issue 15) |');
    const analysis = md.indexOf('#### Where Redis goes');
    const firstCase = md.indexOf('### Cluster fan-out: 1,000');
    expect(targets).toBeGreaterThan(0);
    expect(analysis).toBeGreaterThan(targets);
    expect(firstCase).toBeGreaterThan(analysis);
    expect(writeMarkdown(r)).not.toContain('By hand.');
  });
});
