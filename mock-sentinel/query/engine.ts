// KQL over the workspace store: analyse with Microsoft's parser, translate to one DuckDB
// SELECT, run it, and shape the answer as the Log Analytics Query API does.
import type { DuckDBConnection } from '@duckdb/node-api';
import { readCatalog } from './catalog.ts';
import type { Column } from './context.ts';
import { invalidRequest, QueryError, semanticError, syntaxError } from './errors.ts';
import { analyze, type TableSchema } from './parser.ts';
import { renderValue, type DynamicRendering } from './render.ts';
import { timestampLiteral } from './scalar.ts';
import { Translator, type SourceOptions } from './tabular.ts';
import { parseTimespan } from './timespan.ts';

export interface QueryRequest {
  query: string;
  /** ISO-8601 duration or interval, applied to TimeGenerated of every table referenced. */
  timespan?: string;
  /** Restrict every table to the rows of this workspace (TenantId); all rows when absent. */
  workspaceId?: string;
}

export interface QueryOptions {
  /** The instant `now()`/`ago()` and a duration timespan are relative to (default: the real clock). */
  now?: Date;
  /** How dynamic values are sent: JSON text in a string (the real API, default) or parsed JSON. */
  dynamic?: DynamicRendering;
}

export interface QueryResponse {
  tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[];
}

export interface TranslatedQuery {
  sql: string;
  columns: Column[];
}

/** KQL → DuckDB SQL (no database needed): throws a QueryError for syntax, semantic and unsupported. */
export function translateKql(query: string, tables: TableSchema[], request: Omit<QueryRequest, 'query'> = {}, options: QueryOptions = {}): TranslatedQuery {
  if (typeof query !== 'string' || query.trim() === '') throw invalidRequest("The request has no 'query' (a non-empty KQL string is required)");
  const now = options.now ?? new Date();
  const analysis = analyze(query, tables);
  const firstSyntax = analysis.syntaxErrors[0];
  if (firstSyntax) throw syntaxError(query, firstSyntax.start, firstSyntax.length, firstSyntax.message);
  const firstSemantic = analysis.semanticErrors[0];
  if (firstSemantic) throw semanticError(query, firstSemantic.start, firstSemantic.message);
  const source: SourceOptions = {};
  if (request.workspaceId !== undefined) source.tenantId = request.workspaceId;
  if (request.timespan !== undefined && request.timespan !== null && request.timespan !== '') {
    if (typeof request.timespan !== 'string') throw invalidRequest("'timespan' must be an ISO-8601 duration or interval string");
    source.timeRange = parseTimespan(request.timespan, now);
  }
  const schema = new Map(tables.map((t) => [t.name, t.columns]));
  const translator = new Translator(query, timestampLiteral(now), schema, source);
  const { sql, cols } = translator.translateQuery(analysis.root);
  return { sql, columns: cols };
}

/** Runs a KQL query against the store; resolves to the Query API body or rejects with a QueryError. */
export async function runKql(connection: DuckDBConnection, request: QueryRequest, options: QueryOptions = {}): Promise<QueryResponse> {
  const tables = await readCatalog(connection);
  const { sql, columns } = translateKql(request.query, tables, request, options);
  let rows: unknown[][];
  try {
    const reader = await connection.runAndReadAll(sql);
    rows = reader.getRowsJS() as unknown[][];
  } catch (err) {
    // A runtime failure of the generated SQL (e.g. a bad regex): the real service answers 400 too.
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new QueryError({ innerCode: 'RuntimeError', message: `The query failed while running: ${detail}` });
  }
  const dynamic = options.dynamic ?? 'string';
  return {
    tables: [
      {
        name: 'PrimaryResult',
        columns: columns.map((c) => ({ name: c.name, type: c.type })),
        rows: rows.map((row) => row.map((v, i) => renderValue(v, columns[i]!.type, dynamic))),
      },
    ],
  };
}
