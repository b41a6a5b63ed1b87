// Issue 11 (slow: in npm run test:slow): `check:content --scenario scenarios/content-tour.yaml` runs the
// library's content tour (three simulated hours through both sinks, the activity streams on) as
// `dtlab run` does, then the lab's content workbook over the workspace it leaves: every panel shows
// data, every shipped rule fires, and the scenario's own expectations hold. The same command over the
// Darktrace solution's real rules and workbooks is in docs/reference/analytics.md.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkScenarioContent } from '../../harness/content/scenario-content-check.ts';

const TOUR = fileURLToPath(new URL('../../scenarios/content-tour.yaml', import.meta.url));
const WORKBOOK = fileURLToPath(new URL('../analytics/fixtures/darktrace-content-workbook.json', import.meta.url));

describe('the content tour', () => {
  it('fills every panel of the content workbook and fires every shipped rule, through a scenario', { timeout: 600_000 }, async () => {
    const report = await checkScenarioContent({ scenario: TOUR, workbooks: [WORKBOOK] });
    expect(report.runError).toBeUndefined();
    expect(report.scenarioPassed).toBe(true);
    expect(report.panels).toHaveLength(70);
    expect(report.panels.filter((p) => p.error || p.rows === 0)).toEqual([]);
    // No --rules: every rule of the run is reported, the shipped eight.
    expect(report.rules).toHaveLength(8);
    expect(report.rules.filter((r) => r.alerts === 0 || r.error)).toEqual([]);
    expect(report.passed).toBe(true);
  });
});
