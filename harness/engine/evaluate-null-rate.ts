// expect.nullRate: the share of a table's rows whose column is null or absent (a column the table
// never got counts every row as null: that is what a query over a sparse table sees).
import type { NullRateExpectation } from '../scenario/types.ts';
import type { ExpectationResult, TableInfo } from '../reports/model.ts';
import { formatRatio, result, rowSample, withinRatio } from './expectation-result.ts';

export async function nullRateResults(
  expectations: readonly NullRateExpectation[],
  tables: readonly TableInfo[],
  rows: (table: string) => Promise<Record<string, unknown>[]>,
): Promise<ExpectationResult[]> {
  const out: ExpectationResult[] = [];
  for (const e of expectations) {
    const name = e.name ?? `null rate of ${e.table}.${e.column}`;
    const expected = formatRatio(e);
    const info = tables.find((t) => t.name === e.table);
    if (!info) {
      out.push(result(name, false, expected, 'table does not exist', `table ${e.table} never landed`));
      continue;
    }
    const all = await rows(e.table);
    if (!all.length) {
      out.push(result(name, false, expected, 'no rows', `table ${e.table} has no rows: no rate to measure`));
      continue;
    }
    const hasColumn = info.columns.some((c) => c.name === e.column);
    const nulls = all.filter((r) => r[e.column] === null || r[e.column] === undefined);
    const rate = nulls.length / all.length;
    const ok = withinRatio(rate, e);
    const pct = `${+(rate * 100).toFixed(2)}%`;
    const measured = `${pct} (${nulls.length} of ${all.length} rows)${hasColumn ? '' : `; ${e.table} has no column ${e.column}`}`;
    // Too many nulls: rows without the value; too few: rows that have it.
    const shown = e.max !== undefined && rate > e.max ? nulls : all.filter((r) => r[e.column] !== null && r[e.column] !== undefined);
    out.push(result(name, ok, expected, measured, `${e.column} is null in ${pct} of ${e.table}'s rows; expected ${expected}`, shown.slice(0, 5).map((r) => rowSample(r, [e.column]))));
  }
  return out;
}
