// JS values ↔ DuckDB values for the store's column types: the parsing helpers writes use (see
// chunkColumns.ts; a value that does not fit its column is stored as null) and the JSON shapes reads
// render (docs/decisions/0001).
import { DuckDBTimestampTZValue, type DuckDBValue } from '@duckdb/node-api';
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

export function guidToUint128(value: string): bigint | undefined {
  const hex = value.replaceAll('-', '');
  return GUID_HEX.test(hex) ? BigInt(`0x${hex}`) : undefined;
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
