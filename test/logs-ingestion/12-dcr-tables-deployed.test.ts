// Issue 12: the tables a loaded DCR declares exist from the moment the mock starts, with their
// declared columns, as in a workspace where the solution deploys them: a query on one with no rows
// returns 0 rows instead of a SemanticError, and emptying the workspace keeps them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { WORKSPACE_ID } from './helpers.ts';

const DARKTRACE_TABLES = [
  'DarktraceASM_CL',
  'DarktraceEMAILRelease_CL',
  'DarktraceEMAIL_CL',
  'DarktraceIncidents_CL',
  'DarktraceModelAlerts_CL',
  'DarktraceResponseActions_CL',
  'DarktraceSystemStatusAlerts_CL',
];

let mock: MockSentinel;
let url: string;
beforeAll(async () => {
  mock = createMockSentinel({ noQueryAuth: true });
  ({ url } = await mock.listen());
});
afterAll(() => mock.close());

async function query(kql: string) {
  const res = await fetch(`${url}/v1/workspaces/${WORKSPACE_ID}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: kql }),
  });
  return { status: res.status, body: (await res.json()) as { tables: { columns: { name: string; type: string }[]; rows: unknown[][] }[] } };
}

describe('DCR tables exist before any data', () => {
  it('every Darktrace*_CL table of the shipped DCR is listed with 0 rows and its declared columns', async () => {
    const tables = (await (await fetch(`${url}/_lab/tables`)).json()) as { name: string; rowCount: number; columns: { name: string; type: string }[] }[];
    const darktrace = tables.filter((t) => t.name.startsWith('Darktrace'));
    expect(darktrace.map((t) => t.name).sort()).toEqual(DARKTRACE_TABLES);
    for (const t of darktrace) expect(t.rowCount).toBe(0);
    const actions = darktrace.find((t) => t.name === 'DarktraceResponseActions_CL')!;
    expect(actions.columns.slice(0, 3)).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'TenantId', type: 'guid' },
      { name: 'Type', type: 'string' },
    ]);
    expect(actions.columns).toContainEqual({ name: 'codeId', type: 'int' });
    expect(actions.columns).toContainEqual({ name: 'endTime', type: 'datetime' });
    expect(actions.columns).toHaveLength(3 + 25); // the 26 declared columns, TimeGenerated among them
  });

  it('a query on an empty declared table answers 0 rows with the declared column types, not a SemanticError', async () => {
    const count = await query('DarktraceASM_CL | count');
    expect(count.status).toBe(200);
    expect(count.body.tables[0]!.rows).toEqual([[0]]);
    const projected = await query('DarktraceEMAILRelease_CL | project emailUuid, recipients, alertTime');
    expect(projected.status).toBe(200);
    expect(projected.body.tables[0]!.columns).toEqual([
      { name: 'emailUuid', type: 'string' },
      { name: 'recipients', type: 'dynamic' },
      { name: 'alertTime', type: 'datetime' },
    ]);
    expect(projected.body.tables[0]!.rows).toEqual([]);
  });

  it('DELETE /_lab/tables empties the workspace but keeps the declared tables', async () => {
    expect((await fetch(`${url}/_lab/tables`, { method: 'DELETE' })).status).toBe(204);
    expect((await query('DarktraceResponseActions_CL | count')).body.tables[0]!.rows).toEqual([[0]]);
  });
});
