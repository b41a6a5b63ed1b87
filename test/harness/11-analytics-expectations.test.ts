// expect.alerts / expect.incidents evaluated against what the mock's analytics raised.
import { describe, expect, it } from 'vitest';
import { analyticsResults } from '../../harness/engine/evaluate-analytics.ts';
import type { AnalyticsObservation } from '../../harness/engine/analytics-observer.ts';

const OBS: AnalyticsObservation = {
  rules: [
    { id: 'r1', name: 'Breach rule', runs: 3, alertsRaised: 3, incidentsCreated: 1, lastError: null },
    { id: 'r2', name: 'Broken rule', runs: 3, alertsRaised: 0, incidentsCreated: 0, lastError: "unknown column 'x'" },
  ],
  alerts: [
    { systemAlertId: 'a1', ruleId: 'r1', ruleName: 'Breach rule', displayName: 'Breach: Beaconing', severity: 'High', entities: [{ Type: 'host', HostName: 'web01' }], incidentNumber: 1 },
    { systemAlertId: 'a2', ruleId: 'r1', ruleName: 'Breach rule', displayName: 'Breach: SMB', severity: 'Medium', entities: [{ Type: 'host', HostName: 'web01' }], incidentNumber: 1 },
    { systemAlertId: 'a3', ruleId: 'r1', ruleName: 'Breach rule', displayName: 'Breach: Exfil', severity: 'High', entities: [{ Type: 'ip', Address: '10.0.0.1' }], incidentNumber: 1 },
  ],
  incidents: [{ incidentNumber: 1, title: 'Breach: Beaconing', severity: 'High', status: 'New', ruleIds: ['r1'], alertIds: ['a1', 'a2', 'a3'] }],
};
const generated = [{ type: 'modelBreach' as const, id: '1' }, { type: 'modelBreach' as const, id: '2' }, { type: 'modelBreach' as const, id: '3' }];

describe('analytics expectations', () => {
  it('count the matching alerts of a rule by name or id, filtered by severity, display name and entity', () => {
    const results = analyticsResults(
      'alerts',
      [
        { rule: 'breach RULE', count: { generated: 'modelBreach' } },
        { rule: 'r1', severity: 'High', count: 2 },
        { rule: 'r1', displayName: 'SMB$', count: 1 },
        { rule: 'r1', entity: { Type: 'HOST', HostName: 'web01' }, count: { min: 2, max: 2 } },
        { rule: 'r1', entity: { Type: 'host', HostName: 'db02' } },
      ],
      OBS,
      generated,
    );
    expect(results.map((r) => [r.passed, r.measured])).toEqual([
      [true, '3 alerts'],
      [true, '2 alerts'],
      [true, '1 alerts'],
      [true, '2 alerts'],
      [false, '0 alerts'],
    ]);
    expect(results[4]!.message).toMatch(/rule 'Breach rule' raised 0 alerts; expected ≥ 1 alerts .*entity/);
  });

  it('match a rule name as written in its file, trailing spaces and all (the solution writes "Darktrace AI Analyst ")', () => {
    const obs: AnalyticsObservation = { ...OBS, rules: [{ ...OBS.rules[0]!, name: 'Breach rule ' }] };
    const [asWritten, trimmed] = analyticsResults('alerts', [{ rule: 'Breach rule ', count: 3 }, { rule: 'breach rule', count: 3 }], obs, generated);
    expect([asWritten!.passed, trimmed!.passed]).toEqual([true, true]);
  });

  it('count incidents, with an entity from any of their alerts; name unknown rules and a missing analytics API', () => {
    const [one, ip, broken, unknown] = analyticsResults(
      'incidents',
      [
        { rule: 'Breach rule', count: 1, severity: 'High', displayName: 'Beaconing' },
        { rule: 'Breach rule', entity: { Type: 'ip', Address: '10.0.0.1' }, count: 1 },
        { rule: 'Broken rule', count: 1 },
        { rule: 'Nope' },
      ],
      OBS,
      generated,
    );
    expect([one!.passed, ip!.passed, broken!.passed, unknown!.passed]).toEqual([true, true, false, false]);
    expect(broken!.measured).toBe("0 incidents (last run error: unknown column 'x')");
    expect(unknown!.message).toMatch(/no rule named 'Nope' is loaded \(Breach rule, Broken rule\)/);
    const [missing] = analyticsResults('alerts', [{ rule: 'r1' }], undefined, generated);
    expect(missing).toMatchObject({ passed: false, measured: 'no analytics' });
  });
});
