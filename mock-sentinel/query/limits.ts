// The Log Analytics Query API's limits (docs/decisions/0011-query-limits.md):
// - result truncation: at most 500,000 records and 64,000,000 bytes reach the client; past either,
//   the rows so far are sent with 200 and a `PartialError` next to `tables`, as the real API does
//   (https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format);
// - a timeout: `Prefer: wait=N` seconds, default 3 minutes, at most 10
//   (https://learn.microsoft.com/azure/azure-monitor/logs/api/timeouts), answered 504;
// - DuckDB running out of its memory limit, answered like Kusto's low-memory partial failure.
import { QueryError } from './errors.ts';

export interface QueryLimits {
  /** Most records returned; past it the result is cut with a PartialError (500,000). */
  maxRows: number;
  /** Most bytes of rows returned (their JSON, estimated); past it likewise (64,000,000). */
  maxBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxRows: 500_000, maxBytes: 64_000_000 };

export interface QueryTimeouts {
  /** Without a `Prefer: wait=N` header (3 minutes). */
  defaultMs: number;
  /** The most a `Prefer: wait=N` header can ask for (10 minutes). */
  maxMs: number;
}

export const DEFAULT_QUERY_TIMEOUTS: QueryTimeouts = { defaultMs: 180_000, maxMs: 600_000 };

/** The OneAPI error object the real API sends with a partial result. */
export interface PartialErrorBody {
  code: 'PartialError';
  message: string;
  details: { code: string; message: string; innererror: { code: string; message: string; severity: number; severityName: string } }[];
}

/** Why a result is partial: Kusto's engine messages (E_QUERY_RESULT_SET_TOO_LARGE, E_LOW_MEMORY_CONDITION). */
export const partialReasons = {
  tooManyRows: (limit: number) =>
    `The results of this query exceed the set limit of ${limit} records, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003, see https://aka.ms/kustoquerylimits for more information and possible solutions).`,
  tooManyBytes: (limit: number) =>
    `The results of this query exceed the set limit of ${limit} bytes, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003, see https://aka.ms/kustoquerylimits for more information and possible solutions).`,
  lowMemory: (detail: string) =>
    `Query execution has exceeded the allowed limits (80DA0001): 'partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: '${detail}')'.`,
};

/** The `error` member of a partial result (shape recorded from the real API's answers). */
export function partialError(reason: string): PartialErrorBody {
  return {
    code: 'PartialError',
    message: 'There were some errors when processing your query.',
    details: [
      {
        code: 'EngineError',
        message: 'Something went wrong processing your query on the server.',
        innererror: { code: '-2133196797', message: reason, severity: 2, severityName: 'Error' },
      },
    ],
  };
}

/** 504, as the API documents for a query that runs past its timeout (body: lab policy). */
export function queryTimedOut(ms: number): QueryError {
  return new QueryError({
    status: 504,
    code: 'GatewayTimeout',
    message: `The query ran longer than its timeout of ${ms / 1000} seconds (Prefer: wait=N, at most 600) and was cancelled.`,
  });
}

/**
 * About the bytes a rendered row adds to the JSON answer, without serialising it (strings by
 * UTF-16 length plus quotes; other values by a fixed allowance): what the byte limit counts.
 */
export function estimatedJsonBytes(row: readonly unknown[]): number {
  let bytes = 3;
  for (const value of row) {
    if (typeof value === 'string') bytes += value.length + 3;
    else if (value !== null && typeof value === 'object') bytes += JSON.stringify(value).length + 1;
    else bytes += 12;
  }
  return bytes;
}
