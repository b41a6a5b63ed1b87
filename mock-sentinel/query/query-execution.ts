// One Query API request, whichever route it came by (`/v1/workspaces/{id}/query` or one member of
// `/v1/$batch`): validate the body, honour `Prefer` (timeout, statistics, render), run the KQL on a read
// connection of its own restricted to the workspace's rows and within the result limits, and give
// back the answer's body and the `Preference-Applied` value. Failures reject with a QueryError
// (the timeout is a 504); when the caller's signal aborts, with the signal's reason.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LabContext } from '../labContext.ts';
import { runKql, type QueryResponse } from './engine.ts';
import { invalidRequest } from './errors.ts';
import { DEFAULT_QUERY_LIMITS, DEFAULT_QUERY_TIMEOUTS, queryTimedOut, type QueryLimits, type QueryTimeouts } from './limits.ts';
import { parsePrefer, preferenceApplied, timeoutMsFor } from './preferences.ts';
import type { DynamicRendering } from './json-values.ts';
import { tablesOfStore } from './storeSchema.ts';

export interface QueryInput {
  /** A workspace this mock serves (the caller has checked it). */
  workspaceId: string;
  query: unknown;
  timespan: unknown;
  /** The request's `Prefer` header. */
  prefer: string | undefined;
}

export interface QueryAnswer {
  /** Rows, and `statistics` / `render` when `Prefer` asked for them. */
  body: QueryResponse;
  /** The `Preference-Applied` header, when any preference was honoured. */
  preferenceApplied: string | undefined;
}

export interface RunHooks {
  /** Aborting it interrupts the query, which then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called as the DuckDB work starts. */
  onStart?: () => void;
  /** Called when the query's work was interrupted, and why. */
  onCancelled?: (reason: 'timeout' | 'client-disconnected') => void;
}

export type QueryExecutor = (input: QueryInput, hooks?: RunHooks) => Promise<QueryAnswer>;

export function queryExecutor(lab: LabContext, options: { dynamic?: DynamicRendering } = {}): QueryExecutor {
  const configured = lab.options.query ?? {};
  const limits: QueryLimits = {
    maxRows: configured.maxRows ?? DEFAULT_QUERY_LIMITS.maxRows,
    maxBytes: configured.maxBytes ?? DEFAULT_QUERY_LIMITS.maxBytes,
  };
  const timeouts: QueryTimeouts = {
    defaultMs: configured.defaultTimeoutMs ?? DEFAULT_QUERY_TIMEOUTS.defaultMs,
    maxMs: configured.maxTimeoutMs ?? DEFAULT_QUERY_TIMEOUTS.maxMs,
  };

  return async (input, hooks = {}) => {
    const prefs = parsePrefer(input.prefer);
    const timeoutMs = timeoutMsFor(prefs, timeouts);
    const timedOut = queryTimedOut(timeoutMs);
    const cancel = new AbortController();
    const timer = setTimeout(() => cancel.abort(timedOut), timeoutMs);
    const follow = () => cancel.abort(hooks.signal!.reason);
    if (hooks.signal?.aborted) follow();
    else hooks.signal?.addEventListener('abort', follow, { once: true });
    let connection: DuckDBConnection | undefined;
    try {
      if (typeof input.query !== 'string') throw invalidRequest("The request has no 'query' (a non-empty KQL string is required)");
      if (input.timespan !== undefined && input.timespan !== null && typeof input.timespan !== 'string') {
        throw invalidRequest("'timespan' must be an ISO-8601 duration or interval string");
      }
      connection = await lab.store.openQueryConnection();
      const body = await runKql(
        connection,
        { query: input.query, timespan: input.timespan ?? undefined, workspaceId: input.workspaceId },
        {
          now: lab.now(),
          tables: tablesOfStore(lab.store),
          dynamic: options.dynamic,
          limits,
          signal: cancel.signal,
          onStart: hooks.onStart,
          includeStatistics: prefs.includeStatistics,
          includeRender: prefs.includeRender,
        },
      );
      return { body, preferenceApplied: preferenceApplied(prefs, timeoutMs) };
    } catch (err) {
      if (cancel.signal.aborted && err === cancel.signal.reason) hooks.onCancelled?.(err === timedOut ? 'timeout' : 'client-disconnected');
      throw err;
    } finally {
      clearTimeout(timer);
      hooks.signal?.removeEventListener('abort', follow);
      connection?.closeSync();
    }
  };
}
