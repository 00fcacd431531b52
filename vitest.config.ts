import { defineConfig } from 'vitest/config';

// Tests run against source: the `source` export condition points each @kuiper/* package at src/.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // In CI a failing test runs once more, so one timing fluke on a loaded 2-core runner does not
    // throw away a whole submission; scripts/summary.mjs lists every test that needed it (FLAKY,
    // with its first failure) above the totals. A test that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    env: { KUIPER_LOG: process.env.KUIPER_LOG ?? 'silent' },
    pool: 'forks',
  },
});
