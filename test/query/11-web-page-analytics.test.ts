// Issue 11: the web page's Sentinel analytics views in a real headless Chromium (Debian's), over a
// mock whose rule fired: Rules (run state, a rule's last error, the Run button calling
// POST /_lab/rules/{id}/run), Alerts (time, name, severity, entities, a link to the incident) and
// Incidents (number, title, severity, status, alert count, first/last activity).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, launchChromium, openWebPage } from '../browser.ts';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { at, rule, T0, writeBreaches } from '../analytics/helpers.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

const FIRES = rule(`
id: 55555555-0000-4000-8000-000000000001
name: Breach on a host
severity: Medium
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 0
query: LabBreaches_CL | project TimeGenerated, hostname_s, SourceIP, sev = iff(score_d > 70, 'High', 'Medium')
eventGroupingSettings:
  aggregationKind: AlertPerResult
alertDetailsOverride:
  alertDisplayNameFormat: 'Breach on {{hostname_s}}'
  alertSeverityColumnName: sev
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: hostname_s
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: SourceIP
`);

// Its regex does not compile, which only DuckDB finds, at run time: the run fails, the rule shows why.
const FAILS = rule(`
id: 55555555-0000-4000-8000-000000000002
name: Broken regex
severity: Low
queryFrequency: 5m
queryPeriod: 5m
triggerOperator: gt
triggerThreshold: 0
query: LabBreaches_CL | where hostname_s matches regex '('
`);

let mock: MockSentinel;
let url: string;
let browser: Browser;
let page: Page;
const clock = { time: T0 };

const cellsOf = (selector: string) =>
  page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));

describeInBrowser('web page: Sentinel analytics views', () => {
  beforeAll(async () => {
    mock = createMockSentinel({ now: () => clock.time, noQueryAuth: true, analytics: { rules: [FIRES, FAILS], clock: 'manual', start: T0 } });
    ({ url } = await mock.listen());
    await writeBreaches(mock, [
      { time: at(1), model: 'Device / Suspicious Domain', score: 50, ip: '10.0.0.1', host: 'web01', threatId: 1 },
      { time: at(2), model: 'Anomalous Connection / Data Sent to Rare Domain', score: 90, ip: '10.0.0.2', host: 'db02', threatId: 2 },
    ]);
    clock.time = at(5);
    await mock.lab.analytics.runDue(at(5));
    browser = await launchChromium();
    page = await openWebPage(browser, url, { width: 1400, height: 1000 });
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  it('Rules: each rule with its kind, state, last and next run, rows, alerts raised and last error', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#rules tbody tr[data-rule]').length === 2);
    const rows = await cellsOf('#rules');
    expect(rows).toEqual([
      [FIRES.id, 'Breach on a host', 'Scheduled', 'yes', at(5).toISOString(), at(10).toISOString(), '2', '2', '', 'Run'],
      [FAILS.id, 'Broken regex', 'Scheduled', 'yes', at(5).toISOString(), at(10).toISOString(), '0', '0', 'The query failed while running: Invalid Input Error: missing ): (', 'Run'],
    ]);
    expect(await page.textContent('#tab-alerts')).toBe('Alerts (2)');
    expect(await page.textContent('#tab-incidents')).toBe('Incidents (2)');
  });

  it('the Run button runs the rule now (POST /_lab/rules/{id}/run) and the view shows the new run', async () => {
    clock.time = at(6);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url() === `${url}/_lab/rules/${FIRES.id}/run`);
    await page.click(`#rules button[data-run="${FIRES.id}"]`);
    await posted;
    await page.waitForFunction(() => /^ran /.test(document.querySelector('#analytics-status')?.textContent ?? ''));
    expect(await page.textContent('#analytics-status')).toBe('ran Breach on a host: 2 rows, 2 alerts');
    const row = await page.$$eval(`#rules tr[data-rule="${FIRES.id}"] td`, (tds) => tds.map((td) => td.textContent));
    expect(row.slice(4, 8)).toEqual([at(6).toISOString(), at(10).toISOString(), '2', '4']);
    expect(await page.textContent('#tab-alerts')).toBe('Alerts (4)');
  });

  it('Alerts: latest first, with time, name, severity from the column, entities and a link to the incident', async () => {
    await page.click('#tab-alerts');
    await page.waitForFunction(() => document.querySelectorAll('#alerts tbody tr').length === 4);
    const rows = await cellsOf('#alerts');
    const alerts = mock.lab.analytics.alerts();
    const expected = alerts
      .map((a) => [a.timeGenerated.toISOString(), a.displayName, a.severity, a.entities.map((e) => `${e.entity.Type}: ${Object.entries(e.entity).filter(([k]) => k !== 'Type').map(([, v]) => v).join(' ')}`).join('; '), `#${a.incidentNumber}`])
      .reverse();
    expect(rows).toEqual(expected);
    // What the rule made of the rows, as a user reads it.
    expect(rows.map((r) => r.slice(1, 4))).toEqual(
      expect.arrayContaining([
        ['Breach on db02', 'High', 'host: db02; ip: 10.0.0.2'],
        ['Breach on web01', 'Medium', 'host: web01; ip: 10.0.0.1'],
      ]),
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('web-page-alerts.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('Incidents: number, title, severity, status, alert count, first and last activity; an alert’s link selects its incident', async () => {
    const first = mock.lab.analytics.alerts()[0]!;
    await page.click(`#alerts a[data-incident$="/${first.incidentNumber}"]`);
    await page.waitForSelector('#view-incidents:not(.hidden)');
    await page.waitForFunction(() => document.querySelectorAll('#incidents tbody tr').length === 4);
    const incidents = mock.lab.analytics.incidents();
    expect(await cellsOf('#incidents')).toEqual(
      incidents
        .map((i) => [String(i.incidentNumber), i.title, i.severity, i.status, String(i.alertIds.length), i.firstActivityTime.toISOString(), i.lastActivityTime.toISOString()])
        .reverse(),
    );
    const selected = await page.$$eval('#incidents tr.selected td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(selected).toEqual([String(first.incidentNumber)]);
    await page.screenshot({ path: new URL('web-page-incidents.png', ARTIFACTS).pathname, fullPage: true });
  });
});
