// The real simulator → the connector with the Logs Ingestion sink (official SDK, Entra client secret)
// → the real mock over HTTPS: every generated breach, AI Analyst event and email (polled) and every
// pushed system alert lands once in its Darktrace*_CL table, with the columns and types the DCR declares.
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.ts';
import { STREAM_TABLE, alertKey, identify } from '../../harness/engine/identity.ts';
import { PUSH_TOKEN, waitForEvent } from '../connector/helpers/connector-env.ts';
import { allRows, declaredTables, getJson, startHttpsMock, startLiConnector } from '../connector/logs-ingestion-helpers.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('simulator → connector (Logs Ingestion sink) → mock over HTTPS', () => {
  it('every generated alert lands once in its Darktrace*_CL table with the declared column types', async () => {
    const m = await startHttpsMock();
    cleanups.push(() => m.mock.close());

    // The receiver listens first: the simulator pushes system alerts to it.
    const receiver = await startLiConnector(m);
    cleanups.push(() => receiver.close());
    const connectorUrl = receiver.url;
    const sim = createSimulator({ seed: 11, backfill: '2h', speed: 0, rates: 'modelBreach=60/h,aiAnalyst=4/h,email=30/h,systemAlert=2/h', push: [{ url: `${connectorUrl}/push`, token: PUSH_TOKEN, types: ['systemAlert'] }] });
    const simUrl = (await sim.listen()).url;
    cleanups.push(() => sim.close());
    sim.emitNow('systemAlert', 3);
    await Promise.all(sim.pushers.map((p) => p.idle()));
    await receiver.close();

    // The full connector (pollers + delivery) on the same state: the pushed alerts are already spooled.
    const k = await startLiConnector(m, { darktraceUrl: simUrl, state: receiver.state });
    cleanups.push(() => k.close());
    await Promise.all(['modelbreaches', 'aianalyst', 'email'].map((source) => waitForEvent(k.c.events, 'checkpoint', (e: { source: string }) => e.source === source)));
    expect(await k.c.waitIdle(30_000)).toBe(true);

    // Ground truth: what the simulator generated (system alerts: those pushed since its clock start).
    const truth = (await (await fetch(`${simUrl}/_lab/generated`)).json()) as { items: Array<{ type: 'modelBreach' | 'aiAnalyst' | 'email' | 'systemAlert'; id: string; status?: string; time: string }> };
    const generated = truth.items.filter((i) => i.type !== 'systemAlert' || Date.parse(i.time) >= sim.options.clockStart);
    const expected = generated.map((i) => alertKey(i.type, i.id, i.status)).sort();
    expect(new Set(generated.map((i) => i.type))).toEqual(new Set(['modelBreach', 'aiAnalyst', 'email', 'systemAlert']));

    const landed: string[] = [];
    for (const table of Object.values(STREAM_TABLE)) {
      for (const row of await allRows(m, table)) {
        const id = identify(table, row);
        expect({ table, identified: id !== undefined }).toEqual({ table, identified: true });
        landed.push(alertKey(id!.type, id!.id, id!.status));
      }
    }
    // None lost, none twice, nothing dead-lettered.
    expect(landed.sort()).toEqual(expected);
    expect(Number((await (await fetch(`${k.url}/metrics`)).text()).match(/^dtconnector_records_dead_lettered_total\{stage="delivery"\} (\d+)/m)?.[1] ?? 0)).toBe(0);

    // Each table has exactly the columns its stream declares, with the declared types (real → double).
    const declared = await declaredTables(m);
    const tables = (await getJson(m, '/_lab/tables')) as Array<{ name: string; columns: Array<{ name: string; type: string }> }>;
    for (const name of Object.values(STREAM_TABLE)) {
      const table = tables.find((t) => t.name === name);
      expect({ name, exists: table !== undefined }).toEqual({ name, exists: true });
      const columns = Object.fromEntries(table!.columns.filter((c) => c.name !== 'TenantId' && c.name !== 'Type').map((c) => [c.name, c.type]));
      expect({ name, columns }).toEqual({ name, columns: declared[name] });
    }
    // Every value fitted its declared type: the mock reports the others as DCRLogErrors.
    const audit = (await getJson(m, '/_lab/requests')) as Array<{ route: string; status: number; flags?: string[] }>;
    expect(audit.flatMap((e) => e.flags ?? []).filter((f) => f.startsWith('DCRLogErrors'))).toEqual([]);
    expect(audit.filter((e) => e.route === 'logsIngestion' && e.status !== 204)).toEqual([]);
  });
});
