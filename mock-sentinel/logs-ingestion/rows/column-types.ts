// DCR column types (ARM KnownColumnDefinitionType, spec B6) and conversion of JSON values to them.
// What cannot convert becomes null and is reported (like DCRLogErrors); the request still succeeds.
export const DCR_COLUMN_TYPES = ['string', 'int', 'long', 'real', 'boolean', 'datetime', 'dynamic'] as const;
export type DcrColumnType = (typeof DCR_COLUMN_TYPES)[number];

export function isDcrColumnType(t: unknown): t is DcrColumnType {
  return typeof t === 'string' && (DCR_COLUMN_TYPES as readonly string[]).includes(t);
}

/** Log Analytics table type of a DCR column type (decision 0001: `real` is stored as `double`). */
export function tableTypeOf(t: DcrColumnType): 'string' | 'int' | 'long' | 'double' | 'boolean' | 'datetime' | 'dynamic' {
  return t === 'real' ? 'double' : t;
}

/** A converted value: string | number | bigint (long beyond 2^53) | boolean | Date | any JSON (dynamic) | null. */
export type CellValue = string | number | bigint | boolean | Date | null | unknown;

export type Conversion = { ok: true; value: CellValue } | { ok: false; reason: string };

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// ISO 8601 date or date-time, optional fraction and zone (no zone = UTC, as Log Analytics reads it).
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Converts one JSON value to a declared column type. `null`/`undefined` → null without a complaint. */
export function convertValue(value: unknown, type: DcrColumnType): Conversion {
  if (value === null || value === undefined) return { ok: true, value: null };
  switch (type) {
    case 'string':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      return { ok: true, value: JSON.stringify(value) };
    case 'int':
      return toInteger(value, BigInt(INT32_MIN), BigInt(INT32_MAX), 'int');
    case 'long':
      return toInteger(value, INT64_MIN, INT64_MAX, 'long');
    case 'real':
      if (typeof value === 'number') return { ok: true, value };
      if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return { ok: true, value: Number(value.trim()) };
      return fail(value, 'real');
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 0 || value === 1) return { ok: true, value: value === 1 };
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return { ok: true, value: value.trim().toLowerCase() === 'true' };
      return fail(value, 'boolean');
    case 'datetime':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail(value, 'datetime') : { ok: true, value };
      if (typeof value === 'string') {
        const d = parseIsoDatetime(value.trim());
        return d ? { ok: true, value: d } : fail(value, 'datetime');
      }
      return fail(value, 'datetime');
    case 'dynamic':
      return { ok: true, value };
  }
}

function toInteger(value: unknown, min: bigint, max: bigint, type: 'int' | 'long'): Conversion {
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) big = BigInt(value.trim());
  else if (typeof value === 'bigint') big = value;
  if (big === undefined) return fail(value, type);
  if (big < min || big > max) return { ok: false, reason: `value ${preview(value)} is out of range for ${type}` };
  const n = Number(big);
  return { ok: true, value: Number.isSafeInteger(n) ? n : big };
}

export function parseIsoDatetime(text: string): Date | undefined {
  const m = ISO_DATETIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0').slice(0, 3)}${z}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  // Reject calendar overflow (2024-02-30 would otherwise roll over to March).
  const check = new Date(date.getTime() + (z === 'Z' ? 0 : offsetMinutes(z) * 60_000));
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() + 1 !== Number(mo)) return undefined;
  return date;
}

function offsetMinutes(z: string): number {
  const sign = z.startsWith('-') ? -1 : 1;
  return sign * (Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6)));
}

function fail(value: unknown, type: DcrColumnType): Conversion {
  return { ok: false, reason: `${describe(value)} ${preview(value)} cannot be converted to ${type}` };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** A short rendering of a value for reports (never the whole of a large value). */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? value.toString() : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
