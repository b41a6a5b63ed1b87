// dtlab diff: what changed between two runs' JSON reports — scenarios, expectations that passed and
// now fail (regressions) or the other way round, alert counts, latency percentiles, throughput and
// the mock's answers — each with A's value, B's and the delta.
import type { LatencySummary, RunReport } from './model.ts';

export interface Change {
  /** What is compared: `alerts.Policy Breach.lost`, `latency.p99`, … */
  key: string;
  a: number | null;
  b: number | null;
  /** b − a; null when one side lacks it. */
  delta: number | null;
}

export interface ExpectationChange {
  name: string;
  /** regressed: passed in A, fails in B; fixed: the other way; added/removed: only in one; measured: same verdict, other measurement. */
  change: 'regressed' | 'fixed' | 'added' | 'removed' | 'measured';
  a?: { passed: boolean; measured: string };
  b?: { passed: boolean; measured: string };
}

export interface ScenarioDiff {
  scenario: string;
  /** Present in A only, B only, or both. */
  presence: 'both' | 'onlyA' | 'onlyB';
  passed: { a: boolean | null; b: boolean | null };
  expectations: ExpectationChange[];
  /** Every figure compared that changed. */
  changes: Change[];
}

export interface RunDiff {
  /** True when an expectation (or a whole scenario) that passed in A fails in B: dtlab diff exits 1. */
  regressed: boolean;
  scenarios: ScenarioDiff[];
}

/** The scenarios of a `--json` report: one report object, or `{ passed, scenarios: [...] }`. */
export function reportsOf(json: unknown, file: string): RunReport[] {
  const isReport = (v: unknown): v is RunReport =>
    typeof v === 'object' && v !== null && typeof (v as RunReport).scenario === 'string' && Array.isArray((v as RunReport).expectations);
  if (isReport(json)) return [json];
  const list = (json as { scenarios?: unknown })?.scenarios;
  if (Array.isArray(list) && list.every(isReport)) return list;
  throw new Error(`${file}: not a dtlab run report (dtlab run --json FILE writes one)`);
}

/** Latency figures compared, and their names in the diff. */
const LATENCY: ReadonlyArray<[keyof Omit<LatencySummary, 'unit'>, string]> = [
  ['count', 'latency.alerts'],
  ['p50', 'latency.p50 ms'],
  ['p90', 'latency.p90 ms'],
  ['p95', 'latency.p95 ms'],
  ['p99', 'latency.p99 ms'],
  ['p999', 'latency.p999 ms'],
  ['max', 'latency.max ms'],
  ['mean', 'latency.mean ms'],
];

/** The figures of one report that a diff compares, flat. */
function figures(r: RunReport): Map<string, number> {
  const out = new Map<string, number>();
  for (const [type, c] of Object.entries(r.alerts ?? {})) for (const k of ['generated', 'landed', 'duplicates', 'lost'] as const) out.set(`alerts.${type}.${k}`, c[k]);
  for (const [k, name] of LATENCY) if (typeof r.latency?.[k] === 'number') out.set(name, r.latency[k]);
  if (r.throughput) {
    out.set('throughput.landedPerSecond', r.throughput.landedPerSecond);
    out.set('throughput.peakPerSecond', r.throughput.peakPerSecond);
  }
  if (r.requests) {
    out.set('requests.total', r.requests.total);
    out.set('requests.injected', r.requests.injected);
    for (const [status, n] of Object.entries(r.requests.byStatus ?? {})) out.set(`requests.status ${status}`, n);
  }
  if (r.connector?.deadLettered !== undefined) out.set('connector.deadLettered', r.connector.deadLettered);
  if (typeof r.wallSeconds === 'number') out.set('wallSeconds', r.wallSeconds);
  return out;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function diffScenario(a: RunReport | undefined, b: RunReport | undefined): ScenarioDiff {
  const scenario = (a ?? b)!.scenario;
  const presence = a && b ? 'both' : a ? 'onlyA' : 'onlyB';
  const expectations: ExpectationChange[] = [];
  const byName = (r: RunReport | undefined) => new Map((r?.expectations ?? []).map((e) => [e.name, e]));
  const ea = byName(a);
  const eb = byName(b);
  for (const name of new Set([...ea.keys(), ...eb.keys()])) {
    const x = ea.get(name);
    const y = eb.get(name);
    const side = (e: typeof x) => (e ? { passed: e.passed, measured: e.measured } : undefined);
    let change: ExpectationChange['change'] | undefined;
    if (x && y) change = x.passed && !y.passed ? 'regressed' : !x.passed && y.passed ? 'fixed' : x.measured !== y.measured ? 'measured' : undefined;
    else change = x ? 'removed' : 'added';
    if (change && (presence === 'both' || change === 'regressed' || change === 'fixed')) expectations.push({ name, change, ...(x ? { a: side(x) } : {}), ...(y ? { b: side(y) } : {}) });
  }
  const changes: Change[] = [];
  const fa = a ? figures(a) : new Map<string, number>();
  const fb = b ? figures(b) : new Map<string, number>();
  if (presence === 'both') {
    for (const key of new Set([...fa.keys(), ...fb.keys()])) {
      const x = fa.get(key) ?? null;
      const y = fb.get(key) ?? null;
      if (x === y) continue;
      changes.push({ key, a: x, b: y, delta: x !== null && y !== null ? round(y - x) : null });
    }
  }
  return { scenario, presence, passed: { a: a ? a.passed : null, b: b ? b.passed : null }, expectations, changes };
}

export function diffRuns(a: readonly RunReport[], b: readonly RunReport[]): RunDiff {
  const names = [...new Set([...a.map((r) => r.scenario), ...b.map((r) => r.scenario)])];
  const scenarios = names.map((n) => diffScenario(a.find((r) => r.scenario === n), b.find((r) => r.scenario === n)));
  // A scenario that passed and now fails without an expectation turning (a run error) regresses too.
  const regressed = scenarios.some((s) => s.expectations.some((e) => e.change === 'regressed') || (s.passed.a === true && s.passed.b === false));
  return { regressed, scenarios };
}

function num(v: number | null): string {
  return v === null ? '—' : String(v);
}

function signed(v: number | null): string {
  return v === null ? '' : v > 0 ? `+${v}` : String(v);
}

export function diffText(d: RunDiff, files: { a: string; b: string }): string {
  const out: string[] = [`dtlab diff  A ${files.a}  →  B ${files.b}`];
  for (const s of d.scenarios) {
    out.push('');
    const verdict = (p: boolean | null) => (p === null ? 'absent' : p ? 'PASS' : 'FAIL');
    out.push(`scenario ${s.scenario}: ${verdict(s.passed.a)} → ${verdict(s.passed.b)}${s.presence === 'onlyA' ? ' (only in A)' : s.presence === 'onlyB' ? ' (only in B)' : ''}`);
    for (const e of s.expectations) {
      const mark = e.change === 'regressed' ? 'REGRESSED' : e.change === 'fixed' ? 'fixed' : e.change;
      const from = e.a ? `${e.a.passed ? 'ok' : 'FAIL'} ${e.a.measured}` : '—';
      const to = e.b ? `${e.b.passed ? 'ok' : 'FAIL'} ${e.b.measured}` : '—';
      out.push(`  ${mark.padEnd(9)}  ${e.name}: ${from} → ${to}`);
    }
    if (s.changes.length) {
      const width = Math.max(...s.changes.map((c) => c.key.length));
      for (const c of s.changes) out.push(`  ${c.key.padEnd(width)}  ${num(c.a).padStart(10)} → ${num(c.b).padEnd(10)} ${signed(c.delta)}`);
    } else if (s.presence === 'both' && !s.expectations.length) out.push('  no change');
  }
  out.push('');
  const regressions = d.scenarios.reduce((n, s) => n + s.expectations.filter((e) => e.change === 'regressed').length, 0);
  out.push(d.regressed ? `REGRESSED: ${regressions} expectation(s) that passed in A fail in B` : 'no regression: nothing that passed in A fails in B');
  return out.join('\n') + '\n';
}
