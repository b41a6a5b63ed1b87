// `mv-apply x = arr [to typeof(T)] on (subquery)`: for each input row, the subquery runs over the
// rows that expanding `arr` makes (each with the row's other columns), and the row is joined with
// what the subquery returns. A DuckDB LATERAL join does exactly that: a subquery that ends in
// `summarize` gives one row per input row (an empty array too: aggregates over no rows), any other
// subquery as many rows as it returns (none drops the row).
import { unsupported } from './errors.ts';
import { elements, kindOf, type KNode } from './parser.ts';
import { fromDynamic, scalar } from './scalar.ts';
import { mvExpandItems } from './tabular.ts';
import { asKustoType, quoteIdent as q, type KustoType } from './types.ts';
import { ORD, type Column, type Relation, type TranslateContext } from './context.ts';

export interface MvApplyHost extends TranslateContext {
  columnsOf(node: KNode): Column[];
  withImplicitInput<T>(rows: Relation, translate: () => T): T;
  alias(): string;
}

export function mvApply(host: MvApplyHost, input: Relation, op: KNode): Relation {
  for (const p of elements(op.Parameters)) throw unsupported(host.text, p.TextStart, `The mv-apply parameter '${String(p.Name?.SimpleName ?? p.ToString())}'`);
  if (op.RowLimitClause) throw unsupported(host.text, op.RowLimitClause.TextStart, 'mv-apply limit');
  if (op.ContextIdClause) throw unsupported(host.text, op.ContextIdClause.TextStart, 'mv-apply with a context id');
  const outer = host.alias();
  const expanded: { name: string; items: string; type: KustoType }[] = [];
  for (const e of elements(op.Expressions)) {
    const expr = e.Expression;
    const named = kindOf(expr) === 'SimpleNamedExpression';
    const valueNode = named ? expr.Expression : expr;
    const name: string | undefined = named ? expr.Name.SimpleName : valueNode.SimpleName;
    if (!name) throw unsupported(host.text, e.TextStart, 'mv-apply of an unnamed expression');
    const value = scalar(host, valueNode);
    if (value.type !== 'dynamic') throw unsupported(host.text, e.TextStart, `mv-apply of a ${value.type}`);
    expanded.push({ name, items: mvExpandItems(value.sql), type: toTypeOf(host, e) });
  }
  // The rows the subquery reads: the outer row's columns, the expanded ones replaced by one item each.
  const rowCols: Column[] = input.cols.map((c) => expanded.find((x) => x.name === c.name) ?? c);
  for (const x of expanded) if (!input.cols.some((c) => c.name === x.name)) rowCols.push({ name: x.name, type: x.type });
  const kept = input.cols.filter((c) => !expanded.some((x) => x.name === c.name));
  // unnest() reads the outer row's columns unqualified: the innermost SELECT has no FROM of its own.
  const unnested = [...kept.map((c) => `${outer}.${q(c.name)} AS ${q(c.name)}`), ...expanded.map((x) => `unnest(${x.items}) AS ${q(`__x_${x.name}`)}`)];
  const typed = rowCols.map((c) => {
    const x = expanded.find((e) => e.name === c.name);
    if (!x) return q(c.name);
    const raw = q(`__x_${x.name}`);
    return `${x.type === 'dynamic' ? raw : fromDynamic(raw, x.type)} AS ${q(c.name)}`;
  });
  const rows: Relation = { sql: `SELECT ${typed.join(', ')} FROM (SELECT ${unnested.join(', ')})`, cols: rowCols, ordered: false };
  const sub = host.withImplicitInput(rows, () => host.tabular(op.Subquery));
  const out = host.columnsOf(op);
  const inner = host.alias();
  const list = out.map((c) => (sub.cols.some((s) => s.name === c.name) ? `${inner}.${q(c.name)}` : `${outer}.${q(c.name)}`) + ` AS ${q(c.name)}`);
  if (input.ordered) list.push(`${outer}.${ORD}`);
  return { sql: `SELECT ${list.join(', ')} FROM (${input.sql}) AS ${outer}, LATERAL (${sub.sql}) AS ${inner}`, cols: out, ordered: input.ordered };
}

/** The item type `to typeof(T)` asks for (dynamic when absent). */
function toTypeOf(host: MvApplyHost, e: KNode): KustoType {
  if (!e.ToTypeOf) return 'dynamic';
  const m = /typeof\s*\(\s*(\w+)\s*\)/.exec(String(e.ToTypeOf.ToString()));
  const type = m ? asKustoType(m[1] === 'double' ? 'real' : m[1] === 'boolean' ? 'bool' : m[1]!) : undefined;
  if (!type) throw unsupported(host.text, e.ToTypeOf.TextStart, `mv-apply to ${String(e.ToTypeOf.ToString()).trim()}`);
  return type;
}
