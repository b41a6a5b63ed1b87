// Each alert type pushed through the connector into the real mock workspace lands with exactly the
// columns of sentinel-table.md §5 (names and types), plus the standard columns and the connector's
// time-generated field `alertTime_t` (kept as a column by the mock's documented default policy).
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector } from '../../connector/index.ts';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { EXPECTED_COLUMNS, aiAnalystEvent, email, modelBreach, systemStatusAlert } from '../connector/helpers/fixtures.ts';
import { PUSH_TOKEN, silentLogger, tempState, testConfig, waitForDelivered } from '../connector/helpers/connector-env.ts';

const STANDARD = new Set(['TimeGenerated', 'TenantId', 'Type', 'SourceSystem', '_ResourceId']);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const t = Date.now() - 3_600_000; // within the mock's TimeGenerated window
const alerts: Record<string, Record<string, unknown>> = {
  'Policy Breach': modelBreach({ time: t, creationTime: t + 1000 }),
  'AI Analyst': aiAnalystEvent({ createdAt: t, periods: [{ start: t - 60_000, end: t }] }),
  'System Alert': systemStatusAlert({ last_updated: t / 1000 }),
  'Antigena Email': email({ dtime_unix: t, dtime: new Date(t).toISOString() }),
};

describe('every alert type lands in darktrace_model_alerts_CL with the columns of sentinel-table.md', () => {
  for (const [type, alert] of Object.entries(alerts)) {
    it(type, async () => {
      const mock = createMockSentinel();
      const { url: mockUrl } = await mock.listen();
      cleanups.push(() => mock.close());
      const c = createConnector(testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: mockUrl, state: tempState(), extra: { poll: { enabled: false } } }), { logger: silentLogger() });
      cleanups.push(() => c.close());
      await c.start();
      const { url } = await c.listen();
      const delivered = waitForDelivered(c.events, 1);
      const res = await fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify([alert]) });
      expect(res.status).toBe(200);
      await delivered;

      const tables = (await (await fetch(`${mockUrl}/_lab/tables`)).json()) as Array<{ name: string; rowCount: number; columns: Array<{ name: string; type: string }> }>;
      const table = tables.find((x) => x.name === 'darktrace_model_alerts_CL')!;
      expect(table.rowCount).toBe(1);
      const landed = Object.fromEntries(table.columns.filter((col) => !STANDARD.has(col.name)).map((col) => [col.name, col.type]));
      expect(landed).toEqual({ ...EXPECTED_COLUMNS[type], alertTime_t: 'datetime' });
      expect(table.columns.find((col) => col.name === 'TimeGenerated')?.type).toBe('datetime');

      const rows = (await (await fetch(`${mockUrl}/_lab/tables/darktrace_model_alerts_CL/rows`)).json()) as Array<Record<string, unknown>>;
      expect(rows[0]!.dtProduct_s).toBe(type);
      // TimeGenerated comes from the alert time (time-generated-field), to the millisecond.
      expect(rows[0]!.TimeGenerated).toBe(rows[0]!.alertTime_t);
    });
  }
});
