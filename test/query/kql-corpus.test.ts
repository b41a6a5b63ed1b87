// Every corpus query answers exactly its expected rows when run by the engine over the store layout.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runKql } from '../../mock-sentinel/query/index.ts';
import { expectCaseResult } from './compare.ts';
import { CORPUS } from './corpus.ts';
import { createFixtureDb, NOW, WORKSPACE } from './fixture.ts';

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
