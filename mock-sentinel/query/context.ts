// Shared shapes of the KQL → SQL translation.
import type { KNode } from './parser.ts';
import type { KustoType } from './types.ts';

export interface Column {
  name: string;
  type: KustoType;
}

/** A tabular value: a SELECT whose columns are `cols` (plus `"__ord"` when `ordered`). */
export interface Relation {
  sql: string;
  cols: Column[];
  /** The relation carries a hidden `"__ord"` column giving the row order a sort/top established. */
  ordered: boolean;
  /**
   * The relation still carries its table rows' hidden ingestion time (what `ingestion_time()` reads):
   * true from a table reference through the operators that keep rows whole (where, extend, project…).
   */
  ingestion?: boolean;
  /** The relation still carries the source rows' hidden record index (SourceOptions.recordColumn). */
  record?: boolean;
}

export type LetBinding =
  | { kind: 'scalar'; sql: string; type: KustoType }
  | { kind: 'tabular'; cte: string; cols: Column[]; ordered: boolean };

export interface TranslateContext {
  /** The query text, for error positions. */
  text: string;
  /** SQL literal of the query's `now()` (one instant for the whole query, as in Kusto). */
  nowSql: string;
  lets: Map<string, LetBinding>;
  /** Translates a tabular sub-expression (toscalar, `in (T | …)`, join/union operands). */
  tabular(node: KNode): Relation;
  /** The input of the operator being translated (column_ifexists, ingestion_time); undefined outside one. */
  readonly input?: Relation;
}

export const ORD = '"__ord"';
