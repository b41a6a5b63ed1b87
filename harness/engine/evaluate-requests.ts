// Expectations on the mock's audit log: requests matching route/table/stream/status/error, the
// policies it flagged per table and column, and whether clients waited out every Retry-After.
import type { AuditFlagExpectation, RequestsExpectation, RetryAfterExpectation } from '../scenario/types.ts';
import type { ExpectationResult, Sample } from '../reports/model.ts';
import type { RequestRecord } from './observations.ts';
import { formatBound, result, withinBound } from './expectation-result.ts';
import { formatDuration } from '../scenario/units.ts';

/** A request as a sample: when, where, what it was answered. */
export function requestSample(r: RequestRecord): Sample {
  const s: Sample = {};
  if (r.time !== undefined) s.time = new Date(r.time).toISOString();
  s.route = r.route;
  if (r.table) s.table = r.table;
  if (r.stream) s.stream = r.stream;
  s.status = r.status;
  if (r.errorCode) s.error = r.errorCode;
  if (r.injectedFault) s.injected = r.injectedFault;
  if (r.retryAfterSeconds !== undefined && r.retryAfterSeconds !== null) s.retryAfter = r.retryAfterSeconds;
  return s;
}

function tables(r: RequestRecord): string[] {
  // A Logs Ingestion request whose stream flows into several tables lists them comma-separated.
  return r.table ? r.table.split(',') : [];
}

export function requestsMatching(req: RequestsExpectation, requests: readonly RequestRecord[]): RequestRecord[] {
  return requests.filter(
    (r) =>
      (req.status === undefined || r.status === req.status) &&
      (req.error === undefined || r.errorCode === req.error) &&
      (req.injected === undefined || Boolean(r.injectedFault) === req.injected) &&
      (req.route === undefined || r.route === req.route) &&
      (req.table === undefined || tables(r).includes(req.table)) &&
      (req.stream === undefined || r.stream === req.stream),
  );
}

function describeFilter(req: RequestsExpectation): string {
  const parts = [
    req.route && `on ${req.route}`,
    req.table && `to ${req.table}`,
    req.stream && `stream ${req.stream}`,
    req.status !== undefined && `answered ${req.status}`,
    req.error && `error ${req.error}`,
    req.injected !== undefined && (req.injected ? '(injected)' : '(not injected)'),
  ].filter(Boolean);
  return `requests ${parts.join(' ') || '(all)'}`;
}

export function requestsResults(expectations: readonly RequestsExpectation[], requests: readonly RequestRecord[]): ExpectationResult[] {
  return expectations.map((req) => {
    const matching = requestsMatching(req, requests);
    const label = req.name ?? describeFilter(req);
    const ok = withinBound(matching.length, req);
    // Too many: the extra ones show why. Too few: what the same route answered instead.
    const tooMany = req.max !== undefined && matching.length > req.max || req.equals !== undefined && matching.length > req.equals;
    const samples = tooMany ? matching : requests.filter((r) => req.route === undefined || r.route === req.route).filter((r) => !matching.includes(r)).slice(-5);
    return result(label, ok, formatBound(req), String(matching.length), `${matching.length} ${describeFilter(req)}; expected ${formatBound(req)}`, samples.slice(0, 5).map(requestSample));
  });
}

export function auditFlagResults(expectations: readonly AuditFlagExpectation[], requests: readonly RequestRecord[]): ExpectationResult[] {
  return expectations.map((e) => {
    let count = 0;
    const samples: Sample[] = [];
    const perColumn = new Map<string, number>();
    for (const r of requests) {
      for (const n of r.notes ?? []) {
        if (n.kind !== e.flag || (e.table !== undefined && n.table !== e.table) || (e.column !== undefined && n.column !== e.column)) continue;
        count += n.count;
        const key = `${n.table ?? '?'}.${n.column ?? '?'}`;
        perColumn.set(key, (perColumn.get(key) ?? 0) + n.count);
        if (samples.length < 5) samples.push({ ...requestSample(r), flag: n.kind, column: n.column, values: n.count });
      }
    }
    const where = [e.table, e.column].filter(Boolean).join('.');
    const label = e.name ?? `audit flag ${e.flag}${where ? ` on ${where}` : ''}`;
    const detail = [...perColumn].map(([k, n]) => `${k}×${n}`).join(', ');
    return result(label, withinBound(count, e), formatBound(e), detail ? `${count} (${detail})` : String(count), `the mock flagged ${count} values ${e.flag}${where ? ` on ${where}` : ''}; expected ${formatBound(e)}`, samples);
  });
}

/** Clocks are read to the millisecond at both ends: a wait this much short of Retry-After is rounding, not a client's haste. */
const ROUNDING_MS = 2;

/**
 * For each answer with Retry-After (429/503), the next request of the same client (audit `client`,
 * same route) that started after the answer went out: the gap must be at least Retry-After. Requests
 * already in flight when the answer went out are not its retries.
 */
export function retryAfterResult(e: RetryAfterExpectation, requests: readonly RequestRecord[]): ExpectationResult {
  const name = `retries wait out Retry-After${e.route ? ` on ${e.route}` : ''}`;
  const min = e.minThrottled ?? 1;
  const timed = requests.filter((r) => r.time !== undefined && r.durationMs !== undefined).sort((a, b) => a.time! - b.time!);
  const throttled = timed.filter((r) => (r.status === 429 || r.status === 503) && typeof r.retryAfterSeconds === 'number' && (e.route === undefined || r.route === e.route));
  const gaps: Array<{ answer: RequestRecord; next: RequestRecord; gapMs: number; waitMs: number }> = [];
  for (const answer of throttled) {
    const end = answer.time! + answer.durationMs!;
    const next = timed.find((r) => r !== answer && r.route === answer.route && (r.client ?? null) === (answer.client ?? null) && r.time! >= end);
    if (next) gaps.push({ answer, next, gapMs: next.time! - end, waitMs: answer.retryAfterSeconds! * 1000 });
  }
  const expected = `every next attempt ≥ Retry-After (${min}+ throttled answers)`;
  if (gaps.length < min) {
    return result(name, false, expected, `${gaps.length} throttled answers with a next attempt (${throttled.length} with Retry-After)`, `only ${gaps.length} 429/503 answers with Retry-After were followed by another attempt of the same client; nothing to check below ${min}`);
  }
  const early = gaps.filter((g) => g.gapMs + ROUNDING_MS < g.waitMs).sort((a, b) => a.gapMs - a.waitMs - (b.gapMs - b.waitMs));
  const smallest = gaps.reduce((a, b) => (b.gapMs - b.waitMs < a.gapMs - a.waitMs ? b : a));
  const measured = `smallest gap ${formatDuration(smallest.gapMs)} after Retry-After ${smallest.answer.retryAfterSeconds}s (${gaps.length} checked${early.length ? `, ${early.length} early` : ''})`;
  const samples = early.map((g) => ({ ...requestSample(g.answer), nextAttempt: new Date(g.next.time!).toISOString(), gapMs: g.gapMs }));
  return result(name, early.length === 0, expected, measured, `${early.length} of ${gaps.length} attempts came sooner than the Retry-After of the answer before them`, samples);
}
