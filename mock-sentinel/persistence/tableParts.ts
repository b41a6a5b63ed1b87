// A Log Analytics table as narrow physical parts behind one view (docs/decisions/0012). DuckDB gives
// every column of a row group a full uncompressed block while the row group is open, whether its cells
// hold values or nulls (≈ 0.75 MB per column): 20,000 records `{}` in a 500-column table cost 404 MB.
// So a batch is stored in a part whose columns cover the columns it fills without being much wider,
// or in a new part holding just those columns; the table's view shows every column, null where a part
// lacks it. Memory then follows the values sent, not rows × table width.
//
// This module only decides and writes SQL; the store runs it.
import { duckdbTypeOf, quoteIdent, type ColumnDef } from './columnTypes.ts';

/** The schema that holds the parts; the tables' views live in `main`, where queries look. */
export const PARTS_SCHEMA = '__table_parts';
/** The hidden per-row ingestion time (TIMESTAMPTZ), first in every part and in every view. */
export const INGESTION_TIME_COLUMN = '__IngestionTime';
/** Each row's place in the table's insertion order (BIGINT), second in every part. */
export const SEQUENCE_COLUMN = '__Seq';
/**
 * The view shows the sequence under DuckDB's own name for a table's row order, so `ORDER BY rowid`
 * keeps meaning insertion order for SQL written against the tables (admin rows, harness readers).
 */
export const ROW_ORDER_COLUMN = 'rowid';
/** Columns every view has that are not the table's own (hidden from schemas and `getschema`). */
export const HIDDEN_VIEW_COLUMNS: ReadonlySet<string> = new Set([INGESTION_TIME_COLUMN, ROW_ORDER_COLUMN]);

/** A part may be this much wider than the columns a batch fills (and at most twice as wide). */
export const PART_SLACK_COLUMNS = 8;

export interface TablePart {
  /** Its table name in PARTS_SCHEMA: `<table>$<n>`. */
  name: string;
  /** The table's columns it holds, in its own order (not the hidden ones). */
  columns: readonly ColumnDef[];
  /** The same columns' names. */
  names: ReadonlySet<string>;
  /** Rows stored in it (what a merge of two parts would have to fill with nulls). */
  rows: number;
}

export function newPart(name: string, columns: readonly ColumnDef[], rows = 0): TablePart {
  return { name, columns, names: new Set(columns.map((c) => c.name)), rows };
}

export function partName(table: string, index: number): string {
  return `${table}$${index}`;
}

/** `<table>$<n>` back to its table and index; undefined for any other name. */
export function parsePartName(name: string): { table: string; index: number } | undefined {
  const at = name.lastIndexOf('$');
  if (at <= 0 || !/^\d+$/.test(name.slice(at + 1))) return undefined;
  return { table: name.slice(0, at), index: Number(name.slice(at + 1)) };
}

/** The widest part a batch filling `present` columns may go to. */
export function widestFit(present: number): number {
  return present + Math.max(PART_SLACK_COLUMNS, present);
}

/** The narrowest part holding every column in `present`, if it is not much wider than them. */
export function fittingPart(parts: readonly TablePart[], present: readonly string[]): TablePart | undefined {
  let best: TablePart | undefined;
  for (const part of parts) {
    if (part.names.size > widestFit(present.length)) continue;
    if (best && part.names.size >= best.names.size) continue;
    if (present.every((c) => part.names.has(c))) best = part;
  }
  return best;
}

/**
 * The two parts whose merge costs the fewest null cells (each part's rows times the columns only the
 * other holds): what is merged when a table would have too many parts.
 */
export function cheapestMerge(parts: readonly TablePart[]): [TablePart, TablePart] {
  if (parts.length < 2) throw new Error('a merge needs two parts');
  let best: [TablePart, TablePart] = [parts[0]!, parts[1]!];
  let bestCost = Infinity;
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const a = parts[i]!;
      const b = parts[j]!;
      const cost = a.rows * missing(a, b) + b.rows * missing(b, a);
      if (cost < bestCost) {
        bestCost = cost;
        best = [a, b];
      }
    }
  }
  return best;
}

/** How many of `other`'s columns `part` lacks. */
function missing(part: TablePart, other: TablePart): number {
  let n = 0;
  for (const c of other.names) if (!part.names.has(c)) n++;
  return n;
}

/** `CREATE TABLE` for a part holding the hidden columns and `columns`. */
export function createPartSql(part: string, columns: readonly ColumnDef[]): string {
  const defs = [
    `${quoteIdent(INGESTION_TIME_COLUMN)} TIMESTAMPTZ`,
    `${quoteIdent(SEQUENCE_COLUMN)} BIGINT`,
    ...columns.map((c) => `${quoteIdent(c.name)} ${duckdbTypeOf(c.type)}`),
  ];
  return `CREATE TABLE ${PARTS_SCHEMA}.${quoteIdent(part)} (${defs.join(', ')})`;
}

/** One part's rows with every one of `columns`, typed nulls where the part lacks one. */
function partSelect(part: TablePart, columns: readonly ColumnDef[]): string {
  const list = [
    quoteIdent(INGESTION_TIME_COLUMN),
    ...columns.map((c) =>
      part.names.has(c.name) ? quoteIdent(c.name) : `CAST(NULL AS ${duckdbTypeOf(c.type)}) AS ${quoteIdent(c.name)}`,
    ),
    `${quoteIdent(SEQUENCE_COLUMN)} AS ${quoteIdent(ROW_ORDER_COLUMN)}`,
  ];
  return `SELECT ${list.join(', ')} FROM ${PARTS_SCHEMA}.${quoteIdent(part.name)}`;
}

/** The table's view: the hidden ingestion time, the table's columns in creation order, then the row order. */
export function viewSql(table: string, columns: readonly ColumnDef[], parts: readonly TablePart[]): string {
  if (parts.length === 0) throw new Error(`table ${table} has no part`);
  return `CREATE OR REPLACE VIEW main.${quoteIdent(table)} AS ${parts.map((p) => partSelect(p, columns)).join(' UNION ALL ')}`;
}

/** Copies `from`'s rows into `into` (whose columns cover `from`'s), keeping their ingestion times and order. */
export function copyPartSql(from: TablePart, into: string): string {
  const list = [INGESTION_TIME_COLUMN, SEQUENCE_COLUMN, ...from.names].map(quoteIdent).join(', ');
  return `INSERT INTO ${PARTS_SCHEMA}.${quoteIdent(into)} (${list}) SELECT ${list} FROM ${PARTS_SCHEMA}.${quoteIdent(from.name)}`;
}
