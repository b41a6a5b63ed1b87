import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Services bind real ports and DuckDB uses native threads: forks isolate them cleanly.
    pool: 'forks',
  },
});
