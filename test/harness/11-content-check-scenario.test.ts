// Issue 11 (slow: in npm run test:slow): `check:content --scenario scenarios/demo.yaml` runs the demo
// as `npm start` does and the lab's content workbook over the workspace it leaves. The demo lands only
// the legacy table (five simulated minutes), so the Logs Ingestion panels are empty and, of the legacy
// ones, only three per-priority system alert panels (the demo makes one system alert, a low one).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkScenarioContent } from '../../harness/content/scenario-content-check.ts';

const DEMO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));
const WORKBOOK = fileURLToPath(new URL('../analytics/fixtures/darktrace-content-workbook.json', import.meta.url));

describe('the content check over a scenario', () => {
  it('runs the demo, then every panel over what it landed; the rules are the run’s own', { timeout: 300_000 }, async () => {
    const report = await checkScenarioContent({ scenario: DEMO, workbooks: [WORKBOOK] });
    expect(report.runError).toBeUndefined();
    expect(report.scenarioPassed).toBe(true);
    expect(report.panels).toHaveLength(70);
    expect(report.panels.filter((p) => p.error)).toEqual([]);
    const legacy = report.panels.filter((p) => p.family === 'legacy');
    expect(legacy.filter((p) => p.rows === 0).map((p) => p.name.replace(/^[^:]+: /, '')).sort()).toEqual([
      'System alerts, priority critical',
      'System alerts, priority high',
      'System alerts, priority medium',
    ]);
    expect(report.panels.filter((p) => p.family === 'logsIngestion').every((p) => p.rows === 0)).toBe(true);
    // No --rules: every rule of the run is reported (the shipped eight): the legacy four fire, the Logs Ingestion four see no table.
    expect(report.rules).toHaveLength(8);
    expect(report.rules.filter((r) => r.family === 'legacy').every((r) => r.alerts > 0)).toBe(true);
    expect(report.rules.filter((r) => r.family === 'logsIngestion').every((r) => r.alerts === 0)).toBe(true);
    expect(report.passed).toBe(false);
  });
});
