// KQL path vs direct SQL: `summarize count() by dtProduct_s, bin(TimeGenerated, 1h)` over 1 M
// Darktrace rows in the mock's own WorkspaceStore (in memory). The KQL figure is the whole path the
// query route takes (store schema, Microsoft's parser + analyser or the translation cache, DuckDB,
// rendering to Query API JSON); the baselines are hand-written SQL for the same answer, read the
// same way. Runs are interleaved so both sides share the machine's load; prints the medians and
// the ratio best-direct / KQL (target ≥ 0.8).
import { WorkspaceStore } from '../mock-sentinel/persistence/workspaceStore.ts';
import { runKql, warmUp } from '../mock-sentinel/query/index.ts';
import { tablesOfStore } from '../mock-sentinel/query/storeSchema.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';

// The mock's own store, so the KQL path is the one the query route takes.
const store = await WorkspaceStore.open(':memory:');
const connection = store.connection;
await store.ensureTable('darktrace_model_alerts_CL', [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'TenantId', type: 'guid' },
  { name: 'Type', type: 'string' },
  { name: 'SourceSystem', type: 'string' },
  { name: 'dtProduct_s', type: 'string' },
  { name: 'modelName_s', type: 'string' },
  { name: 'score_d', type: 'double' },
  { name: 'externalId_g', type: 'guid' },
  { name: 'groupScore_d', type: 'double' },
]);
// Deterministic data: four products, one row every ~3 s over ~35 days.
await connection.run(`INSERT INTO "darktrace_model_alerts_CL"
  SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(i * 3000017), '${WORKSPACE}', 'darktrace_model_alerts_CL', 'RestAPI',
         ['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email'][(i % 4) + 1], 'Model ' || (i % 97), (i * 7919) % 100,
         NULL, NULL
  FROM range(${ROWS}) t(i)`);

const kql = 'darktrace_model_alerts_CL | summarize count() by dtProduct_s, bin(TimeGenerated, 1h)';
// Two hand-written baselines; the ratio is taken against the faster one.
const baselines: Record<string, string> = {
  'direct SQL, time_bucket': `SELECT "dtProduct_s", time_bucket(INTERVAL 1 HOUR, "TimeGenerated", TIMESTAMPTZ '1970-01-01 00:00:00+00') AS "TimeGenerated", count(*) AS "count_"
    FROM "darktrace_model_alerts_CL" WHERE "TenantId" = '${WORKSPACE}' GROUP BY ALL`,
  'direct SQL, epoch µs': `SELECT "dtProduct_s", make_timestamptz(h) AS "TimeGenerated", "count_" FROM (
    SELECT "dtProduct_s", epoch_us("TimeGenerated") // 3600000000 * 3600000000 AS h, count(*) AS "count_"
    FROM "darktrace_model_alerts_CL" WHERE "TenantId" = '${WORKSPACE}' GROUP BY ALL)`,
};

const direct = (sql: string) => async (): Promise<number> => {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowsJS().length;
};
async function viaKql(): Promise<number> {
  const result = await runKql(connection, { query: kql, workspaceId: WORKSPACE }, { tables: tablesOfStore(store) });
  return result.tables[0]!.rows.length;
}

/** Runs the contenders in turn, RUNS rounds, so they share the machine's load; medians in ms. */
async function interleaved(contenders: Record<string, () => Promise<number>>): Promise<Record<string, { ms: number; rows: number }>> {
  const times: Record<string, number[]> = {};
  const rows: Record<string, number> = {};
  for (const [name, fn] of Object.entries(contenders)) {
    times[name] = [];
    rows[name] = await fn(); // warm-up
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t0 = process.hrtime.bigint();
      rows[name] = await fn();
      times[name]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const out: Record<string, { ms: number; rows: number }> = {};
  for (const name of Object.keys(contenders)) {
    const sorted = times[name]!.sort((a, b) => a - b);
    out[name] = { ms: sorted[Math.floor(sorted.length / 2)]!, rows: rows[name]! };
  }
  return out;
}

warmUp();
const contenders: Record<string, () => Promise<number>> = { 'KQL path': viaKql };
for (const [name, sql] of Object.entries(baselines)) contenders[name] = direct(sql);
const results = await interleaved(contenders);
const k = results['KQL path']!;
const figures = Object.keys(baselines).map((name) => ({ name, ...results[name]! }));
const best = figures.reduce((a, b) => (a.ms <= b.ms ? a : b));
for (const f of figures) if (f.rows !== k.rows) throw new Error(`row counts differ: ${f.name} ${f.rows}, KQL ${k.rows}`);
console.log(`rows in table:                    ${ROWS}`);
console.log(`result rows:                      ${k.rows}`);
console.log(`runs (interleaved):               ${RUNS}`);
for (const f of figures) console.log(`${(f.name + ' median:').padEnd(34)}${f.ms.toFixed(1)} ms`);
console.log(`${'KQL path median:'.padEnd(34)}${k.ms.toFixed(1)} ms`);
console.log(`ratio best direct / KQL:          ${(best.ms / k.ms).toFixed(2)}x (target >= 0.80; baseline: ${best.name})`);
await store.close();
