// What a failed chunk's error (as the SDK hands it to `onError`) means for its records. Ingestion
// errors are the pipeline's RestError (statusCode, code, response); token errors are @azure/identity's
// AuthenticationError (statusCode, errorResponse with the AADSTS description).
import { parseRetryAfter } from '../../delivery/backoff.ts';
import type { SinkResponse } from '../sink.ts';

export type Verdict =
  | { kind: 'delivered'; status?: undefined }
  | { kind: 'dead-letter'; reason: string; response?: SinkResponse; status?: number | 'network' }
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
    return { kind: 'dead-letter', reason: `${e.name} (token): ${message}`, status: 'network' };
  }
  // Transient AADSTS codes, temporarily_unavailable (Entra 429/503), network_error, discovery failures: keep and retry.
  return { kind: 'retry', reason: `token ${e.name}: ${message}`, status: 'network' };
}

/**
 * Permanent (dead-letter): 400, 401, 403 and other 4xx from ingestion; a refused token (Entra 400/401:
 * wrong secret, unknown client or tenant); a single record still refused with 413.
 * Transient (retry): 408, 429 (with or without Retry-After), 5xx, network errors and timeouts, and
 * 404 (an unknown DCR or stream is a configuration mistake: records stay spooled until it is fixed).
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
  if (status === 404 && !isToken) return { kind: 'retry', reason: `${reason} (check sentinel.dcrImmutableId and sentinel.streams)`, status };
  return { kind: 'dead-letter', reason, response: responseOf(e, status), status };
}
