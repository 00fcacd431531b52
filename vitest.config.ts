import { defineConfig } from 'vitest/config';

// The bench's quick runs measure the machine, so they run one file at a time after the rest: beside
// another busy file on a 2-core runner their figures stop meaning anything. Every other file mostly
// waits on sockets, timers, Chromium or a child process, so two run at once and CI's wall time is
// not the sum of every file's.
const alone = ['bench/test/**/*.test.ts'];
const all = ['packages/*/test/**/*.test.{ts,tsx}', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'];

// Tests run against source: the `source` export condition points each @kuiper/* package at src/.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // In CI a failing test runs once more, so one timing fluke on a loaded 2-core runner does not
    // throw away a whole submission; scripts/summary.mjs lists every test that needed it (FLAKY,
    // with its first failure) above the totals. A test that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    env: { KUIPER_LOG: process.env.KUIPER_LOG ?? 'silent' },
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'shared', include: all, exclude: alone, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: alone, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
