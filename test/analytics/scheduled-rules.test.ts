// Scheduled rules on a stepped clock over fixed rows: the exact alerts (names, severity from a column,
// entities, custom details, dynamic properties) and incidents (grouping), thresholds and suppression.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { triggers } from '../../mock-sentinel/analytics/alert-builder.ts';
import { at, kql, rule, startWithRules, writeBreaches, T0 } from './helpers.ts';

const fullShape = () => rule(readFileSync(new URL('./fixtures/full-shape-rule.yaml', import.meta.url), 'utf8'), 'full-shape-rule.yaml');

const BREACHES = [
  { time: at(1), model: 'Anomalous Connection / Data Sent to Rare Domain', score: 90, ip: '10.0.0.1', host: 'web01', user: 'alice@corp.com', threatId: 101 },
  { time: at(2), model: 'Compromise / Beaconing Activity To External Rare', score: 60, ip: '10.0.0.1', host: 'web01', threatId: 102 },
  { time: at(3), model: 'Device / Suspicious SMB Activity', score: 70, ip: '10.0.0.2', host: 'db02', threatId: 103 },
  { time: at(3), model: 'Device / New User Agent', score: 20, ip: '10.0.0.3', host: 'lap03', threatId: 104 },
];

describe('a Scheduled rule in the full Azure-Sentinel shape', () => {
  it('raises one alert per result with the override, entities and custom details, grouped into incidents by host', async () => {
    const r = fullShape();
    expect(r).toMatchObject({ kind: 'Scheduled', queryFrequencyMs: 300_000, queryPeriodMs: 600_000, aggregationKind: 'AlertPerResult' });
    const mock = await startWithRules([r]);
    await writeBreaches(mock, BREACHES);

    const runs = await mock.analytics.runDue(at(5));
    // First run at T0 (window T0−10m..T0: nothing), then at T0+5m (window T0−5m..T0+5m).
    expect(runs.map((o) => [o.at, o.rows, o.alerts])).toEqual([
      [T0.toISOString(), 0, 0],
      [at(5).toISOString(), 3, 3],
    ]);

    const alerts = (await kql(mock, 'SecurityAlert | order by DisplayName asc')).map((a): Record<string, any> => ({
      ...a,
      Entities: JSON.parse(String(a.Entities)),
      ExtendedProperties: JSON.parse(String(a.ExtendedProperties)),
    }));
    expect(alerts.map((a) => [a.DisplayName, a.AlertSeverity, a.Tactics, a.Description])).toEqual([
      ['Darktrace 60: Compromise / Beaconing Activity To External Rare on web01.corp.local', 'Low', 'CommandAndControl', 'Breach 102 of Compromise / Beaconing Activity To External Rare'],
      ['Darktrace 70: Device / Suspicious SMB Activity on db02.corp.local', 'Low', 'CommandAndControl', 'Breach 103 of Device / Suspicious SMB Activity'],
      ['Darktrace 90: Anomalous Connection / Data Sent to Rare Domain on web01.corp.local', 'High', 'Exfiltration', 'Breach 101 of Anomalous Connection / Data Sent to Rare Domain'],
    ]);
    const top = alerts[2]!;
    expect(top.Entities).toEqual([
      { $id: '2', HostName: 'web01', DnsDomain: 'corp.local', Type: 'host' },
      { $id: '3', Address: '10.0.0.1', Type: 'ip' },
      { $id: '4', Name: 'alice', UPNSuffix: 'corp.com', Type: 'account' },
    ]);
    expect(alerts[0]!.Entities.map((e: { Type: string }) => e.Type)).toEqual(['host', 'ip']); // no account: empty column
    expect(top).toMatchObject({
      AlertName: 'Lab test - suspicious breach per device',
      AlertLink: 'https://dt.example/#modelbreach/101',
      ProductName: 'Anomalous Connection / Data Sent to Rare Domain',
      ProviderName: 'ASI Scheduled Alerts',
      VendorName: 'Microsoft',
      ProductComponentName: 'Scheduled Alerts',
      Status: 'New',
      CompromisedEntity: 'web01.corp.local',
      Techniques: '["T1071","T1071.001"]',
      AlertType: `97ce69d9-b4be-4241-8dbd-d265edcf06c4_${r.id}`,
      TimeGenerated: at(5).toISOString(),
      StartTime: at(1).toISOString(),
      EndTime: at(1).toISOString(),
    });
    expect(top.ExtendedProperties).toMatchObject({
      'Custom Details': JSON.stringify({ Model: ['Anomalous Connection / Data Sent to Rare Domain'], Score: ['90'] }),
      'Query Start Time UTC': '2026-03-02 09:55:00Z',
      'Query End Time UTC': '2026-03-02 10:05:00Z',
      'Query Period': 'PT10M',
      'Trigger Operator': 'GreaterThan',
      'Search Query Results Overall Count': '3',
      'Analytic Rule Ids': JSON.stringify([r.id]),
      'Event Grouping': 'AlertPerResult',
    });

    // Selected grouping by Host: web01's two alerts share an incident; db02 has its own.
    const incidents = mock.analytics.incidents();
    expect(incidents.map((i) => [i.incidentNumber, i.alertIds.length, i.status])).toEqual([
      [1, 2, 'New'],
      [2, 1, 'New'],
    ]);
    const byId = new Map(alerts.map((a) => [a.SystemAlertId, a.DisplayName]));
    expect(incidents[0]!.alertIds.map((id) => byId.get(id)).sort()).toEqual([alerts[0]!.DisplayName, alerts[2]!.DisplayName].sort());
    const rows = await kql(mock, 'SecurityIncident | project IncidentNumber, Title, Severity, Status, AlertIds, RelatedAnalyticRuleIds, ProviderName, CreatedTime | order by IncidentNumber asc');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ IncidentNumber: 1, Status: 'New', ProviderName: 'Azure Sentinel', CreatedTime: at(5).toISOString() });
    expect(JSON.parse(String(rows[0]!.AlertIds))).toEqual(incidents[0]!.alertIds);
    expect(JSON.parse(String(rows[0]!.RelatedAnalyticRuleIds))).toEqual([r.id]);
  });

  it('gives the same alert and incident ids on the same data and clock', async () => {
    const ids = async () => {
      const mock = await startWithRules([fullShape()]);
      await writeBreaches(mock, BREACHES);
      await mock.analytics.runDue(at(5));
      const result = [mock.analytics.alerts().map((a) => a.systemAlertId).sort(), mock.analytics.incidents().map((i) => i.incidentName)];
      await mock.close();
      return result;
    };
    expect(await ids()).toEqual(await ids());
  });
});

describe('thresholds', () => {
  it('fires only when the row count passes the trigger; SingleAlert gathers every row', async () => {
    const r = rule(`
id: 11111111-0000-4000-8000-000000000001
name: Three breaches in five minutes
severity: High
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 2
query: LabBreaches_CL | project TimeGenerated, hostname_s, modelName_s
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: hostname_s
customDetails:
  Models: modelName_s
`);
    const mock = await startWithRules([r]);
    await writeBreaches(mock, BREACHES.slice(0, 2)); // at 1 and 2 minutes: 2 rows by T0+5m
    await writeBreaches(mock, [6, 7, 8].map((m, i) => ({ time: at(m), model: `Model ${i}`, score: 50, ip: '10.0.0.9', host: `h${i % 2}`, threatId: 200 + i })));
    const runs = await mock.analytics.runDue(at(10));
    expect(runs.map((o) => [o.rows, o.alerts])).toEqual([[0, 0], [2, 0], [3, 1]]);
    const [alert] = mock.analytics.alerts();
    expect(alert!.entities.map((e) => e.entity.HostName).sort()).toEqual(['h0', 'h1']);
    expect(alert!.customDetails.Models!.sort()).toEqual(['Model 0', 'Model 1', 'Model 2']);
    expect(alert!.displayName).toBe('Three breaches in five minutes');
    expect(alert!.severity).toBe('High');
    expect(mock.analytics.rules()[0]).toMatchObject({ runs: 3, lastRunRows: 3, alertsRaised: 1, incidentsCreated: 1, lastError: null, nextRun: at(15).toISOString() });
  });

  it('compares with gt, lt, eq and ne', () => {
    const base = rule(`
id: 11111111-0000-4000-8000-000000000002
name: t
severity: Low
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 2
query: print 1
`);
    const verdicts = (op: 'gt' | 'lt' | 'eq' | 'ne') => [1, 2, 3].map((n) => triggers({ ...base, triggerOperator: op }, n));
    expect(verdicts('gt')).toEqual([false, false, true]);
    expect(verdicts('lt')).toEqual([true, false, false]);
    expect(verdicts('eq')).toEqual([false, true, false]);
    expect(verdicts('ne')).toEqual([true, false, true]);
  });
});

describe('suppression', () => {
  it('skips the runs within suppressionDuration of an alert, then runs again', async () => {
    const r = rule(`
id: 11111111-0000-4000-8000-000000000003
name: Suppressed breach rule
severity: Medium
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 0
suppressionEnabled: true
suppressionDuration: 6m
query: LabBreaches_CL
`);
    const mock = await startWithRules([r]);
    await writeBreaches(mock, [1, 6, 11].map((m) => ({ time: at(m), model: 'M', score: 50, ip: '10.0.0.1', host: 'h', threatId: m })));
    const runs = await mock.analytics.runDue(at(15));
    expect(runs.map((o) => [o.at, o.suppressed, o.rows, o.alerts])).toEqual([
      [T0.toISOString(), false, 0, 0],
      [at(5).toISOString(), false, 1, 1],
      [at(10).toISOString(), true, 0, 0],
      [at(15).toISOString(), false, 1, 1],
    ]);
  });
});

describe('incident configuration', () => {
  const grouped = (extra: string) => `
id: 11111111-0000-4000-8000-000000000004
name: Grouped
severity: Medium
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 0
query: LabBreaches_CL | project TimeGenerated, hostname_s
eventGroupingSettings:
  aggregationKind: AlertPerResult
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: hostname_s
${extra}`;
  const rows = [1, 2, 6].map((m, i) => ({ time: at(m), model: 'M', score: 50, ip: '10.0.0.1', host: i === 1 ? 'b' : 'a', threatId: m }));

  it('AllEntities groups alerts with the same entities; a closed incident is reopened only when allowed', async () => {
    const clock = { time: T0 };
    const mock = await startWithRules([
      rule(grouped(`incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    reopenClosedIncident: true
    lookbackDuration: 1h
    matchingMethod: AllEntities`)),
    ], clock);
    await writeBreaches(mock, rows);
    await mock.analytics.runDue(at(5)); // host a → #1, host b → #2
    clock.time = at(7);
    await mock.analytics.closeIncident('97ce69d9-b4be-4241-8dbd-d265edcf06c4', 1);
    await mock.analytics.runDue(at(10)); // host a again: #1 reopened
    expect(mock.analytics.incidents().map((i) => [i.incidentNumber, i.status, i.alertIds.length])).toEqual([
      [1, 'Active', 2],
      [2, 'New', 1],
    ]);
    const versions = await kql(mock, 'SecurityIncident | where IncidentNumber == 1 | order by TimeGenerated asc | project Status');
    expect(versions.map((v) => v.Status)).toEqual(['New', 'Closed', 'Active']);
  });

  it('AnyAlert puts every alert in one incident; no grouping gives one incident per alert; createIncident false gives none', async () => {
    const any = rule(grouped(`incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    lookbackDuration: 1h
    matchingMethod: AnyAlert`));
    const none = { ...rule(grouped('')), id: '11111111-0000-4000-8000-000000000005' };
    const off = { ...rule(grouped('incidentConfiguration:\n  createIncident: false')), id: '11111111-0000-4000-8000-000000000006' };
    const mock = await startWithRules([any, none, off]);
    await writeBreaches(mock, rows);
    await mock.analytics.runDue(at(10));
    const count = (id: string) => mock.analytics.incidents().filter((i) => i.ruleIds.includes(id)).map((i) => i.alertIds.length);
    expect(count(any.id)).toEqual([3]);
    expect(count(none.id)).toEqual([1, 1, 1]);
    expect(count(off.id)).toEqual([]);
    expect(mock.analytics.alerts().filter((a) => a.ruleId === off.id)).toHaveLength(3);
  });
});
