// DuckDB result values → Log Analytics Query API JSON values.
// datetime: ISO-8601 UTC with milliseconds (store contract); long/int/real: numbers;
// bool: booleans; guid: lower-case string; timespan: "[d.]hh:mm:ss[.fffffff]";
// string: "" for a missing value (a Kusto string is never null);
// dynamic: JSON text in a string, as the real API sends it (`dynamic: 'json'` sends parsed JSON).
import type { Column } from './context.ts';

export type DynamicRendering = 'string' | 'json';

function isoFromMicros(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  return new Date(Number(ms)).toISOString();
}

export function timespanText(us: bigint): string {
  const neg = us < 0n;
  let a = neg ? -us : us;
  const day = 86_400_000_000n;
  const days = a / day;
  a %= day;
  const pad = (n: bigint, w = 2) => n.toString().padStart(w, '0');
  const h = a / 3_600_000_000n;
  const m = (a / 60_000_000n) % 60n;
  const s = (a / 1_000_000n) % 60n;
  const frac = a % 1_000_000n;
  return `${neg ? '-' : ''}${days ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}${frac ? `.${pad(frac * 10n, 7)}` : ''}`;
}

function toNumber(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

export function renderValue(value: unknown, type: Column['type'], dynamic: DynamicRendering): unknown {
  switch (type) {
    case 'string':
      return value === null || value === undefined ? '' : String(value);
    case 'datetime':
      return value === null || value === undefined ? null : isoFromMicros(BigInt(value as bigint));
    case 'timespan':
      return value === null || value === undefined ? null : timespanText(BigInt(value as bigint));
    case 'long':
    case 'int':
    case 'real':
      return toNumber(value);
    case 'bool':
      return value === null || value === undefined ? null : Boolean(value);
    case 'guid':
      return value === null || value === undefined ? null : String(value).toLowerCase();
    case 'dynamic':
      if (dynamic === 'json') return value === null || value === undefined ? null : JSON.parse(String(value));
      return value === null || value === undefined ? '' : String(value);
  }
}
