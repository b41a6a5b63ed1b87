// Regression: an NRT rule run while other readers query the store (the harness's landing tracker,
// the query API) lost rows — one DuckDB connection answering two queries at once returned rows to
// the wrong caller — and its ingestion cut then passed over them for good. Rule runs now read
// through their own connection: every row alerts exactly once.
import { expect, it } from 'vitest';
import { rule, startWithRules, WORKSPACE_ID } from './helpers.ts';

it('an NRT rule alerts once on every row while the shared read connection is busy', async () => {
  const nrt = rule(`
id: 55555555-0000-4000-8000-000000000001
name: Every row
kind: NRT
severity: Low
query: Rows_CL | project x
eventGroupingSettings:
  aggregationKind: AlertPerResult
`);
  const clock = { time: new Date('2026-03-02T10:00:00Z') };
  const mock = await startWithRules([nrt], clock);
  await mock.store.ensureTable('Rows_CL', [
    { name: 'TenantId', type: 'guid' },
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'x', type: 'long' },
  ]);
  let reading = true;
  const reader = (async () => {
    while (reading) await mock.store.runSql('SELECT count(*) FROM "Rows_CL"');
  })();
  const runs: Promise<unknown>[] = [];
  for (let i = 0; i < 120; i++) {
    clock.time = new Date(clock.time.getTime() + 1000);
    await mock.store.insertRows('Rows_CL', [{ TenantId: WORKSPACE_ID, TimeGenerated: clock.time, x: i }]);
    if (i % 4 === 0) runs.push(mock.analytics.runDue(clock.time));
  }
  reading = false;
  await reader;
  await Promise.all(runs);
  await mock.analytics.runDue(new Date(clock.time.getTime() + 3_600_000));
  expect(mock.analytics.alerts()).toHaveLength(120);
  expect(mock.analytics.rules()[0]!.lastError).toBeNull();
});
