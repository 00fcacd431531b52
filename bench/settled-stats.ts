// A server's memory once it is idle, read the same way for every server and every case that
// reports memory per session (the idle-sessions case, the cluster cases' equal-rate window).
import type { ServerProcess } from './server-process.ts';

/**
 * RSS and heap after forced collections, as the median of IDLE_SAMPLES samples IDLE_SAMPLE_GAP_MS
 * apart, the same for every server. One sample read right after the collections swung by 1-3 KiB
 * per session between runs of the same code (0.96x and 1.47x of raw ws): V8 unmaps freed pages
 * on a background thread, which on the server's one pinned core may or may not have run yet.
 * `count`: fewer samples where only the report's form is checked (--quick).
 */
const IDLE_SAMPLES = 3;
const IDLE_SAMPLE_GAP_MS = 1000;

export async function settledStats(server: ServerProcess, count = IDLE_SAMPLES): Promise<{ rss: number; heapUsed: number; sessions: number }> {
  const samples = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_GAP_MS));
    samples.push(await server.stats(true));
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  return { rss: median(samples.map((s) => s.rss)), heapUsed: median(samples.map((s) => s.heapUsed)), sessions: samples.at(-1)?.sessions ?? 0 };
}
