// Exponential backoff with jitter (50–100 % of the step), and Retry-After parsing.
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const step = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}

const RETRY_AFTER_CAP_MS = 10 * 60_000;

/** `Retry-After` as delta-seconds or an HTTP-date → ms to wait; undefined when absent or unparseable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.min(RETRY_AFTER_CAP_MS, Math.round(Number(v) * 1000));
  const at = Date.parse(v);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, at - now));
}
