// The real simulator + the real mock + the connector: every generated breach, AI Analyst event and
// email (polled, DTAPI-signed) and every pushed system alert lands in darktrace_model_alerts_CL once.
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector } from '../../connector/index.ts';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { createSimulator } from '../../simulator/index.ts';
import { EXPECTED_COLUMNS } from '../connector/helpers/fixtures.ts';
import { PUSH_TOKEN, silentLogger, tempState, testConfig } from '../connector/helpers/connector-env.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Row = Record<string, unknown>;

/** The ground-truth id an landed row stands for. */
function idOf(row: Row): string {
  switch (row.dtProduct_s) {
    case 'Policy Breach': return `modelBreach:${row.threatID_d}`;
    case 'AI Analyst': return `aiAnalyst:${String(row.url_s).split('/').pop()}`;
    case 'Antigena Email': return `email:${row.uuid_s}`;
    default: return `systemAlert:${row.uuid_g}:${String(row.status_s).toLowerCase()}`;
  }
}

describe('simulator → connector → mock', () => {
  it('every generated alert lands exactly once', async () => {
    const mock = createMockSentinel();
    const { url: mockUrl } = await mock.listen();
    cleanups.push(() => mock.close());

    // The connector listens first: the simulator pushes system alerts to its receiver.
    const state = tempState();
    let simUrl = 'http://127.0.0.1:9';
    const connectorFor = () =>
      createConnector(testConfig({ darktraceUrl: simUrl, sentinelUrl: mockUrl, state, extra: { poll: { initialLookback: '3h' }, darktrace: { linkBase: 'https://darktrace-lab' } } }), { logger: silentLogger() });
    const receiverOnly = connectorFor();
    const { url: connectorUrl } = await receiverOnly.listen();
    cleanups.push(() => receiverOnly.close());

    const sim = createSimulator({ seed: 7, backfill: '2h', speed: 0, rates: 'modelBreach=60/h,aiAnalyst=4/h,email=30/h,systemAlert=2/h', push: [{ url: `${connectorUrl}/push`, token: PUSH_TOKEN, types: ['systemAlert'] }] });
    simUrl = (await sim.listen()).url;
    cleanups.push(() => sim.close());
    sim.emitNow('systemAlert', 3);
    await Promise.all(sim.pushers.map((p) => p.idle()));

    // Now the full connector (pollers + delivery) on the same state: the pushed alerts are already spooled.
    await receiverOnly.close();
    const c = connectorFor();
    cleanups.push(() => c.close());
    const polled = Promise.all(['modelbreaches', 'aianalyst', 'email'].map((s) => new Promise<void>((resolve) => {
      const on = (e: { source: string }) => {
        if (e.source === s) {
          c.events.off('checkpoint', on);
          resolve();
        }
      };
      c.events.on('checkpoint', on);
    })));
    await c.start();
    await polled;
    expect(await c.waitIdle(30_000)).toBe(true);

    const truth = (await (await fetch(`${simUrl}/_lab/generated`)).json()) as { items: Array<{ type: string; id: string; status?: string; time: string }> };
    const pushedSystem = truth.items.filter((i) => i.type === 'systemAlert' && Date.parse(i.time) >= sim.options.clockStart);
    const expected = [
      ...truth.items.filter((i) => i.type !== 'systemAlert').map((i) => `${i.type}:${i.id}`),
      ...pushedSystem.map((i) => `systemAlert:${i.id}:${String(i.status).toLowerCase()}`),
    ].sort();
    expect(pushedSystem.length).toBeGreaterThanOrEqual(3);
    expect(new Set(truth.items.map((i) => i.type))).toEqual(new Set(['modelBreach', 'aiAnalyst', 'email', 'systemAlert']));

    const rows: Row[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = (await (await fetch(`${mockUrl}/_lab/tables/darktrace_model_alerts_CL/rows?limit=1000&offset=${offset}`)).json()) as Row[];
      rows.push(...page);
      if (page.length < 1000) break;
    }
    expect(rows.map(idOf).sort()).toEqual(expected);
    // The table's columns: every §5 column of the four types with its type, and nothing else but the
    // standard columns, the time-generated field and the optional client-sensor id (§4b).
    const tables = (await (await fetch(`${mockUrl}/_lab/tables`)).json()) as Array<{ name: string; columns: Array<{ name: string; type: string }> }>;
    const columns = Object.fromEntries(tables.find((t) => t.name === 'darktrace_model_alerts_CL')!.columns.map((col) => [col.name, col.type]));
    const allowed: Record<string, string> = { TimeGenerated: 'datetime', TenantId: 'guid', Type: 'string', SourceSystem: 'string', _ResourceId: 'string', alertTime_t: 'datetime', cSensorID_s: 'string', cSensorID_g: 'guid' };
    for (const cols of Object.values(EXPECTED_COLUMNS)) Object.assign(allowed, cols);
    for (const [name, type] of Object.entries(columns)) expect({ name, type }).toEqual({ name, type: allowed[name] });
    for (const cols of Object.values(EXPECTED_COLUMNS)) for (const [name, type] of Object.entries(cols)) expect({ name, type: columns[name] }).toEqual({ name, type });
    // Links point at the configured Darktrace host, not the API address.
    expect(rows.find((r) => r.dtProduct_s === 'Policy Breach')!.breachUrl_s).toMatch(/^https:\/\/darktrace-lab\/#modelbreach\/\d+$/);
  });
});
