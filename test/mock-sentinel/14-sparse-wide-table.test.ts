// Issue 14, item 4: a sparse post to a wide table must not cost a cell per absent value. DuckDB gives
// every column of an open row group a full block whatever its cells hold (docs/decisions/0012), so
// the measure here is the physical shape, not RSS: the cells of every table DuckDB stores (rows ×
// columns, from duckdb_tables()). Before the fix, 3,000 records `{}` in a 500-column table stored
// 3,000 × 501 cells.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { storeRecords } from './helpers.ts';
import { WorkspaceStore } from '../../mock-sentinel/persistence/workspaceStore.ts';
import { tablesOfStore } from '../../mock-sentinel/query/storeSchema.ts';

const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const WIDTH = 500;
const stores: WorkspaceStore[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(path?: string): Promise<WorkspaceStore> {
  const store = await WorkspaceStore.open(path);
  stores.push(store);
  return store;
}

function post(store: WorkspaceStore, table: string, records: Record<string, unknown>[]) {
  return storeRecords(store, table, records);
}

/** One record with a value in every one of `n` custom columns: widens a table to 5 + n columns. */
function wideRecord(n: number, value = 'x'): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, value]));
}

/** Cells DuckDB stores for every base table of the workspace: Σ rows × columns. */
async function physicalCells(store: WorkspaceStore): Promise<number> {
  const result = await store.runSql(
    `SELECT coalesce(sum(estimated_size * column_count), 0)::DOUBLE FROM duckdb_tables() WHERE database_name = current_database()`,
  );
  return Number(result.rows[0]![0]);
}

describe('sparse posts to a wide table (issue 14, item 4)', () => {
  it('3,000 records {} in a 500-column table store cells for the values sent, not for 500 columns', async () => {
    const store = await open();
    await post(store, 'Sparse_CL', [wideRecord(WIDTH - 5)]);
    expect(store.columns('Sparse_CL')).toHaveLength(WIDTH);
    const before = await physicalCells(store);
    await post(store, 'Sparse_CL', Array.from({ length: 3000 }, () => ({})));
    // The 5 standard columns plus two hidden ones would be 7 a row; 12 leaves room, 500 does not.
    expect((await physicalCells(store)) - before).toBeLessThanOrEqual(3000 * 12);

    // Every column is still the table's, in order; the sparse rows read null where nothing was sent.
    expect(store.columns('Sparse_CL')!.slice(5, 8).map((c) => c.name)).toEqual(['c0_s', 'c1_s', 'c2_s']);
    const rows = await store.rows('Sparse_CL', 3);
    expect(rows[0]!['c494_s']).toBe('x');
    expect(rows[1]!['c494_s']).toBeNull();
    expect(Object.keys(rows[1]!)).toHaveLength(WIDTH);
    expect(await store.rowCount('Sparse_CL')).toBe(3001);
    expect((await store.runSql('SELECT count(*)::INTEGER, count("c494_s")::INTEGER FROM "Sparse_CL"')).rows).toEqual([[3001, 1]]);
  });

  it('batches of different shapes keep insertion order, values and schema evolution across parts', async () => {
    const store = await open();
    await post(store, 'Mixed_CL', [wideRecord(100, 'w0')]);
    await post(store, 'Mixed_CL', [{ n: 1 }, { n: 2 }]);
    await post(store, 'Mixed_CL', [wideRecord(100, 'w1')]);
    await post(store, 'Mixed_CL', [{ n: 3, extra: true }]); // a new column, in a narrow batch
    await post(store, 'Mixed_CL', [{ n: 4 }]);
    const rows = await store.rows('Mixed_CL', 10);
    expect(rows.map((r) => [r['c99_s'], r['n_d'], r['extra_b']])).toEqual([
      ['w0', null, null],
      [null, 1, null],
      [null, 2, null],
      ['w1', null, null],
      [null, 3, true],
      [null, 4, null],
    ]);
    expect(store.columns('Mixed_CL')!.map((c) => c.name).slice(-2)).toEqual(['n_d', 'extra_b']);
    // The query engine sees every column of the view (SQL here: the KQL parser's first load takes seconds).
    expect(tablesOfStore(store).find((t) => t.name === 'Mixed_CL')!.columns.map((c) => c.name)).toEqual(store.columns('Mixed_CL')!.map((c) => c.name));
    expect((await store.runSql(`SELECT count(*)::INTEGER FROM "Mixed_CL" WHERE "c99_s" IS NOT NULL OR "n_d" > 2`)).rows).toEqual([[4]]);
    // The narrow batches did not go to the 105-column part.
    const wide = store.parts('Mixed_CL').find((p) => p.columns.includes('c99_s'))!;
    expect(wide.rows).toBe(2);
  });

  it('a table that gets more shapes than it may have parts merges two, losing nothing', async () => {
    const saved = WorkspaceStore.maxPartsPerTable;
    WorkspaceStore.maxPartsPerTable = 3;
    try {
      const store = await open();
      // Six shapes, each far narrower than the table: each would want a part of its own.
      for (let shape = 0; shape < 6; shape++) {
        const record = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${shape}_${i}`, shape]));
        await post(store, 'Shapes_CL', [record, record]);
      }
      expect(store.parts('Shapes_CL').length).toBeLessThanOrEqual(3);
      const rows = await store.rows('Shapes_CL', 20);
      expect(rows.map((r) => r[`s${Math.floor(rows.indexOf(r) / 2)}_19_d`])).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
      expect(await store.rowCount('Shapes_CL')).toBe(12);
    } finally {
      WorkspaceStore.maxPartsPerTable = saved;
    }
  });

  it('a database file keeps the parts; one written before parts existed opens with its rows in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-parts-'));
    dirs.push(dir);
    // A file as the store wrote it before: the table itself in `main`, with the hidden ingestion time.
    const legacyPath = join(dir, 'legacy.duckdb');
    const instance = await DuckDBInstance.create(legacyPath);
    const raw = await instance.connect();
    await raw.run(`CREATE TABLE "Old_CL" ("__IngestionTime" TIMESTAMPTZ, "TimeGenerated" TIMESTAMPTZ, "TenantId" UUID, "a_s" VARCHAR, "j" JSON)`);
    await raw.run(`INSERT INTO "Old_CL" VALUES (now(), '2025-12-31T00:00:00Z', '${WORKSPACE}', 'first', '{"k":1}'), (now(), '2025-12-31T00:00:01Z', '${WORKSPACE}', 'second', NULL)`);
    raw.closeSync();
    instance.closeSync();

    const legacy = await open(legacyPath);
    expect(legacy.columns('Old_CL')).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'TenantId', type: 'guid' },
      { name: 'a_s', type: 'string' },
      { name: 'j', type: 'dynamic' },
    ]);
    await legacy.insertRows('Old_CL', [{ a_s: 'third' }]);
    expect((await legacy.rows('Old_CL', 5)).map((r) => r['a_s'])).toEqual(['first', 'second', 'third']);
    expect((await legacy.rows('Old_CL', 1))[0]!['j']).toEqual({ k: 1 });

    const path = join(dir, 'parts.duckdb');
    const first = await open(path);
    await post(first, 'Kept_CL', [wideRecord(50)]);
    await post(first, 'Kept_CL', [{ n: 1 }]);
    const parts = first.parts('Kept_CL');
    expect(parts.length).toBe(2);
    await first.close();
    stores.splice(stores.indexOf(first), 1);
    const reopened = await open(path);
    expect(reopened.parts('Kept_CL')).toEqual(parts);
    await post(reopened, 'Kept_CL', [{ n: 2 }]);
    expect((await reopened.rows('Kept_CL', 5)).map((r) => [r['c0_s'], r['n_d']])).toEqual([
      ['x', null],
      [null, 1],
      [null, 2],
    ]);
  });
});
