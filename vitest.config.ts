import { defineConfig } from 'vitest/config';

// Tests run against source: the `source` export condition points each @kuiper/* package at src/.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'apps/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    env: { KUIPER_LOG: process.env.KUIPER_LOG ?? 'silent' },
    pool: 'forks',
  },
});
