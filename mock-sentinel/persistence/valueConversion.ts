// JS values ↔ DuckDB values for the store's column types. Writes are forgiving (a value that does not
// fit its column is stored as null); reads render the JSON shapes of docs/decisions/0001.
import {
  DuckDBTimestampTZValue,
  DuckDBUUIDValue,
  type DuckDBAppender,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { LaType } from './columnTypes.ts';

const GUID_HEX = /^[0-9a-fA-F]{32}$/;

export function toEpochMicros(value: unknown): bigint | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? BigInt(ms) * 1000n : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value)) * 1000n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isFinite(ms)) return undefined;
    // Date keeps milliseconds; keep microseconds when the string has them.
    const fraction = /\.(\d{4,6})/.exec(value);
    const micros = fraction ? BigInt(fraction[1]!.padEnd(6, '0').slice(3, 6)) : 0n;
    return BigInt(ms) * 1000n + micros;
  }
  return undefined;
}

// Only UTC text goes straight through: DuckDB's cast (without ICU) ignores a ±hh:mm offset.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

/** Text DuckDB casts to TIMESTAMPTZ exactly (microseconds kept), or null when the value is no instant. */
function datetimeText(value: unknown): string | null {
  if (typeof value === 'string' && ISO_UTC.test(value) && Number.isFinite(Date.parse(value))) return value;
  const micros = toEpochMicros(value);
  if (micros === undefined) return null;
  const ms = Number(micros / 1000n);
  const date = new Date(ms);
  if (!Number.isFinite(date.getTime())) return null;
  const extra = Number(micros % 1000n);
  return extra === 0 ? date.toISOString() : date.toISOString().replace('Z', `${String(extra).padStart(3, '0')}Z`);
}

export function guidToUint128(value: string): bigint | undefined {
  const hex = value.replaceAll('-', '');
  return GUID_HEX.test(hex) ? BigInt(`0x${hex}`) : undefined;
}

/** Appends one value to the appender's current column; null when it does not convert. */
export function appendValue(appender: DuckDBAppender, type: LaType, value: unknown): void {
  if (value === null || value === undefined) {
    appender.appendNull();
    return;
  }
  switch (type) {
    case 'string':
      appender.appendVarchar(typeof value === 'string' ? value : JSON.stringify(value));
      return;
    case 'double': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (Number.isNaN(n)) appender.appendNull();
      else appender.appendDouble(n);
      return;
    }
    case 'boolean':
      if (typeof value === 'boolean') appender.appendBoolean(value);
      else if (value === 'true' || value === 'false') appender.appendBoolean(value === 'true');
      else appender.appendNull();
      return;
    case 'datetime': {
      const micros = toEpochMicros(value);
      if (micros === undefined) appender.appendNull();
      else appender.appendTimestampTZ(new DuckDBTimestampTZValue(micros));
      return;
    }
    case 'guid': {
      const n = typeof value === 'string' ? guidToUint128(value) : undefined;
      if (n === undefined) appender.appendNull();
      else appender.appendUUID(DuckDBUUIDValue.fromUint128(n));
      return;
    }
    case 'int':
    case 'long': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isFinite(n)) appender.appendNull();
      else if (type === 'int') appender.appendInteger(Math.trunc(n) | 0);
      else appender.appendBigInt(BigInt(Math.trunc(n)));
      return;
    }
    case 'dynamic':
      appender.appendVarchar(JSON.stringify(value));
      return;
  }
}

export type ValueWriter = (appender: DuckDBAppender, value: unknown) => void;

/**
 * A writer for one column of one insert batch. Guid and datetime conversions are cached: a batch
 * repeats the same TenantId and often the same TimeGenerated on every row.
 */
export function columnWriter(type: LaType): ValueWriter {
  // Guids and datetimes go in as validated text that DuckDB casts: much cheaper than building
  // DuckDBUUIDValue/DuckDBTimestampTZValue objects per row.
  if (type === 'guid') {
    const cache = new Map<string, string | null>();
    return (appender, value) => {
      if (typeof value !== 'string') return appender.appendNull();
      let text = cache.get(value);
      if (text === undefined) {
        text = guidToUint128(value) === undefined ? null : value;
        if (cache.size < 4096) cache.set(value, text);
      }
      if (text === null) appender.appendNull();
      else appender.appendVarchar(text);
    };
  }
  if (type === 'datetime') {
    let lastInput: unknown;
    let lastText: string | null = null;
    return (appender, value) => {
      if (value === null || value === undefined) return appender.appendNull();
      if (value !== lastInput) {
        lastInput = value;
        lastText = datetimeText(value);
      }
      if (lastText === null) appender.appendNull();
      else appender.appendVarchar(lastText);
    };
  }
  if (type === 'string') {
    return (appender, value) => {
      if (typeof value === 'string') appender.appendVarchar(value);
      else if (value === null || value === undefined) appender.appendNull();
      else appender.appendVarchar(JSON.stringify(value));
    };
  }
  if (type === 'double') {
    return (appender, value) => {
      if (typeof value === 'number') appender.appendDouble(value);
      else appendValue(appender, type, value);
    };
  }
  return (appender, value) => appendValue(appender, type, value);
}

/** Renders a stored value as admin/query JSON: ISO-8601 ms datetimes, dashed lower-case guids, parsed dynamic. */
export function renderValue(type: LaType, value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'datetime':
      if (value instanceof DuckDBTimestampTZValue) return new Date(Number(value.micros / 1000n)).toISOString();
      return String(value);
    case 'guid':
      return String(value).toLowerCase();
    case 'dynamic':
      try {
        return JSON.parse(String(value));
      } catch {
        return String(value);
      }
    case 'long':
      return typeof value === 'bigint' ? Number(value) : value;
    default:
      return value;
  }
}
