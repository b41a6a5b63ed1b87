// Turns a scenario's expectations and what the run observed into pass/fail results with expected
// and measured values, a message that says what to look at when one fails, and up to five samples
// (rows, requests, alerts) that show why.
import type { AlertType, Bound, Expectations, QueryExpectation, WhereValue, ColumnType } from '../scenario/types.ts';
import { ALERT_TYPES } from '../scenario/types.ts';
import { durationMs, formatDuration, ratePerSecond } from '../scenario/units.ts';
import type { AlertCounts, ExpectationResult, Sample } from '../reports/model.ts';
import type { Observations } from './observations.ts';
import { alertKey, alertLabel, LEGACY_TABLE } from './identity.ts';
import { reliedOnColumns, FORBIDDEN_SUFFIXED } from './columns.ts';
import { analyticsResults } from './evaluate-analytics.ts';
import { boundedCount, formatBound, withinBound, result, rowSample } from './expectation-result.ts';
import { auditFlagResults, requestSample, requestsResults, retryAfterResult } from './evaluate-requests.ts';
import { connectorResults } from './evaluate-connector.ts';
import { nullRateResults } from './evaluate-null-rate.ts';
import { QueryFailure } from './query-failure.ts';

export { formatBound, withinBound };

/** Generated instances per alert key (a system alert can be raised again under its uuid and status). */
function multiplicity(obs: Pick<Observations, 'generated'>, type: AlertType): Map<string, { m: number; id: string; status?: string }> {
  const out = new Map<string, { m: number; id: string; status?: string }>();
  for (const g of obs.generated) {
    if (g.type !== type) continue;
    const key = alertKey(type, g.id, g.status);
    const e = out.get(key);
    if (e) e.m++;
    else out.set(key, { m: 1, id: g.id, ...(g.status !== undefined ? { status: g.status } : {}) });
  }
  return out;
}

type SinkCounts = NonNullable<Observations['landedBySink']>[number];

/** Each sink's landings: `landedBySink` in a dual run, else the one sink. */
function sinkLandings(obs: Pick<Observations, 'sink' | 'landedCounts' | 'landedBySink'>): SinkCounts[] {
  return obs.landedBySink ?? [{ sink: obs.sink, landedCounts: obs.landedCounts, enabled: true }];
}

/** The sinks `landed` and `nothingLost` judge: those still enabled at the end (a cutover's legacy side is not). */
function judgedSinks(obs: Pick<Observations, 'sink' | 'landedCounts' | 'landedBySink'>): SinkCounts[] {
  const all = sinkLandings(obs);
  const on = all.filter((s) => s.enabled);
  return on.length ? on : all;
}

/** Generated / landed / duplicates / lost per alert type and sink, keyed by dtProduct (legacy table) or stream table. */
export function alertCounts(obs: Pick<Observations, 'sink' | 'generated' | 'landedCounts' | 'landedBySink'>): Record<string, AlertCounts> {
  const out: Record<string, AlertCounts> = {};
  for (const side of sinkLandings(obs)) {
    for (const type of ALERT_TYPES) {
      let generated = 0;
      let landed = 0;
      let duplicates = 0;
      for (const [key, { m }] of multiplicity(obs, type)) {
        const n = side.landedCounts.get(key) ?? 0;
        generated += m;
        landed += Math.min(n, m);
        duplicates += Math.max(0, n - m);
      }
      if (generated) out[alertLabel(type, side.sink)] = { generated, landed, duplicates, lost: generated - landed };
    }
  }
  return out;
}

/** The generated alerts of `type` that did not all land, with their identity (a sample). */
function lostAlerts(obs: Pick<Observations, 'generated' | 'landedCounts'>, type: AlertType, limit = 5): Sample[] {
  const out: Sample[] = [];
  for (const [key, { m, id, status }] of multiplicity(obs, type)) {
    if (out.length >= limit) break;
    const landed = obs.landedCounts.get(key) ?? 0;
    if (landed < m) {
      out.push({ type, id, ...(status !== undefined ? { status } : {}), generated: m, landed });
    }
  }
  return out;
}

/** Alerts that landed more than once, with their identity. */
function duplicatedAlerts(obs: Pick<Observations, 'generated' | 'landedCounts'>, limit = 5): Sample[] {
  const out: Sample[] = [];
  for (const type of ALERT_TYPES) {
    for (const [key, { m, id }] of multiplicity(obs, type)) {
      const n = obs.landedCounts.get(key) ?? 0;
      if (n > m && out.length < limit) out.push({ type, id, generated: m, rows: n });
    }
  }
  return out;
}

/** The types `landed` asks for, and which of them may have been generated zero times. */
function landedTypes(spec: NonNullable<Expectations['landed']>, obs: Observations): { types: readonly AlertType[]; mayBeZero: (t: AlertType) => boolean } {
  const long = typeof spec === 'object' && !Array.isArray(spec) ? spec : { types: spec as 'all' | AlertType[] };
  const allowZero = long.allowZero ?? false;
  const mayBeZero = (t: AlertType) => allowZero === true || (Array.isArray(allowZero) && allowZero.includes(t));
  if (long.types !== 'all') return { types: long.types, mayBeZero };
  // all: every type the scenario's traffic asks for, and every type that was generated (stories).
  const declared = new Set<AlertType>(obs.declaredTypes ?? []);
  for (const g of obs.generated) declared.add(g.type);
  return { types: ALERT_TYPES.filter((t) => declared.has(t)), mayBeZero };
}

export async function evaluate(expect: Expectations, obs: Observations): Promise<ExpectationResult[]> {
  const out: ExpectationResult[] = [];
  const counts = alertCounts(obs);

  if (expect.landed !== undefined) {
    const { types, mayBeZero } = landedTypes(expect.landed, obs);
    for (const type of types) for (const side of judgedSinks(obs)) {
      const label = alertLabel(type, side.sink);
      const c = counts[label] ?? { generated: 0, landed: 0, duplicates: 0, lost: 0 };
      if (c.generated === 0 && !mayBeZero(type)) {
        out.push(result(`landed: ${label}`, false, '≥ 1 generated, every one landed', 'none generated', `no ${label} alert was generated, so none could land (allowZero: true if that is fine)`));
        continue;
      }
      const lost = lostAlerts({ generated: obs.generated, landedCounts: side.landedCounts }, type);
      out.push(
        result(
          `landed: ${label}`,
          c.lost === 0,
          `${c.generated} (every generated)`,
          String(c.landed),
          `${c.lost} of ${c.generated} ${label} alerts never landed (first ids: ${lost.map((l) => l.id).join(', ')})`,
          lost,
        ),
      );
    }
  }

  if (expect.nothingLost) {
    // Per sink judged: an alert lost on either side of a dual run is lost (it counts once per side).
    const judged = new Set(judgedSinks(obs).flatMap((side) => ALERT_TYPES.map((t) => alertLabel(t, side.sink))));
    const lost = Object.entries(counts).reduce((n, [label, c]) => n + (judged.has(label) ? c.lost : 0), 0);
    const dead = obs.deadLettered;
    out.push(
      result(
        'nothing lost: landed or dead-lettered',
        dead !== undefined && lost <= dead,
        `lost ≤ dead-lettered`,
        `${lost} not landed, ${dead ?? 'unknown'} dead-lettered`,
        dead === undefined
          ? "the connector's dead-letter count could not be read from its /metrics"
          : `${lost - dead} alerts neither landed nor were dead-lettered`,
        judgedSinks(obs).flatMap((side) => ALERT_TYPES.flatMap((t) => lostAlerts({ generated: obs.generated, landedCounts: side.landedCounts }, t))),
      ),
    );
  }

  if (expect.duplicates) {
    const dup = Object.values(counts).reduce((n, c) => n + c.duplicates, 0);
    out.push(result('duplicates', withinBound(dup, expect.duplicates), formatBound(expect.duplicates), String(dup), `${dup} rows landed more than once (bound ${formatBound(expect.duplicates)})`, sinkLandings(obs).flatMap((side) => duplicatedAlerts({ generated: obs.generated, landedCounts: side.landedCounts }))));
  }

  if (expect.rejected !== undefined) {
    // Status 0: no answer was sent. A killed connector abandons the requests it had in flight; any
    // beyond what the kills explain count as rejections, as does every other non-2xx answer.
    const abandoned = obs.requests.filter((r) => r.status === 0 && !r.injectedFault);
    const excused = Math.min(abandoned.length, obs.abandonedByKills ?? 0);
    const rejected = [...obs.requests.filter((r) => r.status >= 400 && !r.injectedFault), ...abandoned.slice(excused)];
    const byStatus = new Map<string, number>();
    for (const r of rejected) {
      const k = `${r.status}${r.errorCode ? ` ${r.errorCode}` : ''}`;
      byStatus.set(k, (byStatus.get(k) ?? 0) + 1);
    }
    const detail = [...[...byStatus].map(([k, n]) => `${k}×${n}`), ...(excused ? [`${excused} abandoned by a killed connector, not counted`] : [])].join(', ');
    const bound: Bound = expect.rejected === 'injectedOnly' ? { max: 0 } : expect.rejected;
    out.push(
      result(
        expect.rejected === 'injectedOnly' ? 'no rejected requests but injected ones' : 'rejected requests (not injected)',
        withinBound(rejected.length, bound),
        expect.rejected === 'injectedOnly' ? '0 not injected' : formatBound(bound),
        rejected.length || excused ? `${rejected.length} (${detail})` : '0',
        `the mock rejected ${rejected.length} requests that no fault injected: ${detail}`,
        rejected.slice(0, 5).map(requestSample),
      ),
    );
  }

  out.push(...requestsResults(expect.requests ?? [], obs.requests));
  out.push(...auditFlagResults(expect.auditFlags ?? [], obs.requests));
  if (expect.retryAfter) out.push(retryAfterResult(expect.retryAfter, obs.requests));

  if (expect.deadLettered) {
    out.push(boundedCount('dead-lettered', obs.deadLettered, expect.deadLettered, "the connector's dead-letter count could not be read from its /metrics"));
  }

  if (expect.columns !== undefined) out.push(...columnResults(expect.columns, obs));

  for (const [key, bound] of Object.entries(expect.latency ?? {})) {
    const limit = durationMs(bound!);
    const measured = obs.latency[key as 'p50'];
    out.push(
      result(
        `latency ${key}`,
        obs.latency.count > 0 && measured <= limit,
        `≤ ${formatDuration(limit)}`,
        obs.latency.count ? formatDuration(measured) : 'no alert landed',
        obs.latency.count ? `${key} latency ${formatDuration(measured)} is over the bound ${formatDuration(limit)}` : 'no latency was measured: no alert landed',
      ),
    );
  }

  if (expect.throughput) {
    const min = ratePerSecond(expect.throughput.min);
    out.push(
      result(
        'throughput',
        obs.landedPerSecond >= min,
        `≥ ${min.toFixed(1)} rows/s`,
        `${obs.landedPerSecond.toFixed(1)} rows/s`,
        `landed ${obs.landedPerSecond.toFixed(1)} rows/s, below ${min.toFixed(1)}`,
      ),
    );
  }

  out.push(...(await nullRateResults(expect.nullRate ?? [], obs.tables, obs.rows)));
  for (const q of expect.queries ?? []) out.push(await queryResult(q, obs));
  if (expect.connector) out.push(...connectorResults(expect.connector, obs.connector, obs.generated.length));
  // Analytics: the `analytics` group, and the first spelling (top-level alerts/incidents) still accepted.
  const alerts = [...(expect.analytics?.alerts ?? []), ...(expect.alerts ?? [])];
  const incidents = [...(expect.analytics?.incidents ?? []), ...(expect.incidents ?? [])];
  out.push(...analyticsResults('alerts', alerts, obs.analytics, obs.generated));
  out.push(...analyticsResults('incidents', incidents, obs.analytics, obs.generated));
  return out;
}

function columnResults(spec: NonNullable<Expectations['columns']>, obs: Observations): ExpectationResult[] {
  const table = spec === 'default' ? LEGACY_TABLE : spec.table;
  const wanted: Record<string, ColumnType> = spec === 'default' || spec.columns === undefined || spec.columns === 'default' ? reliedOnColumns() : spec.columns;
  const forbid = spec === 'default' ? FORBIDDEN_SUFFIXED : spec.forbid ?? [];
  const info = obs.tables.find((t) => t.name === table);
  const name = `columns of ${table}`;
  const expected = `${Object.keys(wanted).length} columns with their types${forbid.length ? `, none of ${forbid.length} forbidden` : ''}`;
  if (!info) return [result(name, false, expected, 'table does not exist', `table ${table} never landed`)];
  const have = new Map(info.columns.map((c) => [c.name, c.type]));
  const missing = Object.keys(wanted).filter((c) => !have.has(c));
  const wrong = Object.entries(wanted)
    .filter(([c, t]) => have.has(c) && have.get(c) !== t)
    .map(([c, t]) => `${c} is ${have.get(c)} (expected ${t})`);
  const present = forbid.filter((c) => have.has(c));
  const problems = [
    missing.length ? `missing: ${missing.join(', ')}` : '',
    wrong.length ? `wrong type: ${wrong.join(', ')}` : '',
    present.length ? `forbidden present: ${present.join(', ')}` : '',
  ].filter(Boolean);
  const ok = Object.keys(wanted).length - missing.length - wrong.length;
  return [result(name, problems.length === 0, expected, problems.length ? `${ok} right; ${problems.join('; ')}` : `${ok} right`, `${table}: ${problems.join('; ')}`)];
}

function matches(value: unknown, cond: WhereValue): boolean {
  if (cond === null || typeof cond !== 'object') return value === cond || (typeof cond === 'string' && typeof value === 'string' && value === cond);
  if ('exists' in cond && cond.exists !== undefined && (value !== null && value !== undefined) !== cond.exists) return false;
  if ('eq' in cond && value !== cond.eq) return false;
  if ('ne' in cond && value === cond.ne) return false;
  if (cond.contains !== undefined && !(typeof value === 'string' && value.includes(cond.contains))) return false;
  if (cond.startsWith !== undefined && !(typeof value === 'string' && value.startsWith(cond.startsWith))) return false;
  if (cond.gt !== undefined && !(typeof value === 'number' && value > cond.gt)) return false;
  if (cond.lt !== undefined && !(typeof value === 'number' && value < cond.lt)) return false;
  if (cond.in !== undefined && !cond.in.includes(value)) return false;
  return true;
}

async function queryResult(q: QueryExpectation, obs: Observations): Promise<ExpectationResult> {
  const name = `query: ${q.name}`;
  let count: number;
  let rows: unknown[][] | undefined;
  let columns: string[] = [];
  let matched: Record<string, unknown>[] = [];
  try {
    if (q.kql !== undefined) {
      const r = await obs.kql(q.kql);
      rows = r.rows;
      columns = r.columns;
      count = r.rows.length;
    } else {
      const table = q.table ?? LEGACY_TABLE;
      const all = await obs.rows(table);
      matched = all.filter((row) => Object.entries(q.where ?? {}).every(([col, cond]) => matches(row[col], cond)));
      count = matched.length;
    }
  } catch (err) {
    if (q.error !== undefined) {
      const ok = err instanceof QueryFailure && err.hasCode(q.error);
      const got = err instanceof QueryFailure ? (err.innerCode ?? err.code ?? String(err.status)) : 'no error code';
      return result(name, ok, `fails with ${q.error}`, `failed with ${got}`, `the query failed with ${got}, not ${q.error}: ${(err as Error).message}`);
    }
    return result(name, false, describeCount(q), 'query failed', `the query failed: ${(err as Error).message}`);
  }
  const asSamples = (): Sample[] =>
    rows ? rows.slice(0, 5).map((r) => rowSample(Object.fromEntries(columns.map((c, i) => [c, r[i]])))) : matched.slice(0, 5).map((r) => rowSample(r, Object.keys(q.where ?? {})));
  if (q.error !== undefined) {
    return result(name, false, `fails with ${q.error}`, `succeeded with ${count} rows`, `the query was expected to fail with ${q.error} but returned ${count} rows`, asSamples());
  }
  if (q.rows !== undefined) {
    const same = JSON.stringify(rows) === JSON.stringify(q.rows);
    return result(name, same, JSON.stringify(q.rows), JSON.stringify(rows), `the query returned other rows than expected`, asSamples());
  }
  const c = q.count!;
  let bound: Bound;
  if (typeof c === 'number') bound = { equals: c };
  else if ('generated' in c) bound = { equals: obs.generated.filter((g) => g.type === c.generated).length };
  else bound = c;
  const expected = typeof c === 'object' && 'generated' in c ? `${formatBound(bound)} (generated ${c.generated})` : formatBound(bound);
  return result(name, withinBound(count, bound), expected, `${count} rows`, `the query matched ${count} rows; expected ${expected}`, asSamples());
}

function describeCount(q: QueryExpectation): string {
  if (q.error !== undefined) return `fails with ${q.error}`;
  if (q.rows) return JSON.stringify(q.rows);
  const c = q.count!;
  return typeof c === 'number' ? `= ${c}` : 'generated' in c ? `= generated ${c.generated}` : formatBound(c);
}
