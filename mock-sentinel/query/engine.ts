// KQL over the workspace store: analyse with Microsoft's parser, translate to one DuckDB
// SELECT, run it, and shape the answer as the Log Analytics Query API does.
// Translations are cached per (query, schema, workspace, timespan shape): the SQL holds
// placeholders for now() and the timespan bounds, filled in per request.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { JSDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import { readCatalog } from './catalog.ts';
import type { Column } from './context.ts';
import { invalidRequest, QueryError, semanticError, syntaxError } from './errors.ts';
import { DEFAULT_QUERY_LIMITS, estimatedJsonBytes, partialError, partialReasons, type PartialErrorBody, type QueryLimits } from './limits.ts';
import { analyze, type TableSchema } from './parser.ts';
import { renderValue, type DynamicRendering } from './json-values.ts';
import { timestampLiteral } from './scalar.ts';
import { Translator, type SourceOptions } from './tabular.ts';
import { parseTimespan } from './timespan.ts';
import { queryStatistics, type QueryStatistics } from './query-statistics.ts';
import type { RenderDescription } from './visualization.ts';

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
  /** The tables to query, when the caller knows them (default: read from the DuckDB catalog). */
  tables?: TableSchema[];
  /** Only rows ingested in (after, through] (the store's hidden ingestion time): NRT analytic rules. */
  ingested?: { after: Date; through: Date };
  /** Result truncation (default the real API's: 500,000 records, 64,000,000 bytes). */
  limits?: QueryLimits;
  /**
   * Aborting it interrupts the DuckDB work on `connection` (a timeout, a client gone); the query
   * then rejects with the signal's reason. The connection must be this query's alone.
   */
  signal?: AbortSignal;
  /** Called once the query is translated, as its DuckDB work starts. */
  onStart?: () => void;
  /** Add `render`: what the query's `render` operator says (`Prefer: include-render=true`). */
  includeRender?: boolean;
  /** Add `statistics`: what the lab measured of the query (`Prefer: include-statistics=true`). */
  includeStatistics?: boolean;
}

export interface QueryResponse {
  tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[];
  /** With `includeStatistics`. */
  statistics?: QueryStatistics;
  /** With `includeRender`: the query's visualization (no `visualization` when it has no `render`). */
  render?: RenderDescription;
  /** Set when the rows are partial (truncated, or cut by the memory limit), as the real API sends it. */
  error?: PartialErrorBody;
}

export interface TranslatedQuery {
  sql: string;
  columns: Column[];
  /** What the query's closing `render` operator says; it changes no row. */
  render: RenderDescription;
  /** SQL of one row (`total`, `scanned`): the rows of the tables the query reads (statistics). */
  inputRowsSql: string;
}

const token = randomBytes(6).toString('hex');
const NOW = `__kql_now_${token}__`;
const START = `__kql_start_${token}__`;
const END = `__kql_end_${token}__`;
const INGESTED_AFTER = `__kql_ingested_after_${token}__`;
const INGESTED_THROUGH = `__kql_ingested_through_${token}__`;
const CACHE_SIZE = 200;
const cache = new Map<string, TranslatedQuery>();

function translateTemplate(query: string, tables: TableSchema[], workspaceId: string | undefined, ranged: boolean, ingested: boolean): TranslatedQuery {
  const key = JSON.stringify([query, tables, workspaceId ?? null, ranged, ingested]);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const analysis = analyze(query, tables);
  const firstSyntax = analysis.syntaxErrors[0];
  if (firstSyntax) throw syntaxError(query, firstSyntax.start, firstSyntax.length, firstSyntax.message);
  const firstSemantic = analysis.semanticErrors[0];
  if (firstSemantic) throw semanticError(query, firstSemantic.start, firstSemantic.message);
  const source: SourceOptions = {};
  if (workspaceId !== undefined) source.tenantId = workspaceId;
  if (ranged) source.timeRange = { start: START, end: END };
  if (ingested) source.ingested = { after: INGESTED_AFTER, through: INGESTED_THROUGH };
  const schema = new Map(tables.map((t) => [t.name, t.columns]));
  const { sql, cols, render, inputRowsSql } = new Translator(query, NOW, schema, source).translateQuery(analysis.root);
  const translated = { sql, columns: cols, render, inputRowsSql };
  cache.set(key, translated);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return translated;
}

/** KQL → DuckDB SQL (no database needed): throws a QueryError for syntax, semantic and unsupported. */
export function translateKql(query: string, tables: TableSchema[], request: Omit<QueryRequest, 'query'> = {}, options: QueryOptions = {}): TranslatedQuery {
  if (typeof query !== 'string' || query.trim() === '') throw invalidRequest("The request has no 'query' (a non-empty KQL string is required)");
  const now = options.now ?? new Date();
  let range: { start: Date; end: Date } | undefined;
  if (request.timespan !== undefined && request.timespan !== null && request.timespan !== '') {
    if (typeof request.timespan !== 'string') throw invalidRequest("'timespan' must be an ISO-8601 duration or interval string");
    range = parseTimespan(request.timespan, now);
  }
  const ingested = options.ingested;
  const template = translateTemplate(query, tables, request.workspaceId, range !== undefined, ingested !== undefined);
  const fill = (text: string): string => {
    let sql = text.split(NOW).join(timestampLiteral(now));
    if (range) sql = sql.split(START).join(timestampLiteral(range.start)).split(END).join(timestampLiteral(range.end));
    if (ingested) sql = sql.split(INGESTED_AFTER).join(timestampLiteral(ingested.after)).split(INGESTED_THROUGH).join(timestampLiteral(ingested.through));
    return sql;
  };
  return { sql: fill(template.sql), columns: template.columns, render: template.render, inputRowsSql: fill(template.inputRowsSql) };
}

/** The rows of the tables a query reads (a statistic), counted before its own work. */
async function inputRows(connection: DuckDBConnection, sql: string): Promise<{ total: number; scanned: number }> {
  const reader = await connection.runAndReadAll(sql);
  const [total, scanned] = reader.getRows()[0] ?? [0, 0];
  return { total: Number(total ?? 0), scanned: Number(scanned ?? 0) };
}

/**
 * Runs a KQL query against the store; resolves to the Query API body (with a PartialError when the
 * result was cut) or rejects with a QueryError. Rows are read chunk by chunk, so a result over the
 * limits is never held whole, and the rest of its work is interrupted.
 */
export async function runKql(connection: DuckDBConnection, request: QueryRequest, options: QueryOptions = {}): Promise<QueryResponse> {
  const tables = options.tables ?? (await readCatalog(connection));
  const { sql, columns, render, inputRowsSql } = translateKql(request.query, tables, request, options);
  const limits = options.limits ?? DEFAULT_QUERY_LIMITS;
  const dynamic = options.dynamic ?? 'string';
  const signal = options.signal;
  signal?.throwIfAborted();
  // Counted first, outside the measured span, so a result cut short cannot leave it interrupted.
  const input = options.includeStatistics ? await inputRows(connection, inputRowsSql) : undefined;
  signal?.throwIfAborted();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  // Interrupted again until DuckDB returns: an interrupt that lands before the query has begun on
  // DuckDB's worker thread would otherwise be lost.
  let interrupting: NodeJS.Timeout | undefined;
  const interrupt = () => {
    connection.interrupt();
    interrupting ??= setInterval(() => connection.interrupt(), 50);
  };
  signal?.addEventListener('abort', interrupt, { once: true });
  options.onStart?.();
  const rows: unknown[][] = [];
  let partial: string | undefined;
  try {
    const result = await connection.stream(sql);
    let bytes = 0;
    read: for (;;) {
      signal?.throwIfAborted();
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const raw of chunk.convertRows(JSDuckDBValueConverter) as unknown[][]) {
        const row = raw.map((v, i) => renderValue(v, columns[i]!.type, dynamic));
        bytes += estimatedJsonBytes(row);
        if (rows.length === limits.maxRows) partial = partialReasons.tooManyRows(limits.maxRows);
        else if (bytes > limits.maxBytes) partial = partialReasons.tooManyBytes(limits.maxBytes);
        if (partial) break read;
        rows.push(row);
      }
    }
    if (partial) connection.interrupt(); // the rest of the result is not wanted
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const detail = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    // DuckDB's memory limit: the rows so far, with Kusto's low-memory partial failure.
    if (/^Out of Memory Error/i.test(detail)) partial = partialReasons.lowMemory(detail);
    // A runtime failure of the generated SQL (e.g. a bad regex): the real service answers 400 too.
    else throw new QueryError({ innerCode: 'RuntimeError', message: `The query failed while running: ${detail}` });
  } finally {
    signal?.removeEventListener('abort', interrupt);
    clearInterval(interrupting);
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const seconds = (performance.now() - started) / 1000;
  const response: QueryResponse = {
    tables: [{ name: 'PrimaryResult', columns: columns.map((c) => ({ name: c.name, type: c.type })), rows }],
  };
  if (input) response.statistics = queryStatistics({ seconds, cpu, inputRows: input, tables: response.tables });
  if (options.includeRender) response.render = render;
  if (partial) response.error = partialError(partial);
  return response;
}
