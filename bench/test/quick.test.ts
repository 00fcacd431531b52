// Smoke test for the benchmark harness: `bench/run.ts --quick` on a tiny load against all three
// servers, written to a temp dir (never docs/), then the report's shape is checked. Figures are not
// asserted: timing belongs to the benchmark, never to a unit test.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CASE_NAMES, isClusterCase } from '../bench-options.ts';
import type { BenchReport } from '../run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let out = '';

/**
 * Whether Redis answers PING at REDIS_URL, checked here independently of the harness's own probe:
 * CI starts one (scripts/ensure-services.sh), and then the two-node case must really run.
 */
function redisAnswers(): Promise<boolean> {
  const u = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return new Promise((resolve) => {
    const socket = createConnection({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.on('error', () => done(false));
    // With a password in the URL an unauthenticated PING is refused (-NOAUTH): AUTH first.
    socket.on('connect', () => socket.write(`${u.password ? `AUTH ${decodeURIComponent(u.password)}\r\n` : ''}PING\r\n`));
    socket.on('data', (chunk) => {
      if (chunk.toString().includes('+PONG')) done(true);
      else if (chunk.toString().startsWith('-')) done(false);
    });
  });
}

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('pnpm bench --quick', () => {
  it('runs every case against every server and writes md, json and svg', { timeout: 120_000 }, async () => {
    const redis = await redisAnswers();
    out = await mkdtemp(join(tmpdir(), 'kuiper-bench-test-'));
    // The cluster cases have their own smoke test (cluster-quick.test.ts).
    const cases = CASE_NAMES.filter((c) => !isClusterCase(c)).join(',');
    const log = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--cases', cases, '--out', out], { cwd: ROOT, timeout: 110_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(log).toContain('[bench] wrote');

    const report = JSON.parse(await readFile(join(out, 'benchmarks.json'), 'utf8')) as BenchReport;
    expect(report.quick).toBe(true);
    expect(report.cases.map((c) => c.name)).toEqual(['fanout-max', 'fixed-rate', 'long-poll', 'many-channels', 'idle-prune', 'two-node', 'collab-editors', 'collab-late-joiners', 'collab-presence', 'collab-idle-rooms']);
    const twoNode = report.cases.find((c) => c.name === 'two-node');
    // Without Redis the case is not run, and the report must say so (never a silent gap).
    if (!redis) {
      expect(twoNode?.runs).toEqual([]);
      expect(twoNode?.note).toMatch(/^Not run: no Redis answered at /);
    } else expect(twoNode?.note).toBeUndefined();
    for (const c of report.cases) {
      const servers = c.runs.map((r) => r.server).sort();
      const kuiperAndFaye = c.name === 'long-poll' || c.name === 'two-node';
      const collab = c.name.startsWith('collab-');
      const expected = collab ? ['hocuspocus', 'kuiper', 'y-websocket'] : c.name === 'two-node' && !redis ? [] : kuiperAndFaye ? ['faye', 'kuiper'] : ['faye', 'kuiper', 'raw-ws'];
      expect(servers, c.name).toEqual(expected);
      for (const run of c.runs) {
        expect(run.error, `${c.name}/${run.server}`).toBeUndefined();
        if (c.name === 'collab-late-joiners') {
          expect(run.metrics.joined, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.syncedMedianMs, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        } else if (c.name === 'collab-editors') {
          // Every edit reached every other editor and the documents are equal at the end.
          expect(run.metrics.converged, `${c.name}/${run.server}`).toBe(1);
          expect(run.metrics.missing, `${c.name}/${run.server}`).toBe(0);
          expect(run.metrics.serverCpuUsPerMsg, `${c.name}/${run.server}`).toEqual(expect.any(Number));
          expect(run.metrics.p99Ms, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        } else if (c.name === 'collab-idle-rooms') {
          expect(run.metrics.rooms, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.rssKibPerRoom, `${c.name}/${run.server}`).toEqual(expect.any(Number));
          expect(run.metrics.heapKibPerRoom, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        } else if (c.name === 'collab-presence') {
          expect(run.metrics.deliveredPerSec, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.serverCpuUsPerMsg, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        } else if (c.name === 'idle-prune') {
          expect(run.metrics.sessions, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.kibPerSession, `${c.name}/${run.server}`).toEqual(expect.any(Number));
        } else {
          expect(run.metrics.deliveredPerSec, `${c.name}/${run.server}`).toBeGreaterThan(0);
          expect(run.metrics.serverCpuUsPerMsg, `${c.name}/${run.server}`).toEqual(expect.any(Number));
          // Latency is sampled from messages published inside the window; on a very busy machine a
          // fixed-rate window's few messages may still be in flight, so only the closed loop must have it.
          if (c.name === 'fanout-max') expect(run.metrics.p99Ms, `${c.name}/${run.server}`).toEqual(expect.any(Number));
          // Every subscriber, on either node, must have had everything published on node A.
          if (c.name === 'two-node') expect(run.metrics.missing, `${c.name}/${run.server}`).toBe(0);
        }
      }
    }

    const md = await readFile(join(out, 'benchmarks.md'), 'utf8');
    expect(md).toContain(report.machine.cpuModel);
    expect(md).toContain(`Node ${report.machine.node}`);
    expect(md).toContain('## Targets');
    expect(md).toContain('| metric | Kuiper | Faye | raw ws | Kuiper / Faye | Kuiper / raw ws |');
    expect(md).toContain('| metric | Kuiper | Faye | Kuiper / Faye |');
    expect(md).toContain('| metric | Kuiper | Hocuspocus | y-websocket | Kuiper / Hocuspocus | Kuiper / y-websocket |');
    expect(md).toContain('## Collaboration');
    // Targets, six Bayeux cases, the collaboration section (its cases are ### under it).
    expect(md.match(/^## /gm)?.length).toBe(8);
    expect(md.match(/^### /gm)?.length).toBe(4);
    const svg = await readFile(join(out, 'benchmarks.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<rect');
  });
});
