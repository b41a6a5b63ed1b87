// Issue 11: the report's alert latency per analytic rule — simulated ms from the earliest Darktrace
// alert a Sentinel alert holds (StartTime) to the run that raised it (TimeGenerated) — and how the
// terminal, HTML and JSON reports show it.
import { describe, expect, it } from 'vitest';
import { alertLatencyByRule } from '../../harness/engine/analytics-latency.ts';
import type { ObservedAlert } from '../../harness/engine/analytics-observer.ts';
import { htmlReport } from '../../harness/reports/html.ts';
import { jsonReport } from '../../harness/reports/json.ts';
import { terminalReport } from '../../harness/reports/terminal.ts';
import { sampleReport } from '../harness/sample-report.ts';

const alert = (ruleId: string, startTime: string, timeGenerated: string): ObservedAlert => ({
  systemAlertId: `${ruleId}-${startTime}`,
  ruleId,
  ruleName: ruleId,
  displayName: ruleId,
  severity: 'Medium',
  entities: [],
  incidentNumber: 1,
  startTime,
  timeGenerated,
});

describe('alert latency per rule', () => {
  it('is each alert’s run time minus its earliest row’s time, per rule, in an HDR summary; rules that raised none are absent', () => {
    const byRule = alertLatencyByRule([
      alert('nrt', '2026-03-02T10:00:15.000Z', '2026-03-02T10:01:00.000Z'),
      alert('nrt', '2026-03-02T10:00:50.000Z', '2026-03-02T10:01:00.000Z'),
      alert('nrt', '2026-03-02T10:01:59.000Z', '2026-03-02T10:02:00.000Z'),
      alert('scheduled', '2026-03-02T10:00:00.000Z', '2026-03-02T10:05:00.000Z'),
      // A row stamped after the run that saw it counts as no wait, not a negative one.
      alert('scheduled', '2026-03-02T10:05:00.500Z', '2026-03-02T10:05:00.000Z'),
      { ...alert('nrt', '', ''), startTime: undefined, timeGenerated: undefined },
    ]);
    expect([...byRule.keys()]).toEqual(['nrt', 'scheduled']);
    expect(byRule.get('nrt')).toMatchObject({ unit: 'ms', count: 3, min: 1000, max: 45_000 });
    expect(byRule.get('nrt')!.p50).toBeGreaterThanOrEqual(9_990);
    expect(byRule.get('nrt')!.p50).toBeLessThanOrEqual(10_010);
    expect(byRule.get('scheduled')).toMatchObject({ count: 2, min: 1, max: expect.closeTo(300_000, -3) });
  });

  it('the terminal, HTML and JSON reports carry alerts, incidents, latency percentiles and the last error per rule', () => {
    const latency = { unit: 'ms' as const, count: 4, min: 1000, mean: 20_000, p50: 12_000, p90: 45_000, p95: 45_000, p99: 45_000, p999: 45_000, max: 45_000 };
    const report = sampleReport({
      analytics: {
        rules: [
          { id: 'r1', name: 'Darktrace model breach (lab)', runs: 6, alertsRaised: 4, incidentsCreated: 2, lastError: null, latency },
          { id: 'r2', name: 'Broken <rule>', runs: 6, alertsRaised: 0, incidentsCreated: 0, lastError: "unknown column 'x'" },
        ],
        incidents: 2,
      },
    });
    const text = terminalReport(report, { colour: false });
    expect(text).toContain('Sentinel analytics (2 incidents); latency Darktrace alert → Sentinel alert, simulated:');
    expect(text).toMatch(/Darktrace model breach \(lab\)\s+4\s+2\s+12s\s+45s\s+45s\s+45s/);
    expect(text).toMatch(/Broken <rule>\s+0\s+0\s+unknown column 'x'/);
    const html = htmlReport([report]);
    expect(html).toContain('<h2>Sentinel analytics</h2>');
    expect(html).toContain('<td>Darktrace model breach (lab)</td><td class="num">6</td><td class="num">4</td><td class="num">2</td><td class="num">12s</td><td class="num">45s</td>');
    expect(html).toContain('<tr class="failed"><td>Broken &lt;rule&gt;</td>');
    expect(JSON.parse(jsonReport([report])).analytics.rules[0].latency).toEqual(latency);
  });
});
