// Fixed Darktrace rows in a fresh in-memory DuckDB laid out as the store contract says
// (docs/decisions/0001): one table per Log Analytics table, Log Analytics types mapped one to one.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
export const OTHER_WORKSPACE = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
/** The instant the corpus treats as now(). */
export const NOW = new Date('2024-01-15T12:00:00.000Z');

export const INCIDENT_A = '557eb412-4ccc-4b83-ad49-7ec5675062dd';
export const INCIDENT_B = '8f3a3c1e-2b7d-4e55-9d0a-1c2b3d4e5f60';

const ddl = `CREATE TABLE "darktrace_model_alerts_CL" (
  "TimeGenerated" TIMESTAMPTZ, "TenantId" UUID, "Type" VARCHAR, "SourceSystem" VARCHAR, "_ResourceId" VARCHAR,
  "dtProduct_s" VARCHAR, "modelName_s" VARCHAR, "score_d" DOUBLE, "pid_d" DOUBLE, "SourceIP" VARCHAR,
  "hostname_s" VARCHAR, "externalId_g" UUID, "groupScore_d" DOUBLE, "tags_s" VARCHAR, "actions_s" VARCHAR,
  "title_s" VARCHAR, "Severity" INTEGER, "bytes_l" BIGINT, "antigena_b" BOOLEAN, "details_dyn" JSON)`;

type Row = [string, string, string, string | null, number | null, number | null, string | null, string | null, string | null, number | null, string | null, string | null, string | null, number | null, number | null, boolean | null, string | null];

// TimeGenerated, TenantId, dtProduct_s, modelName_s, score_d, pid_d, SourceIP, hostname_s,
// externalId_g, groupScore_d, tags_s, actions_s, title_s, Severity, bytes_l, antigena_b, details_dyn
export const ROWS: Row[] = [
  ['2024-01-15 09:05:00', WORKSPACE, 'Policy Breach', 'Device / Suspicious Domain', 45, 1001, '10.0.0.5', 'ws-alpha.corp.local', null, null, null, null, null, 2, 1200, false, '{"device":{"ip":"10.0.0.5","tags":["server","dmz"]}}'],
  ['2024-01-15 09:20:00', WORKSPACE, 'Policy Breach', 'Anomalous Connection / SMB Enumeration', 80, 1002, '10.0.0.6', 'WS-BRAVO', null, null, null, null, null, 4, 5400, true, '{"device":{"ip":"10.0.0.6","tags":[]}}'],
  ['2024-01-15 09:40:00', WORKSPACE, 'AI Analyst', null, null, null, '10.0.0.5', 'ws-alpha.corp.local', INCIDENT_A, 40, null, null, 'Possible SSL Command and Control', 3, null, null, null],
  ['2024-01-15 10:10:00', WORKSPACE, 'AI Analyst', null, null, null, '10.0.0.5', 'ws-alpha.corp.local', INCIDENT_A, 72, null, null, 'Possible SSL Command and Control', 3, null, null, null],
  ['2024-01-15 10:30:00', WORKSPACE, 'AI Analyst', null, null, null, '10.0.0.9', 'db-01', INCIDENT_B, 55, null, null, 'Unusual Repeated Connections', 2, null, null, null],
  ['2024-01-15 10:45:00', WORKSPACE, 'Antigena Email', null, 90, null, null, null, null, null, '["Spam"]', '["Hold","Double Lock All Links"]', 'Invoice overdue', 3, null, true, null],
  ['2024-01-15 11:15:00', WORKSPACE, 'Antigena Email', null, 30, null, null, null, null, null, '[]', '["Double Lock All Links"]', 'Weekly newsletter', 1, null, false, null],
  ['2024-01-15 11:50:00', WORKSPACE, 'System Alert', null, null, null, null, 'dt-23421-01', null, null, null, null, 'Probe connectivity lost', 1, null, null, null],
  ['2024-01-15 11:55:00', OTHER_WORKSPACE, 'Policy Breach', 'Device / Suspicious Domain', 99, 2001, '192.168.1.1', 'other-tenant', null, null, null, null, null, 5, 10, false, null],
];

export async function createFixtureDb(): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(ddl);
  const lit = (v: unknown) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));
  const values = ROWS.map(
    (r) =>
      `(TIMESTAMPTZ '${r[0]}+00', '${r[1]}', 'darktrace_model_alerts_CL', 'RestAPI', NULL, ${r.slice(2).map(lit).join(', ')})`,
  ).join(',\n');
  await connection.run(`INSERT INTO "darktrace_model_alerts_CL" VALUES ${values}`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The same rows in a mock's own WorkspaceStore (its typed insert path). */
export async function loadFixtureIntoStore(store: {
  ensureTable(name: string, columns: { name: string; type: 'string' | 'double' | 'boolean' | 'datetime' | 'guid' | 'int' | 'long' | 'dynamic' }[]): Promise<unknown>;
  insertRows(name: string, rows: Record<string, unknown>[]): Promise<number>;
}): Promise<void> {
  const table = 'darktrace_model_alerts_CL';
  await store.ensureTable(table, [
    { name: 'TimeGenerated', type: 'datetime' },
    { name: 'TenantId', type: 'guid' },
    { name: 'Type', type: 'string' },
    { name: 'SourceSystem', type: 'string' },
    { name: '_ResourceId', type: 'string' },
    { name: 'dtProduct_s', type: 'string' },
    { name: 'modelName_s', type: 'string' },
    { name: 'score_d', type: 'double' },
    { name: 'pid_d', type: 'double' },
    { name: 'SourceIP', type: 'string' },
    { name: 'hostname_s', type: 'string' },
    { name: 'externalId_g', type: 'guid' },
    { name: 'groupScore_d', type: 'double' },
    { name: 'tags_s', type: 'string' },
    { name: 'actions_s', type: 'string' },
    { name: 'title_s', type: 'string' },
    { name: 'Severity', type: 'int' },
    { name: 'bytes_l', type: 'long' },
    { name: 'antigena_b', type: 'boolean' },
    { name: 'details_dyn', type: 'dynamic' },
  ]);
  const names = ['dtProduct_s', 'modelName_s', 'score_d', 'pid_d', 'SourceIP', 'hostname_s', 'externalId_g', 'groupScore_d', 'tags_s', 'actions_s', 'title_s', 'Severity', 'bytes_l', 'antigena_b', 'details_dyn'];
  const rows = ROWS.map((r) => {
    const row: Record<string, unknown> = {
      TimeGenerated: `${r[0].replace(' ', 'T')}Z`,
      TenantId: r[1],
      Type: table,
      SourceSystem: 'RestAPI',
    };
    names.forEach((n, i) => {
      const v = r[i + 2];
      if (v !== null) row[n] = n === 'details_dyn' ? JSON.parse(v as string) : v;
    });
    return row;
  });
  await store.insertRows(table, rows);
}
