// The scaling table on paper (issue 15): nodes and Redis shards for 1M connections, from the run's
// own figures. Memory per session is read where sessions share Redis, as the table's setup does.
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../bench-options.ts';
import { scalingSection } from '../report/cluster-scaling.ts';
import type { BenchReport } from '../run.ts';
import type { Metrics } from '../run-case.ts';

function report(cases: Record<string, Metrics>): BenchReport {
  const { sizes } = parseOptions([]);
  return {
    machine: { cpuModel: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', platform: 'linux x64', pinned: true, date: '2026-01-01T00:00:00.000Z', loadAverage: [0, 0, 0] },
    quick: false,
    options: { servers: ['kuiper'], cases: ['cluster-medium', 'cluster-large', 'idle-prune'], sizes },
    durationSeconds: 1,
    cases: Object.entries(cases).map(([name, metrics]) => ({ name: name as 'cluster-medium', runs: [{ server: 'kuiper' as const, metrics, loadSaturated: false, notes: [], samples: [metrics] }] })),
  };
}

const kuiperRow = (lines: string[]): string[] => (lines.find((l) => l.startsWith('| Kuiper (this run)')) ?? '').split('|').map((c) => c.trim());

describe('scaling table', () => {
  const medium: Metrics = { subscribers: 1000, serverCpuUsPerMsg: 10, redisCpuUsPerMsg: 0.5 };

  it('counts memory per session on nodes sharing Redis (the equal-rate window) and Redis shards by memory when that needs more', () => {
    // 1M × 10 KiB = 9.5 GiB → 3 nodes of 4 GiB; 1M × 9,000 B = 8.4 GiB in Redis → 3 shards, where its CPU needs 1.
    const lines = scalingSection(report({ 'cluster-medium': medium, 'cluster-large': { eqNodeKibPerSession: 10, eqRedisBytesPerSession: 9000 }, 'idle-prune': { kibPerSession: 4.6 } }));
    const row = kuiperRow(lines);
    expect(row[4]).toBe('10.0 KiB');
    expect(row[5]).toBe('9,000 B');
    expect(row[7]).toBe('3');
    expect(row[9]).toBe('**3**');
    expect(lines.join('\n')).toContain("from cluster-large's equal-rate window");
  });

  it('falls back to the idle-sessions case when no cluster case measured memory', () => {
    const row = kuiperRow(scalingSection(report({ 'cluster-medium': medium, 'idle-prune': { kibPerSession: 4.6 } })));
    expect(row[4]).toBe('4.6 KiB');
    expect(row[9]).toBe('**1**');
  });
});
