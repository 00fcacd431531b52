// Before each run of the default mode, wait (bounded) until the machine is quiet: the benchmark
// shares its two cores with whatever else runs (test suites, builds), and a run that starts in the
// middle of a burst measures the burst. Nothing of the benchmark's own runs at this point.
import { coreShares, readCoreTicks } from './load/core-usage.ts';

const QUIET_CORES = 0.25;
const SAMPLE_MS = 500;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface QuietResult {
  waitedMs: number;
  /** Busy cores (0..n) in the last sample. */
  busy: number;
  quiet: boolean;
}

export async function waitForQuiet(maxMs: number): Promise<QuietResult> {
  const started = performance.now();
  let quietSamples = 0;
  let busy = 0;
  for (;;) {
    const before = readCoreTicks();
    if (before.length === 0) return { waitedMs: 0, busy: 0, quiet: true };
    await sleep(SAMPLE_MS);
    busy = coreShares(before, readCoreTicks()).reduce((a, c) => a + c.busy, 0);
    quietSamples = busy < QUIET_CORES ? quietSamples + 1 : 0;
    const waitedMs = performance.now() - started;
    if (quietSamples >= 2) return { waitedMs, busy, quiet: true };
    if (waitedMs >= maxMs) return { waitedMs, busy, quiet: false };
  }
}
