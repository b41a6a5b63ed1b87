import { defineConfig } from 'vitest/config';

/** The packed-package test builds dist/ with tsc and installs the tarball: `npm run test:packed` runs it. */
export const PACKED_TEST = 'test/package/15-packed-package.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', PACKED_TEST],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Services bind real ports and DuckDB uses native threads: forks isolate them cleanly.
    pool: 'forks',
    // Two test files at a time on this 2-core machine (vitest's default is cores − 1): most files
    // wait on sockets and child processes, and no test may depend on timing, so a busy machine
    // changes how long the suite takes, never what it finds.
    maxWorkers: 2,
  },
});
