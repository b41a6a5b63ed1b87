// Fixed rows in the shape of the Logs Ingestion Darktrace tables (sentinel-table.md §8), with the
// store's hidden ingestion time, for the KQL constructs Sentinel content over them uses.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';
import { QueryError } from '../../mock-sentinel/query/errors.ts';
import { runKql } from '../../mock-sentinel/query/index.ts';
import { WORKSPACE } from './fixture.ts';

export { WORKSPACE };
/** The instant these tests treat as now(). */
export const CONTENT_NOW = new Date('2024-03-01T12:00:00.000Z');

const ddl = [
  `CREATE TABLE "DarktraceModelAlerts_CL" ("__IngestionTime" TIMESTAMPTZ, "TimeGenerated" TIMESTAMPTZ, "TenantId" UUID,
    "modelName" VARCHAR, "score" INTEGER, "category" VARCHAR, "compliance" BOOLEAN, "mitreTechniques" JSON, "sourceIp" VARCHAR, "deviceLabel" VARCHAR)`,
  `CREATE TABLE "DarktraceIncidents_CL" ("__IngestionTime" TIMESTAMPTZ, "TimeGenerated" TIMESTAMPTZ, "TenantId" UUID,
    "currentGroup" VARCHAR, "groupPreviousGroups" JSON, "incidentEventTitle" VARCHAR, "deviceHostname" VARCHAR, "aiaScore" INTEGER)`,
  `CREATE TABLE "DarktraceEMAIL_CL" ("__IngestionTime" TIMESTAMPTZ, "TimeGenerated" TIMESTAMPTZ, "TenantId" UUID,
    "actions" JSON, "recipients" JSON, "direction" VARCHAR, "from" VARCHAR)`,
];

const W = `'${WORKSPACE}'`;
const rows = [
  `INSERT INTO "DarktraceModelAlerts_CL" VALUES
    ('2024-03-01 11:00:05+00', '2024-03-01 11:00:00+00', ${W}, 'SaaS::Admin::User Added To Admin Group', 71, 'Suspicious', false, '[{"techniqueId":"T1098","technique":"Account Manipulation"},{"techniqueId":"T1078"}]', '', 'SaaS::Office365: ana@example.com'),
    ('2024-03-01 11:10:05+00', '2024-03-01 11:10:00+00', ${W}, 'Compliance::SSH to Rare External Destination', 22, 'Informational', true, '[]', '10.0.1.5', 'ws-ana'),
    ('2024-03-01 11:20:05+00', '2024-03-01 11:20:00+00', ${W}, 'Antigena::Network::External Threat::Antigena Suspicious Activity Block', 93, 'Critical', false, NULL, '10.0.1.7', 'srv-files-01'),
    ('2024-03-01 11:30:30+00', '2024-03-01 11:30:00+00', ${W}, 'IaaS::Compute::Azure Compute Resource Update', 45, 'Suspicious', false, '[{"techniqueId":"T1578"}]', '', 'azure-vm-01')`,
  `INSERT INTO "DarktraceIncidents_CL" VALUES
    ('2024-03-01 11:05:00+00', '2024-03-01 11:05:00+00', ${W}, 'g111', '[]', 'Possible SSL Command and Control', 'ws-ana', 64),
    ('2024-03-01 11:25:00+00', '2024-03-01 11:25:00+00', ${W}, 'g222', '["g111"]', 'Unusual External Data Transfer', 'ws-ana', 88),
    ('2024-03-01 11:40:00+00', '2024-03-01 11:40:00+00', ${W}, 'g333', '[]', 'Possible Hijack of Office365 Account', 'SaaS::Office365: ana@example.com', 94)`,
  `INSERT INTO "DarktraceEMAIL_CL" VALUES
    ('2024-03-01 11:02:00+00', '2024-03-01 11:02:00+00', ${W}, '["Hold","Double Lock All Links"]', '["ana@example.com","bo@example.com"]', 'inbound', 'billing@rare.example'),
    ('2024-03-01 11:12:00+00', '2024-03-01 11:12:00+00', ${W}, '["Move to Junk"]', '["bo@example.com"]', 'inbound', 'billing@rare.example'),
    ('2024-03-01 11:22:00+00', '2024-03-01 11:22:00+00', ${W}, '[]', '["cy@partner.example"]', 'outbound', 'ana@example.com')`,
];

export async function createContentDb(): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const sql of [...ddl, ...rows]) await connection.run(sql);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `query` over the content rows: the Query API's table (columns `name:type`, rows) or the refusal. */
export async function runContent(db: { connection: DuckDBConnection }, query: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const result = await runKql(db.connection, { query, workspaceId: WORKSPACE }, { now: CONTENT_NOW });
  const table = result.tables[0]!;
  return { columns: table.columns.map((c) => `${c.name}:${c.type}`), rows: table.rows };
}

/** The refusal `query` gets: inner code, and the line/column it points at. */
export async function refusal(db: { connection: DuckDBConnection }, query: string): Promise<{ innerCode?: string; message: string }> {
  try {
    await runContent(db, query);
  } catch (err) {
    if (err instanceof QueryError) {
      const inner = err.body().error.innererror;
      return { innerCode: inner?.code, message: inner?.message ?? err.message };
    }
    throw err;
  }
  throw new Error(`the query was not refused: ${query}`);
}

/** One content DB for a test file: created before its tests, closed after them. */
export function useContentDb(): { readonly connection: DuckDBConnection } {
  let db: Awaited<ReturnType<typeof createContentDb>> | undefined;
  beforeAll(async () => {
    db = await createContentDb();
  });
  afterAll(() => db?.close());
  return {
    get connection() {
      if (!db) throw new Error('the content DB is not open (use it inside a test)');
      return db.connection;
    },
  };
}
