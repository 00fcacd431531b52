// A run of one part of the bench (--only collab / --only server) replaces that part of the report
// in the output directory and keeps the other part, with the date and machine it was measured on.
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../bench-options.ts';
import { mergeReports } from '../report/merge-report.ts';
import { writeMarkdown } from '../report/write-markdown.ts';
import type { BenchReport, CaseResult } from '../run.ts';

const machine = (date: string, load: number) => ({ cpuModel: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', platform: 'linux x64', pinned: true, date, loadAverage: [load, load, load] });

function report(date: string, load: number, cases: CaseResult[]): BenchReport {
  const { sizes } = parseOptions([]);
  return { machine: machine(date, load), quick: false, options: { servers: ['kuiper'], cases: cases.map((c) => c.name), sizes }, durationSeconds: 60, cases };
}

const run = (server: 'kuiper' | 'faye' | 'hocuspocus', metrics: Record<string, number>) => ({ server, metrics, loadSaturated: false, notes: [], samples: [metrics] });

describe('bench report parts', () => {
  it('--only picks the cases of one part', () => {
    expect(parseOptions(['--only', 'collab']).cases).toEqual(['collab-editors', 'collab-late-joiners', 'collab-presence', 'collab-idle-rooms']);
    expect(parseOptions(['--', '--only', 'server']).cases.some((c) => c.startsWith('collab-'))).toBe(false);
    expect(() => parseOptions(['--only', 'nope'])).toThrow(/not one of server, collab/);
  });

  it('a collaboration-only run keeps the server cases and their header; a server-only run keeps the collaboration section', () => {
    const full = report('2026-01-01T10:00:00.000Z', 1.5, [
      { name: 'fanout-max', runs: [run('kuiper', { deliveredPerSec: 111 }), run('faye', { deliveredPerSec: 55 })] },
      { name: 'collab-editors', runs: [run('kuiper', { p99Ms: 99 }), run('hocuspocus', { p99Ms: 98 })] },
    ]);
    const collabOnly = report('2026-02-02T20:00:00.000Z', 3.25, [{ name: 'collab-editors', runs: [run('kuiper', { p99Ms: 42 }), run('hocuspocus', { p99Ms: 43 })] }]);
    const merged = mergeReports(full, collabOnly);
    expect(merged.cases.map((c) => c.name)).toEqual(['fanout-max', 'collab-editors']);
    const md = writeMarkdown(merged);
    const [serverPart, collabPart] = md.split('## Collaboration');
    expect(serverPart).toContain('on 2026-01-01 10:00 UTC');
    expect(serverPart).toContain('Load average when the run started: 1.5 / 1.5 / 1.5');
    expect(serverPart).toContain('| delivered messages/s | 111 | 55 |');
    expect(collabPart).toContain('on 2026-02-02 20:00 UTC');
    expect(collabPart).toContain('Load average when the run started: 3.25 / 3.25 / 3.25');
    expect(collabPart).toContain('| propagation latency p99 (ms) | 42.0 | 43.0 |');
    expect(md).not.toContain('| 99.0 |');

    // And back: a server-only run now keeps the collaboration section of the merged report.
    const serverOnly = report('2026-03-03T08:00:00.000Z', 0.5, [{ name: 'fanout-max', runs: [run('kuiper', { deliveredPerSec: 222 }), run('faye', { deliveredPerSec: 66 })] }]);
    const again = writeMarkdown(mergeReports(merged, serverOnly));
    expect(again).toContain('| delivered messages/s | 222 | 66 |');
    expect(again).toContain('| propagation latency p99 (ms) | 42.0 | 43.0 |');
    expect(again.split('## Collaboration')[1]).toContain('on 2026-02-02 20:00 UTC');
  });

  it('a whole run replaces everything', () => {
    const old = report('2026-01-01T10:00:00.000Z', 1, [{ name: 'fanout-max', runs: [run('kuiper', { deliveredPerSec: 1 })] }]);
    const fresh = report('2026-04-04T10:00:00.000Z', 2, [{ name: 'collab-editors', runs: [run('kuiper', { p99Ms: 5 })] }, { name: 'fanout-max', runs: [run('kuiper', { deliveredPerSec: 2 })] }]);
    const merged = mergeReports(old, fresh);
    expect(merged.cases.map((c) => c.name)).toEqual(['fanout-max', 'collab-editors']);
    expect(merged.cases[0]?.runs[0]?.metrics.deliveredPerSec).toBe(2);
  });
});
