// The analytics admin routes: rules with their run state, stepping the clock, running one rule,
// the alerts and incidents raised, and closing an incident.
import { describe, expect, it } from 'vitest';
import { at, rule, startWithRules, writeBreaches, T0, WORKSPACE_ID } from './helpers.ts';

const RULE = rule(`
id: 44444444-0000-4000-8000-000000000001
name: Any breach
severity: Medium
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 0
query: LabBreaches_CL | project TimeGenerated, hostname_s
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: hostname_s
`);

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, json: await res.json() };
}

describe('analytics admin API', () => {
  it('lists rules, steps the clock, runs a rule and shows alerts and incidents', async () => {
    const mock = await startWithRules([RULE]);
    const url = mock.url!;
    await writeBreaches(mock, [{ time: at(2), model: 'M', score: 50, ip: '10.0.0.1', host: 'web01', threatId: 1 }]);

    let rules = await call(url, 'GET', '/_lab/rules');
    expect(rules.json).toEqual([
      expect.objectContaining({ id: RULE.id, name: 'Any breach', kind: 'Scheduled', enabled: true, lastRun: null, nextRun: T0.toISOString(), lastRunRows: null, alertsRaised: 0, lastError: null }),
    ]);

    const clock = await call(url, 'POST', '/_lab/analytics/clock', { until: at(5).toISOString() });
    expect(clock.status).toBe(200);
    expect(clock.json.runs.map((r: { at: string; alerts: number }) => [r.at, r.alerts])).toEqual([[T0.toISOString(), 0], [at(5).toISOString(), 1]]);

    rules = await call(url, 'GET', '/_lab/rules');
    expect(rules.json[0]).toMatchObject({ lastRun: at(5).toISOString(), nextRun: at(10).toISOString(), lastRunRows: 1, runs: 2, alertsRaised: 1, incidentsCreated: 1 });

    // Out of schedule, at a given time: the row is in its window again, so a second alert.
    const run = await call(url, 'POST', `/_lab/rules/${RULE.id.toUpperCase()}/run?at=${encodeURIComponent(at(6).toISOString())}`);
    expect(run.status).toBe(200);
    expect(run.json.runs).toEqual([{ ruleId: RULE.id, at: at(6).toISOString(), workspaceId: WORKSPACE_ID, rows: 1, alerts: 1, suppressed: false }]);
    expect(run.json.rule).toMatchObject({ runs: 3, alertsRaised: 2 });

    const alerts = await call(url, 'GET', '/_lab/alerts?rule=Any%20breach');
    expect(alerts.json.map((a: { displayName: string; severity: string; entities: unknown[]; incidentNumber: number }) => [a.displayName, a.severity, a.entities, a.incidentNumber])).toEqual([
      ['Any breach', 'Medium', [{ HostName: 'web01', Type: 'host' }], 1],
      ['Any breach', 'Medium', [{ HostName: 'web01', Type: 'host' }], 2],
    ]);
    const incidents = await call(url, 'GET', '/_lab/incidents');
    expect(incidents.json.map((i: { incidentNumber: number; title: string; status: string }) => [i.incidentNumber, i.title, i.status])).toEqual([
      [1, 'Any breach', 'New'],
      [2, 'Any breach', 'New'],
    ]);
    const closed = await call(url, 'POST', '/_lab/incidents/2/close');
    expect(closed.json).toMatchObject({ incidentNumber: 2, status: 'Closed' });
  });

  it('answers 404 for an unknown rule or incident and 400 for a bad time', async () => {
    const mock = await startWithRules([RULE]);
    const url = mock.url!;
    expect(await call(url, 'POST', '/_lab/rules/nope/run')).toEqual({ status: 404, json: { error: "no rule with id 'nope'" } });
    expect(await call(url, 'POST', '/_lab/analytics/clock', { until: 'yesterday' })).toEqual({ status: 400, json: { error: 'until: must be an ISO-8601 date-time' } });
    expect(await call(url, 'POST', '/_lab/analytics/clock', {})).toEqual({ status: 400, json: { error: 'until: is required (an ISO-8601 date-time)' } });
    expect((await call(url, 'POST', '/_lab/incidents/9/close')).status).toBe(404);
  });
});
