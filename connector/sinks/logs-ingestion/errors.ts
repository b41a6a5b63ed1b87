// What a failed chunk's error (as the SDK hands it to `onError`) means for its records. Ingestion
// errors are the pipeline's RestError (statusCode, code, response); token errors are @azure/identity's
// AuthenticationError (statusCode, errorResponse with the AADSTS description).
import { parseRetryAfter } from '../../util/backoff.ts';
import type { SinkResponse } from '../sink.ts';

/**
 * Why an upload was refused for a configuration-like reason (the sink turns it into the likely
 * cause and the config key to check): `stream` / `dcr` / `dcr-or-stream` an unknown one (404),
 * `role` no role assignment on the DCR (403), `audience` a token the endpoint refuses (401),
 * `credentials` a token Entra refuses (wrong secret, unknown app or tenant), `schema` every record
 * of a multi-record upload refused (400).
 */
export type ConfigProblem = 'stream' | 'dcr' | 'dcr-or-stream' | 'role' | 'audience' | 'credentials' | 'schema';

export type Verdict =
  | { kind: 'delivered'; status?: undefined }
  | { kind: 'dead-letter'; reason: string; response?: SinkResponse; status?: number | 'network' }
  /** Configuration-like: the records are parked, and retried for `stuckAfter` (delivery/parking.ts). */
  | { kind: 'config'; reason: string; problem: ConfigProblem; response?: SinkResponse; status?: number | 'network' }
  /** `alone`: resend each record of the chunk on its own (a 413 for several records). */
  | { kind: 'retry'; reason: string; status: number | 'network'; retryAfterMs?: number; alone?: boolean };

const BODY_LIMIT = 64 * 1024;

interface RestErrorLike extends Error {
  statusCode?: number;
  code?: string;
  response?: { status: number; headers?: { toJSON?: () => Record<string, string>; get?: (n: string) => string | undefined }; bodyAsText?: string | null };
  errorResponse?: { error?: string; errorDescription?: string };
}

function firstLine(s: string): string {
  return s.split(/\r?\n/)[0]!.trim();
}

function responseOf(e: RestErrorLike, status: number): SinkResponse {
  if (e.response) {
    const headers = e.response.headers?.toJSON?.() ?? {};
    delete headers.authorization;
    return { status: e.response.status, headers, body: String(e.response.bodyAsText ?? '').slice(0, BODY_LIMIT) };
  }
  // Token errors: the SDK keeps the parsed Entra answer, not the raw response.
  return { status, headers: {}, body: JSON.stringify(e.errorResponse ?? { message: e.message }).slice(0, BODY_LIMIT) };
}

/**
 * Entra's transient failures, whatever OAuth code they travel under: AADSTS90033 ("A transient error
 * has occurred", sent as `invalid_request` with a 500 that @azure/identity does not pass on) and
 * AADSTS50196 (throttled), plus `temporarily_unavailable`. They override the permanent codes.
 */
const TRANSIENT_TOKEN_ERRORS = /\b(?:AADSTS)?(?:90033|50196)\b|temporarily_unavailable/;

/** OAuth errors that no retry can fix (RFC 6749 §5.2 and Entra's additions). */
const PERMANENT_TOKEN_ERRORS = /^(invalid_client|unauthorized_client|invalid_request|invalid_scope|invalid_resource|invalid_grant|invalid_tenant|unsupported_grant_type|access_denied)\b/;

/**
 * Token errors reach `onError` from the pipeline's bearer policy as @azure/identity's
 * AuthenticationRequiredError (MSAL's ServerError underneath): no status, the OAuth error code
 * first in the message (`invalid_client: Error(s): 7000215 - … AADSTS7000215: Invalid client secret…`).
 */
function classifyTokenError(e: RestErrorLike): Verdict {
  const message = firstLine(e.message);
  if (PERMANENT_TOKEN_ERRORS.test(message) && !TRANSIENT_TOKEN_ERRORS.test(e.message)) {
    return { kind: 'config', reason: `${e.name} (token): ${message}`, problem: 'credentials', status: 'network' };
  }
  // Transient AADSTS codes, temporarily_unavailable (Entra 429/503), network_error, discovery failures: keep and retry.
  return { kind: 'retry', reason: `token ${e.name}: ${message}`, status: 'network' };
}

/**
 * Configuration-like (parked): 404 (unknown DCR or stream), 403 (no role assignment on the DCR),
 * 401 from ingestion, a token Entra refuses (wrong secret, unknown client or tenant), and 400 for a
 * chunk of several records (every record of it refused: the real service nulls a value it cannot
 * convert and still answers 204, so a 400 is about the request, not one record).
 * Permanent (dead-letter): a 400 or other 4xx for a single record; a single record still refused with 413.
 * Transient (retry): 408, 429 (with or without Retry-After), 5xx, network errors and timeouts.
 */
export function classifyUploadError(cause: Error, chunkRecords: number, timedOut: boolean): Verdict {
  const e = cause as RestErrorLike;
  if (e.name === 'AbortError' || timedOut) return { kind: 'retry', reason: 'network timeout', status: 'network' };
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.response?.status;
  const isToken = e.errorResponse !== undefined || /^Authentication|^CredentialUnavailable/.test(e.name);
  if (status === undefined && isToken) return classifyTokenError(e);
  if (status === undefined) {
    const code = e.code ?? e.name;
    return { kind: 'retry', reason: `network error ${code}: ${firstLine(e.message)}`, status: 'network' };
  }
  const label = isToken ? `${e.name} (token)` : e.code ?? 'Error';
  const reason = `${status} ${label}: ${firstLine(e.message)}`;
  if (status === 408 || status === 429 || status >= 500) {
    const header = e.response?.headers?.get?.('retry-after') ?? e.response?.headers?.toJSON?.()['retry-after'];
    return { kind: 'retry', reason, status, retryAfterMs: parseRetryAfter(header) };
  }
  if (status === 413 && chunkRecords > 1) return { kind: 'retry', reason, status, alone: true };
  const response = responseOf(e, status);
  if (isToken && (status === 400 || status === 401)) return { kind: 'config', reason, problem: 'credentials', response, status };
  if (status === 404) {
    const problem = /\bstream\b/i.test(e.message) ? 'stream' : /data collection rule/i.test(e.message) ? 'dcr' : 'dcr-or-stream';
    return { kind: 'config', reason, problem, response, status };
  }
  if (status === 403) return { kind: 'config', reason, problem: 'role', response, status };
  if (status === 401) return { kind: 'config', reason, problem: 'audience', response, status };
  if (status === 400 && chunkRecords > 1) return { kind: 'config', reason, problem: 'schema', response, status };
  return { kind: 'dead-letter', reason, response, status };
}
