// Issue 12: the three activity streams from the simulator's API to rows of their Custom-Darktrace*
// streams. The connector's own sources fetch them from a real simulator, its mapper turns them into
// rows, and the shipped DCR's declarations judge the rows: every declared column present, no value the
// service would have to null for its declared type, nothing undeclared.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DarktraceClient } from '../../connector/darktrace/client.ts';
import { resolveConfig } from '../../connector/config/load.ts';
import { rawAlertKey } from '../../connector/intake/identity.ts';
import { mapAlert } from '../../connector/intake/index.ts';
import { isoMillis } from '../../connector/intake/time-formats.ts';
import { DEFAULT_STREAMS } from '../../connector/config/types.ts';
import { toStreamRow } from '../../connector/sinks/logs-ingestion/rows.ts';
import { asmSource, emailReleaseSource, responseActionsSource } from '../../connector/sources/definitions.ts';
import type { SourceDefinition } from '../../connector/sources/poller.ts';
import { convertValue, type DcrColumnType } from '../../mock-sentinel/logs-ingestion/rows/column-types.ts';
import { createSimulator, DEFAULT_TOKENS, type Simulator } from '../../simulator/index.ts';

const DCR = JSON.parse(readFileSync(new URL('../../mock-sentinel/dcr/darktrace.json', import.meta.url), 'utf8')) as {
  properties: { streamDeclarations: Record<string, { columns: Array<{ name: string; type: DcrColumnType }> }> };
};
const DAY = 86_400_000;
const ctx = { linkBase: 'https://darktrace-lab', modelNameSeparator: '::' as const, breachTimeField: 'time' as const };

let sim: Simulator;
let client: DarktraceClient;
beforeAll(async () => {
  // Wall-clock DTAPI dates: the connector signs with the system clock.
  sim = createSimulator({ seed: 12, speed: 0, backfill: '24h' });
  const { url } = await sim.listen();
  client = new DarktraceClient({ url, publicToken: DEFAULT_TOKENS[0]!.public, privateToken: DEFAULT_TOKENS[0]!.private, linkBase: url, timeoutMs: 10_000, emailPathPrefix: '/agemail/api/ep/api/v1.0' });
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

async function rowsOf(def: SourceDefinition) {
  const now = sim.clock.now();
  const items = await def.fetch({ startMs: now - DAY, endMs: now }, new AbortController().signal);
  return items.map((item) => {
    const mapped = mapAlert(item, ctx, def.type);
    expect(mapped.key).toBe(rawAlertKey(def.type, item)); // the poller's dedupe key is the mapper's
    // As AlertIngest.serialise spools it: the record plus the alert time under the time field.
    return toStreamRow({ ...mapped.record, alertTime: isoMillis(mapped.timeMs) }, { customLabel: '', timeField: 'alertTime' });
  });
}

function expectDeclaredTypes(stream: string, rows: Array<{ row: Record<string, unknown> }>) {
  const declared = DCR.properties.streamDeclarations[stream]!.columns;
  expect(rows.length).toBeGreaterThan(0);
  for (const { row } of rows) {
    expect(Object.keys(row).sort()).toEqual(declared.map((c) => c.name).sort());
    for (const c of declared) {
      const v = row[c.name];
      if (v === null) continue; // sent as null on purpose (e.g. an open finding's end)
      const conv = convertValue(v, c.type);
      expect({ column: c.name, ok: conv.ok }).toEqual({ column: c.name, ok: true });
    }
  }
}

describe('activity streams: simulator → connector source → row of the declared DCR types', () => {
  it('RESPOND actions → Custom-DarktraceResponseActions, one row per state change, on the breach device', async () => {
    const rows = await rowsOf(responseActionsSource(client));
    expect(DEFAULT_STREAMS['Response Action']).toBe('Custom-DarktraceResponseActions');
    expectDeclaredTypes('Custom-DarktraceResponseActions', rows);
    const states = new Set(rows.map((r) => r.row.state));
    expect(states.has('created')).toBe(true);
    for (const { row } of rows) {
      expect(typeof row.codeId).toBe('number');
      expect(row.darktraceProduct).toBe('Response Action');
      expect(row.TimeGenerated).toBe(row.alertTime);
      const action = sim.engine.activity.actionByCode.get(row.codeId as number)!;
      expect(row.deviceIp).toBe(action.device.ip);
    }
  });

  it('ASM findings → Custom-DarktraceASM with epoch-second ints and datetimes', async () => {
    const rows = await rowsOf(asmSource(client));
    expectDeclaredTypes('Custom-DarktraceASM', rows);
    for (const { row } of rows) expect(row.alertTime).toBe(new Date((row.alertTimestamp as number) * 1000).toISOString());
  });

  it('email holds and releases → Custom-DarktraceEMAILRelease, summary with the four keys the rule reads', async () => {
    const rows = await rowsOf(emailReleaseSource(client, { emailPathPrefix: '/agemail/api/ep/api/v1.0' } as never));
    expectDeclaredTypes('Custom-DarktraceEMAILRelease', rows);
    for (const { row } of rows) {
      expect(Object.keys(row.summary as object).sort()).toEqual(['anomalyIndicators', 'association', 'history', 'validation']);
      expect(Array.isArray(row.recipients)).toBe(true);
      expect(['Held', 'Released']).toContain(row.category);
    }
    expect(rows.some((r) => r.row.category === 'Released')).toBe(true);
  });

  it('the activity sources need the Logs Ingestion sink: a config error names the key', () => {
    expect(() =>
      resolveConfig({ darktrace: { url: 'http://127.0.0.1:1', publicToken: 'p', privateToken: 'k' }, sentinel: { workspaceId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', sharedKey: 'AAAA' }, state: '/tmp/x', poll: { sources: { asm: true } } }),
    ).toThrow(/poll\.sources\.asm: needs sentinel\.mode logsIngestion/);
  });
});
