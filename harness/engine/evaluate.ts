// Turns a scenario's expectations and what the run observed into pass/fail results with expected
// and measured values, and a message that says what to look at when one fails.
import type { AlertType, Bound, Expectations, QueryExpectation, WhereValue, ColumnType } from '../scenario/types.ts';
import { ALERT_TYPES } from '../scenario/types.ts';
import { durationMs, formatDuration, ratePerSecond } from '../scenario/units.ts';
import type { AlertCounts, ExpectationResult } from '../reports/model.ts';
import type { Observations } from './observations.ts';
import { alertKey, alertLabel, LEGACY_TABLE } from './identity.ts';
import { reliedOnColumns, FORBIDDEN_SUFFIXED } from './columns.ts';
import { analyticsResults } from './evaluate-analytics.ts';

export function formatBound(b: Bound): string {
  if (b.equals !== undefined) return `= ${b.equals}`;
  if (b.min !== undefined && b.max !== undefined) return `${b.min}..${b.max}`;
  if (b.min !== undefined) return `≥ ${b.min}`;
  return `≤ ${b.max}`;
}

export function withinBound(n: number, b: Bound): boolean {
  if (b.equals !== undefined && n !== b.equals) return false;
  if (b.min !== undefined && n < b.min) return false;
  if (b.max !== undefined && n > b.max) return false;
  return true;
}

function result(name: string, passed: boolean, expected: string, measured: string, message?: string): ExpectationResult {
  return passed ? { name, passed, expected, measured } : { name, passed, expected, measured, message: message ?? `expected ${expected}, measured ${measured}` };
}

/** Generated instances per alert key (a system alert can be raised again under its uuid and status). */
function multiplicity(obs: Pick<Observations, 'generated'>, type: AlertType): Map<string, { m: number; id: string }> {
  const out = new Map<string, { m: number; id: string }>();
  for (const g of obs.generated) {
    if (g.type !== type) continue;
    const key = alertKey(type, g.id, g.status);
    const e = out.get(key);
    if (e) e.m++;
    else out.set(key, { m: 1, id: g.id });
  }
  return out;
}

/** Generated / landed / duplicates / lost per alert type, keyed by dtProduct or stream table. */
export function alertCounts(obs: Pick<Observations, 'sink' | 'generated' | 'landedCounts'>): Record<string, AlertCounts> {
  const out: Record<string, AlertCounts> = {};
  for (const type of ALERT_TYPES) {
    let generated = 0;
    let landed = 0;
    let duplicates = 0;
    for (const [key, { m }] of multiplicity(obs, type)) {
      const n = obs.landedCounts.get(key) ?? 0;
      generated += m;
      landed += Math.min(n, m);
      duplicates += Math.max(0, n - m);
    }
    if (generated) out[alertLabel(type, obs.sink)] = { generated, landed, duplicates, lost: generated - landed };
  }
  return out;
}

function lostIds(obs: Pick<Observations, 'generated' | 'landedCounts'>, type: AlertType, limit = 5): string[] {
  const out: string[] = [];
  for (const [key, { m, id }] of multiplicity(obs, type)) {
    if ((obs.landedCounts.get(key) ?? 0) < m) out.push(id);
    if (out.length >= limit) break;
  }
  return out;
}

export async function evaluate(expect: Expectations, obs: Observations): Promise<ExpectationResult[]> {
  const out: ExpectationResult[] = [];
  const counts = alertCounts(obs);

  if (expect.landed !== undefined) {
    const types = expect.landed === 'all' ? ALERT_TYPES : expect.landed;
    for (const type of types) {
      const label = alertLabel(type, obs.sink);
      const c = counts[label] ?? { generated: 0, landed: 0, duplicates: 0, lost: 0 };
      const lost = lostIds(obs, type);
      out.push(
        result(
          `landed: ${label}`,
          c.lost === 0,
          `${c.generated} (every generated)`,
          String(c.landed),
          `${c.lost} of ${c.generated} ${label} alerts never landed (first ids: ${lost.join(', ')})`,
        ),
      );
    }
  }

  if (expect.nothingLost) {
    const lost = Object.values(counts).reduce((n, c) => n + c.lost, 0);
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
      ),
    );
  }

  if (expect.duplicates) {
    const dup = Object.values(counts).reduce((n, c) => n + c.duplicates, 0);
    out.push(result('duplicates', withinBound(dup, expect.duplicates), formatBound(expect.duplicates), String(dup), `${dup} rows landed more than once (bound ${formatBound(expect.duplicates)})`));
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
      ),
    );
  }

  for (const req of expect.requests ?? []) {
    const matching = obs.requests.filter(
      (r) =>
        r.status === req.status &&
        (req.error === undefined || r.errorCode === req.error) &&
        (req.injected === undefined || Boolean(r.injectedFault) === req.injected),
    ).length;
    const label = req.name ?? `requests answered ${req.status}${req.error ? ` ${req.error}` : ''}${req.injected === undefined ? '' : req.injected ? ' (injected)' : ' (not injected)'}`;
    out.push(result(label, withinBound(matching, req), formatBound(req), String(matching)));
  }

  if (expect.deadLettered) {
    const dead = obs.deadLettered;
    out.push(
      result(
        'dead-lettered',
        dead !== undefined && withinBound(dead, expect.deadLettered),
        formatBound(expect.deadLettered),
        dead === undefined ? 'unknown' : String(dead),
        dead === undefined ? "the connector's dead-letter count could not be read from its /metrics" : undefined,
      ),
    );
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

  for (const q of expect.queries ?? []) out.push(await queryResult(q, obs));
  out.push(...analyticsResults('alerts', expect.alerts ?? [], obs.analytics, obs.generated));
  out.push(...analyticsResults('incidents', expect.incidents ?? [], obs.analytics, obs.generated));
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
  try {
    if (q.kql !== undefined) {
      const r = await obs.kql(q.kql);
      rows = r.rows;
      count = r.rows.length;
    } else {
      const table = q.table ?? LEGACY_TABLE;
      const all = await obs.rows(table);
      count = all.filter((row) => Object.entries(q.where ?? {}).every(([col, cond]) => matches(row[col], cond))).length;
    }
  } catch (err) {
    return result(name, false, describeCount(q), 'query failed', `the query failed: ${(err as Error).message}`);
  }
  if (q.rows !== undefined) {
    const same = JSON.stringify(rows) === JSON.stringify(q.rows);
    return result(name, same, JSON.stringify(q.rows), JSON.stringify(rows), `the query returned other rows than expected`);
  }
  const c = q.count!;
  let bound: Bound;
  if (typeof c === 'number') bound = { equals: c };
  else if ('generated' in c) bound = { equals: obs.generated.filter((g) => g.type === c.generated).length };
  else bound = c;
  const expected = typeof c === 'object' && 'generated' in c ? `${formatBound(bound)} (generated ${c.generated})` : formatBound(bound);
  return result(name, withinBound(count, bound), expected, `${count} rows`, `the query matched ${count} rows; expected ${expected}`);
}

function describeCount(q: QueryExpectation): string {
  if (q.rows) return JSON.stringify(q.rows);
  const c = q.count!;
  return typeof c === 'number' ? `= ${c}` : 'generated' in c ? `= generated ${c.generated}` : formatBound(c);
}
