// Smoke test for the cluster fan-out cases (issue 15): `bench/run.ts --quick --only cluster` at
// tiny sizes, into a temp dir that already holds a report with a Bayeux section, then the report's
// shape is checked: the cluster section with its targets, tables (with the equal-rate window's
// figures) and scaling table, figures that are
// numbers, nothing lost, and the other section kept. Figures are not asserted: timing belongs to
// the benchmark, never to a unit test.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../bench-options.ts';
import { hasRedisServer } from '../cluster-redis.ts';
import { CENTRIFUGO_SOURCE } from '../report/cluster-scaling.ts';
import type { BenchReport } from '../run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let out = '';

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('pnpm bench --quick --only cluster', () => {
  it('runs the three cluster cases against Kuiper and Faye on Redis, with the single-node figures, and keeps the other sections', { timeout: 300_000 }, async () => {
    out = await mkdtemp(join(tmpdir(), 'kuiper-bench-cluster-test-'));
    // A report from an earlier run with a Bayeux case in it: the cluster run must keep it.
    const { sizes } = parseOptions([]);
    const earlier: BenchReport = {
      machine: { cpuModel: 'Earlier CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', platform: 'linux x64', pinned: true, date: '2026-01-01T10:00:00.000Z', loadAverage: [1, 1, 1] },
      quick: false,
      options: { servers: ['kuiper', 'faye'], cases: ['fanout-max'], sizes },
      durationSeconds: 60,
      cases: [{ name: 'fanout-max', runs: [{ server: 'kuiper', metrics: { deliveredPerSec: 12345 }, loadSaturated: false, notes: [], samples: [{ deliveredPerSec: 12345 }] }] }],
    };
    await writeFile(join(out, 'benchmarks.json'), JSON.stringify(earlier));

    const log = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'cluster', '--out', out], { cwd: ROOT, timeout: 280_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(log).toContain('[bench] wrote');
    expect(log).toContain('kept the server part');

    const report = JSON.parse(await readFile(join(out, 'benchmarks.json'), 'utf8')) as BenchReport;
    expect(report.cases.map((c) => c.name)).toEqual(['fanout-max', 'cluster-small', 'cluster-medium', 'cluster-large']);
    // This machine has a redis-server (CI installs one): the cases must really run, not be skipped.
    expect(hasRedisServer()).toBe(true);
    const numbers = ['deliveredPerSec', 'publishedPerSec', 'serverCpuUsPerMsg', 'singleCpuUsPerMsg', 'nodeCpuVsSingle', 'redisCpuUsPerMsg', 'redisCpuUsPerPublish', 'redisCpuUsPerPublishAboveIdle', 'redisIdleCpuShare', 'redisBareCpuShare', 'p50Ms', 'p99Ms', 'singleP99Ms', 'nodeACpuUsPerPublish', 'nodeBCpuUsPerPublish', 'singleCpuUsPerPublish'];
    // The equal-rate window: the same publish rate at every size, Redis's time per publish and its upkeep.
    const equalRate = ['eqPublishesPerSec', 'eqPublishPathUsPerPublish', 'eqCommandUsPerPublish', 'eqUpkeepUsPerSec', 'eqIdleCommandUsPerSec', 'eqRedisCpuUsPerPublish', 'redisSessionsIdleCpuShare', 'redisCpuUsPerPublishAboveSessionsIdle'];
    for (const c of report.cases.filter((x) => x.name.startsWith('cluster-'))) {
      expect(c.note, c.name).toBeUndefined();
      expect(c.runs.map((r) => r.server).sort(), c.name).toEqual(['faye', 'kuiper']);
      for (const run of c.runs) {
        const where = `${c.name}/${run.server}`;
        expect(run.error, where).toBeUndefined();
        for (const key of [...numbers, ...equalRate]) expect(run.metrics[key], `${where} ${key}`).toEqual(expect.any(Number));
        expect(run.metrics.eqMissing, where).toBe(0);
        // Kuiper's publish script is found in SLOWLOG by its sha: one call per publish.
        if (run.server === 'kuiper') expect(run.metrics.eqPublishScriptCallsPerPublish, where).toBe(1);
        // Kuiper's window again in ack mode (Faye's server has no ack extension): every batch arrived.
        if (run.server === 'kuiper') {
          expect(run.metrics.ackEqRedisCpuUsPerPublish, where).toEqual(expect.any(Number));
          expect(run.metrics.ackEqMissing, where).toBe(0);
        } else expect(run.metrics.ackEqRedisCpuUsPerPublish, where).toBeUndefined();
        expect(run.metrics.deliveredPerSec, where).toBeGreaterThan(0);
        // Both nodes worked: node A (the publisher's) and node B (half the subscribers) each used CPU.
        expect(run.metrics.nodeACpuUsPerPublish, where).toBeGreaterThan(0);
        expect(run.metrics.nodeBCpuUsPerPublish, where).toBeGreaterThan(0);
        // The relay floor ran on the case's Redis: it used CPU, and every PUBLISH reached both connections.
        expect(run.metrics.relayFloorUsPerPublish, where).toBeGreaterThan(0);
        expect(run.metrics.relayFloorUsPerMsg, where).toBeCloseTo((run.metrics.relayFloorUsPerPublish as number) / (run.metrics.subscribers as number), 9);
        expect(run.notes.join('\n'), where).not.toMatch(/relay floor/);
        expect(run.metrics.subscribers, where).toBe(report.parts?.cluster?.sizes.cluster.subscribers[c.name as 'cluster-small']);
        // Every subscriber, on either node, got everything published on node A, and on one node too.
        expect(run.metrics.missing, where).toBe(0);
        expect(run.metrics.singleMissing, where).toBe(0);
      }
    }

    const md = await readFile(join(out, 'benchmarks.md'), 'utf8');
    const [bayeux, cluster] = md.split('## Cluster fan-out on Redis: Kuiper vs Faye on faye-redis');
    expect(cluster).toBeDefined();
    // The earlier run's section, with its own date, is still there.
    expect(bayeux).toContain('on 2026-01-01 10:00 UTC');
    expect(bayeux).toContain('| delivered messages/s | 12,345 |');
    expect(cluster).toContain(report.parts?.cluster?.machine.cpuModel);
    expect(cluster).toContain('| target (issue 15) | verdict | measured |');
    expect(cluster?.match(/^\| Cluster, [\d,]+ subscribers: .* \| \*\*(met|not met)\*\* \|/gm)?.length).toBe(9);
    // Each Redis target row names the relay floor measured in the same run, beside Kuiper's figure.
    expect(cluster?.match(/^\| Cluster, [\d,]+ subscribers: Redis CPU per delivered message .* the least any Redis-relayed publish costs here \(.*\) [\d.]+ µs \|$/gm)?.length).toBe(3);
    expect(cluster).toMatch(/^\| context: that bare PUBLISH relay, Redis CPU µs \/ publish \(idle included\) \| [\d,.]+ \| [\d,.]+ \| /m);
    // Flatness is judged at one publish rate; the main window's per-publish figures are context.
    expect(cluster).toMatch(/^\| Cluster: Redis time per publish flat in subscriber count, at one publish rate for every size .* \| \*\*(met|not met)\*\* \| [\d.]+ publishes\/s at every size\. Kuiper's publish script/m);
    expect(cluster).toMatch(/^\*\*Context, not judged: Redis CPU per publish in the main window\*\*/m);
    expect(cluster).toContain('**Equal-rate window.**');
    expect(cluster).toMatch(/^\| equal-rate window: publish script calls per publish \| 1\.0 \| – \| – \|$/m);
    expect(cluster?.match(/^### Cluster fan-out: /gm)?.length).toBe(3);
    expect(cluster).toContain('| metric | Kuiper | Faye | Kuiper / Faye |');
    expect(cluster).toMatch(/^\| single node CPU µs \/ delivered message .* \| [\d,.]+ \| [\d,.]+ \| [\d.]+× \|$/m);
    expect(cluster).toMatch(/^\| Redis CPU µs \/ delivered message \| [\d,.]+ \| [\d,.]+ \| /m);
    // The scaling table: computed rows for both servers, beside Centrifugo's published setup.
    expect(cluster).toContain('### Scaling on paper: 1,000,000 connections and 500,000 deliveries/s');
    expect(cluster).toMatch(/^\| Kuiper \(this run\) \| [\d,.]+ µs \| [\d,.]+ µs \| .* \| \*\*\d+\*\* \| \*\*\d+\*\* \|$/m);
    expect(cluster).toMatch(/^\| Faye \+ faye-redis \(this run\) \| [\d,.]+ µs \|/m);
    expect(cluster).toContain(CENTRIFUGO_SOURCE);
  });
});
