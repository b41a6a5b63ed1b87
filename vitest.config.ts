import { defineConfig } from 'vitest/config';

/**
 * The slow end-to-end files, run by `npm run test:slow` (and by `.ci/run` after `npm test`): the
 * scenario library's full runs and the packed-package test (tsc build + offline install). Kept out of
 * `npm test` so it stays under five minutes on a 2-core machine.
 */
export const SLOW_TESTS = [
  'test/package/15-packed-package.test.ts',
  'test/harness/scenarios-*.test.ts',
  'test/harness/12-every-stream-scenario.test.ts',
  'test/harness/11-content-check.test.ts',
  'test/harness/11-content-tour.test.ts',
  // Whole scenario runs and CLI processes (the demo through `dtlab run`, `dtlab up`, the mock's CLI):
  // npm test measured 321 s with them on a quiet 2-core machine, over the five-minute budget.
  'test/harness/cli-run.test.ts',
  'test/harness/12-mock-fault-kinds.test.ts',
  'test/harness/13-expect-end-to-end.test.ts',
  'test/harness/13-inject-end-to-end.test.ts',
  'test/harness/15-up-and-environment.test.ts',
  'test/mock-sentinel/cli.test.ts',
  // The other CLI process tests and the first Chromium page test: npm test measured 305 s of vitest
  // with them (quiet 2-core machine, issue 11's tests added), over the budget again.
  'test/logs-ingestion/cli-and-extra-ca.test.ts',
  'test/connector/cli.test.ts',
  'test/simulator/cli.test.ts',
  'test/query/web-page.test.ts',
];

/**
 * Files that change process-wide behaviour, run each in a fresh process: those that replace a module
 * with vi.mock (node:fs for the disk-full tests: a module is only replaced for the file that loads it
 * first) and those that load nock, which patches node:http for the rest of the process (a TLS test
 * that ran after them in the same worker got nock's mock socket, without getPeerCertificate).
 */
export const ISOLATED_TESTS = [
  'test/nock/*.test.ts',
  'test/connector/12-parked-disk-full.test.ts',
  'test/connector/14-chaos-spool-disk-full.test.ts',
  'test/connector/14-disk-full.test.ts',
  'test/connector/4-spool-failed-append.test.ts',
];

/** Settings both configs share (vitest.slow.config.ts too). */
export const COMMON = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // Services bind real ports and DuckDB uses native threads: forks isolate them cleanly.
  pool: 'forks' as const,
  // Two test files at a time on this 2-core machine (vitest's default is cores − 1): most files
  // wait on sockets and child processes, and no test may depend on timing, so a busy machine
  // changes how long the suite takes, never what it finds.
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    ...COMMON,
    projects: [
      {
        extends: true,
        // Test files in one worker share its loaded modules (isolate: false): loading the lab's
        // modules again for each of ~150 files cost three of the suite's five minutes. Every test
        // starts its own servers on free ports and closes them, so no state crosses files.
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...SLOW_TESTS, ...ISOLATED_TESTS], isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED_TESTS, exclude: ['**/node_modules/**', ...SLOW_TESTS] } },
    ],
  },
});
