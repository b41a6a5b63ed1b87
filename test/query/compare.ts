// Exact comparison of a Query API table with a corpus case (rows as a multiset when unordered).
import { expect } from 'vitest';
import type { CorpusCase } from './corpus.ts';

interface ApiTable {
  name: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export function expectCaseResult(table: ApiTable | undefined, c: CorpusCase): void {
  expect(table?.name).toBe('PrimaryResult');
  expect(table!.columns).toEqual(c.columns.map(([name, type]) => ({ name, type })));
  if (c.ordered) {
    expect(table!.rows).toEqual(c.rows);
  } else {
    const key = (r: unknown[]) => JSON.stringify(r);
    expect([...table!.rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...c.rows].sort((a, b) => key(a).localeCompare(key(b))));
  }
}
