// A batch of rows held column by column: what the Data Collector typer produces and what the store
// inserts. Keeping columns (not row objects) saves building ~40 properties per record and reading
// them back per column.
import type { ColumnDef } from './columnTypes.ts';

export interface ColumnBatch {
  rowCount: number;
  /** The columns that have values, in any order; `values[i][row]` is the value of `names[i]` (undefined or null = null). */
  names: string[];
  values: unknown[][];
}

/** Row objects (column name → value) to a batch; a key that is not one of `columns` is an error. */
export function rowsToColumnBatch(table: string, columns: readonly ColumnDef[], rows: readonly Record<string, unknown>[]): ColumnBatch {
  const index = new Map(columns.map((c, i) => [c.name, i]));
  const values: (unknown[] | undefined)[] = new Array(columns.length);
  rows.forEach((row, r) => {
    for (const key in row) {
      const i = index.get(key);
      if (i === undefined) throw new Error(`table ${table} has no column ${key}`);
      (values[i] ??= new Array(rows.length))[r] = row[key];
    }
  });
  const batch: ColumnBatch = { rowCount: rows.length, names: [], values: [] };
  columns.forEach((c, i) => {
    if (values[i] === undefined) return;
    batch.names.push(c.name);
    batch.values.push(values[i]);
  });
  return batch;
}
