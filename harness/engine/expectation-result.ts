// What every expectation kind shares: bounds, their text, and building a result (with samples that
// show why it failed, only when it failed).
import type { Bound, RatioBound } from '../scenario/types.ts';
import { MAX_SAMPLES, type ExpectationResult, type Sample } from '../reports/model.ts';

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

/** A bound given in a count expectation next to other keys: undefined when it names none. */
export function boundOf(b: Bound): Bound | undefined {
  return b.min === undefined && b.max === undefined && b.equals === undefined ? undefined : { min: b.min, max: b.max, equals: b.equals };
}

export function formatRatio(r: RatioBound): string {
  const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
  if (r.min !== undefined && r.max !== undefined) return `${pct(r.min)}..${pct(r.max)}`;
  return r.min !== undefined ? `≥ ${pct(r.min)}` : `≤ ${pct(r.max ?? 1)}`;
}

export function withinRatio(v: number, r: RatioBound): boolean {
  return (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

export function result(name: string, passed: boolean, expected: string, measured: string, message?: string, samples?: Sample[]): ExpectationResult {
  if (passed) return { name, passed, expected, measured };
  const out: ExpectationResult = { name, passed, expected, measured, message: message ?? `expected ${expected}, measured ${measured}` };
  if (samples?.length) out.samples = samples.slice(0, MAX_SAMPLES);
  return out;
}

/** A count that may be unknown (a service did not answer) against a bound: unknown fails with `unknownWhy`. */
export function boundedCount(name: string, n: number | undefined, bound: Bound, unknownWhy: string, message?: string): ExpectationResult {
  return result(name, n !== undefined && withinBound(n, bound), formatBound(bound), n === undefined ? 'unknown' : String(n), n === undefined ? unknownWhy : message);
}

/** A value as a sample field: scalars as they are, anything else as (cut) JSON text. */
export function sampleValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const text = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/** A landed row as a sample: its first `max` non-null fields, identity columns first when given. */
export function rowSample(row: Record<string, unknown>, first: readonly string[] = [], max = 8): Sample {
  const out: Sample = {};
  const keys = [...first.filter((k) => k in row), ...Object.keys(row).filter((k) => !first.includes(k))];
  for (const k of keys) {
    if (Object.keys(out).length >= max) break;
    if (row[k] === null || row[k] === undefined) {
      if (first.includes(k)) out[k] = null;
      continue;
    }
    out[k] = sampleValue(row[k]);
  }
  return out;
}
