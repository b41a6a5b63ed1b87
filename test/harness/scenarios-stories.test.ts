// The scenario library, fast part 1: every alert type with the right columns, and each story.
import { describe, it, expect } from 'vitest';
import { runLibraryScenario, failures } from './scenario-runner.ts';

describe('scenario library: alert types and stories', () => {
  for (const name of [
    'every-alert-type',
    'story-beaconing-exfiltration',
    'story-ransomware-smb',
    'story-phishing-campaign',
    'story-saas-hijack',
    'story-probe-outage',
    'story-connector-test',
  ]) {
    it(`${name} passes`, async () => {
      const report = await runLibraryScenario(name);
      expect(failures(report)).toEqual([]);
      expect(report.passed).toBe(true);
      // A scenario that generated nothing would pass vacuously: each must have moved alerts.
      expect(Object.values(report.alerts).reduce((n, a) => n + a.landed, 0)).toBeGreaterThan(0);
    });
  }
});
