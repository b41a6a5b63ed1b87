// Issue 12: the migration scenarios of the library run and hold their expectations — a dual run (every
// alert once on each side), a dual run with the activity streams (on the new side only), the same
// with the connector killed twice with SIGKILL, a mid-run cutover, a misrouted stream that stops no
// other, and a role assignment granted late. Full scenario runs, so this file is in npm run test:slow.
import { describe, it, expect } from 'vitest';
import { runLibraryScenario, failures } from './scenario-runner.ts';

describe('migration scenarios', () => {
  for (const name of ['migration-dual-run', 'migration-dual-run-activity', 'migration-dual-run-activity-kill-9', 'migration-cutover', 'logs-ingestion-misrouted-stream', 'logs-ingestion-role-granted-late']) {
    it(`${name}: every expectation holds`, async () => {
      const report = await runLibraryScenario(name);
      expect(failures(report)).toEqual([]);
      expect(report.passed).toBe(true);
    });
  }
});
