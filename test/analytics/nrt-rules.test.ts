// NRT rules: each run sees the rows ingested since the previous run (the store's hidden ingestion
// time), whatever their TimeGenerated, and never alerts twice on the same rows.
import { describe, expect, it } from 'vitest';
import { at, kql, rule, startWithRules, writeBreaches, T0 } from './helpers.ts';

const NRT = `
id: 22222222-0000-4000-8000-000000000001
name: NRT breach
kind: NRT
severity: High
query: LabBreaches_CL | project TimeGenerated, hostname_s, threatID_d
eventGroupingSettings:
  aggregationKind: AlertPerResult
alertDetailsOverride:
  alertDisplayNameFormat: 'Breach {{threatID_d}}'
`;

const breach = (threatId: number) => ({ time: new Date(T0.getTime() - 3 * 3_600_000), model: 'M', score: 50, ip: '10.0.0.1', host: 'h', threatId });

describe('an NRT rule', () => {
  it('runs every minute over the rows ingested since its last run', async () => {
    const clock = { time: at(0.5) };
    const mock = await startWithRules([rule(NRT)], clock);
    await writeBreaches(mock, [breach(1)]); // ingested at T0+30s; TimeGenerated three hours earlier

    let runs = await mock.analytics.runDue(clock.time); // the run at T0
    expect(runs.map((o) => [o.at, o.rows, o.alerts])).toEqual([[T0.toISOString(), 1, 1]]);

    clock.time = at(1.5);
    runs = await mock.analytics.runDue(clock.time); // T0+1m: nothing new
    expect(runs.map((o) => [o.at, o.rows, o.alerts])).toEqual([[at(1).toISOString(), 0, 0]]);

    await writeBreaches(mock, [breach(2), breach(3)]); // ingested at T0+1m30s
    clock.time = at(2.5);
    runs = await mock.analytics.runDue(clock.time);
    expect(runs.map((o) => [o.at, o.rows, o.alerts])).toEqual([[at(2).toISOString(), 2, 2]]);

    const names = await kql(mock, 'SecurityAlert | order by DisplayName asc | project DisplayName, ProductComponentName');
    expect(names).toEqual([
      { DisplayName: 'Breach 1', ProductComponentName: 'NRT Alerts' },
      { DisplayName: 'Breach 2', ProductComponentName: 'NRT Alerts' },
      { DisplayName: 'Breach 3', ProductComponentName: 'NRT Alerts' },
    ]);
  });

  it('keeps the rows of a failed run for the next one', async () => {
    const clock = { time: at(0.5) };
    const mock = await startWithRules([rule(NRT)], clock);
    // The table does not exist yet: the run fails with the query's error, recorded on the rule.
    let runs = await mock.analytics.runDue(clock.time);
    expect(runs[0]!.error).toMatch(/LabBreaches_CL/);
    expect(mock.analytics.rules()[0]!.lastError).toMatch(/LabBreaches_CL/);
    await writeBreaches(mock, [breach(7)]);
    clock.time = at(1.5);
    runs = await mock.analytics.runDue(clock.time);
    expect(runs.map((o) => [o.rows, o.alerts, o.error])).toEqual([[1, 1, undefined]]);
    expect(mock.analytics.rules()[0]!.lastError).toBeNull();
  });
});
