// `datatable (Name: type, …) [v, v, …]` → a VALUES relation, each value cast to its column's type
// (the analyser has checked the literals against the schema).
import { unsupported } from './errors.ts';
import { elements, tableColumns, type KNode } from './parser.ts';
import { scalar, toJsonValue, type Scalar } from './scalar.ts';
import { asKustoType, quoteIdent, SQL_TYPE, type KustoType } from './types.ts';
import type { Column, Relation, TranslateContext } from './context.ts';

export function datatableRelation(ctx: TranslateContext, node: KNode): Relation {
  const cols: Column[] = (tableColumns(node) ?? []).map((c) => {
    const type = asKustoType(c.type);
    if (!type) throw unsupported(ctx.text, node.TextStart, `A datatable column '${c.name}' of type '${c.type}'`);
    return { name: c.name, type };
  });
  if (!cols.length) throw unsupported(ctx.text, node.TextStart, 'A datatable without columns');
  for (const p of elements(node.Parameters)) throw unsupported(ctx.text, p.TextStart, `The datatable parameter '${String(p.Name?.SimpleName ?? p.ToString())}'`);
  const values = elements(node.Values);
  if (values.length % cols.length !== 0) {
    throw unsupported(ctx.text, node.Values.TextStart ?? node.TextStart, `A datatable with ${values.length} values for ${cols.length} columns`);
  }
  const names = cols.map((c) => quoteIdent(c.name)).join(', ');
  if (!values.length) {
    const empty = cols.map((c) => `CAST(NULL AS ${SQL_TYPE[c.type]}) AS ${quoteIdent(c.name)}`).join(', ');
    return { sql: `SELECT ${empty} WHERE FALSE`, cols, ordered: false };
  }
  const rows: string[] = [];
  for (let i = 0; i < values.length; i += cols.length) {
    rows.push(`(${cols.map((c, j) => cellSql(scalar(ctx, values[i + j]), c.type)).join(', ')})`);
  }
  return { sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS "__datatable"(${names})`, cols, ordered: false };
}

/** One literal of a datatable row, as a value of its column's type. */
function cellSql(value: Scalar, type: KustoType): string {
  if (type === 'dynamic') return value.type === 'dynamic' ? value.sql : `CAST(${toJsonValue(value)} AS JSON)`;
  return `CAST(${value.sql} AS ${SQL_TYPE[type]})`;
}
