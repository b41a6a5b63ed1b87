// A mock workspace with analytic rules on a manual clock, and rows written straight to its store
// (each row's ingestion time is the mock clock's time when it is written).
import { afterEach } from 'vitest';
import { createMockSentinel, parseRuleText, type AnalyticRule, type MockSentinel } from '../../mock-sentinel/index.ts';
import type { ColumnDef } from '../../mock-sentinel/persistence/columnTypes.ts';

export const WORKSPACE_ID = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
export const T0 = new Date('2026-03-02T10:00:00.000Z');

export const minutes = (n: number) => n * 60_000;
export const at = (offsetMinutes: number) => new Date(T0.getTime() + minutes(offsetMinutes));

const started: MockSentinel[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((m) => m.close()));
});

export function rule(yaml: string, file = 'inline.yaml'): AnalyticRule {
  const { rule: parsed, problems } = parseRuleText(yaml, file);
  if (!parsed) throw new Error(problems.map((p) => `${p.key}: ${p.reason}`).join('\n'));
  return parsed;
}

export interface LabClock {
  time: Date;
}

/** A mock on 127.0.0.1:0 whose clock is `clock.time`; rules start at T0 and run only when asked. */
export async function startWithRules(rules: AnalyticRule[], clock: LabClock = { time: T0 }): Promise<MockSentinel> {
  const mock = createMockSentinel({ now: () => clock.time, noQueryAuth: true, analytics: { rules, clock: 'manual', start: T0 } });
  started.push(mock);
  await mock.listen();
  return mock;
}

const BREACH_COLUMNS: ColumnDef[] = [
  { name: 'TenantId', type: 'guid' },
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'modelName_s', type: 'string' },
  { name: 'score_d', type: 'double' },
  { name: 'SourceIP', type: 'string' },
  { name: 'hostname_s', type: 'string' },
  { name: 'user_s', type: 'string' },
  { name: 'threatID_d', type: 'double' },
];

export interface Breach {
  time: Date;
  model: string;
  score: number;
  ip: string;
  host: string;
  user?: string;
  threatId: number;
}

/** Writes breaches to LabBreaches_CL of the default workspace. */
export async function writeBreaches(mock: MockSentinel, breaches: Breach[]): Promise<void> {
  await mock.store.ensureTable('LabBreaches_CL', BREACH_COLUMNS);
  await mock.store.insertRows(
    'LabBreaches_CL',
    breaches.map((b) => ({
      TenantId: WORKSPACE_ID,
      TimeGenerated: b.time,
      modelName_s: b.model,
      score_d: b.score,
      SourceIP: b.ip,
      hostname_s: b.host,
      user_s: b.user ?? '',
      threatID_d: b.threatId,
    })),
  );
}

/** KQL through the mock's query API, rows as objects. */
export async function kql(mock: MockSentinel, query: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${mock.url}/v1/workspaces/${WORKSPACE_ID}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { tables: { columns: { name: string }[]; rows: unknown[][] }[]; error?: unknown };
  if (res.status !== 200) throw new Error(JSON.stringify(body));
  const t = body.tables[0]!;
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]])));
}
