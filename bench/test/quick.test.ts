// Smoke test for the benchmark harness: `bench/run.ts --quick` on a tiny load against all three
// servers, written to a temp dir (never docs/), then the report's shape is checked. Figures are not
// asserted: timing belongs to the benchmark, never to a unit test.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let out = '';

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('pnpm bench --quick', () => {
  it('runs every case against every server and writes md, json and svg', { timeout: 90_000 }, async () => {
    out = await mkdtemp(join(tmpdir(), 'kuiper-bench-test-'));
    const log = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], { cwd: ROOT, timeout: 80_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(log).toContain('[bench] wrote');

    const report = JSON.parse(await readFile(join(out, 'benchmarks.json'), 'utf8')) as BenchReport;
    expect(report.quick).toBe(true);
    expect(report.cases.map((c) => c.name)).toEqual(['fanout-max', 'fixed-rate', 'long-poll', 'many-channels', 'idle-prune']);
    for (const c of report.cases) {
      const servers = c.runs.map((r) => r.server).sort();
      expect(servers).toEqual(c.name === 'long-poll' ? ['faye', 'kuiper'] : ['faye', 'kuiper', 'raw-ws']);
      for (const run of c.runs) {
        expect(run.error, `${c.name}/${run.server}`).toBeUndefined();
        if (c.name === 'idle-prune') {
          expect(run.metrics.sessions, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.kibPerSession, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        } else {
          expect(run.metrics.deliveredPerSec, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.serverCpuUsPerMsg, `${c.name}/${run.server}`).toEqual(expect.any(Number));
          // Latency is sampled from messages published inside the window; on a very busy machine a
          // fixed-rate window's few messages may still be in flight, so only the closed loop must have it.
          if (c.name === 'fanout-max') expect(run.metrics.p99Ms, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        }
      }
    }

    const md = await readFile(join(out, 'benchmarks.md'), 'utf8');
    expect(md).toContain(report.machine.cpuModel);
    expect(md).toContain(`Node ${report.machine.node}`);
    expect(md).toContain('## Targets');
    expect(md).toContain('| metric | Kuiper | Faye | raw ws | Kuiper / Faye | Kuiper / raw ws |');
    expect(md.match(/^## /gm)?.length).toBe(6);
    const svg = await readFile(join(out, 'benchmarks.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<rect');
  });
});
