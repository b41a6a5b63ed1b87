// Every corpus query answers exactly its expected rows when run by the engine over the store layout:
// a plain DuckDB table, and the workspace store's view over several parts (docs/decisions/0012).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceStore } from '../../mock-sentinel/persistence/workspaceStore.ts';
import { runKql } from '../../mock-sentinel/query/index.ts';
import { tablesOfStore } from '../../mock-sentinel/query/storeSchema.ts';
import { expectCaseResult } from './compare.ts';
import { CORPUS } from './corpus.ts';
import { createFixtureDb, loadFixtureIntoStore, NOW, WORKSPACE } from './fixture.ts';

let db: Awaited<ReturnType<typeof createFixtureDb>>;
beforeAll(async () => {
  db = await createFixtureDb();
});
afterAll(() => db.close());

describe('KQL corpus over the DuckDB store', () => {
  for (const c of CORPUS) {
    it(c.name, async () => {
      const result = await runKql(db.connection, { query: c.query, timespan: c.timespan, workspaceId: WORKSPACE }, { now: NOW });
      expectCaseResult(result.tables[0], c);
    });
  }
});

describe('KQL corpus over a store table spread over parts', () => {
  let store: WorkspaceStore;
  beforeAll(async () => {
    store = await WorkspaceStore.open();
    // Created with two columns and evolved, then fed one record at a time: each record goes to a
    // part holding the columns it fills, as sparse Data Collector posts do.
    await loadFixtureIntoStore({
      ensureTable: async (name, columns) => {
        await store.ensureTable(name, columns.slice(0, 2));
        await store.addColumns(name, columns);
      },
      insertRows: async (name, rows) => {
        for (const row of rows) await store.insertRows(name, [row]);
        return rows.length;
      },
    });
  });
  afterAll(() => store.close());

  it('the fixture table has several parts', () => {
    expect(store.parts('darktrace_model_alerts_CL').length).toBeGreaterThan(2);
  });

  for (const c of CORPUS) {
    it(c.name, async () => {
      const result = await runKql(store.connection, { query: c.query, timespan: c.timespan, workspaceId: WORKSPACE }, { now: NOW, tables: tablesOfStore(store) });
      expectCaseResult(result.tables[0], c);
    });
  }
});
