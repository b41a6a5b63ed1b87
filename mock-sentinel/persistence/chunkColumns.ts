// Column-wise conversion of stored rows into DuckDB data chunks. One `appendDataChunk` per ≤ 2048 rows
// replaces one native appender call per value plus one per row: numbers, booleans, datetimes, guids
// and nulls are written into the chunk's JS-side buffers and copied to DuckDB once per column; only
// non-null strings still cost one native call each (the binding has no bulk string copy).
import {
  DuckDBDataChunk,
  DuckDBTimestampTZValue,
  DuckDBUUIDValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { LaType } from './columnTypes.ts';
import { fillStringVector } from './stringVector.ts';
import { guidToUint128, toEpochMicros } from './valueConversion.ts';

/** DuckDB's vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

/** Converts one JS value into what its column's vector takes; null when it does not fit (stored as null). */
export type ChunkValueConverter = (value: unknown) => DuckDBValue;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

/**
 * A converter for one column of one batch, with the same forgiving rules as the row appender had.
 * Guid and datetime conversions are cached: a batch repeats one TenantId and often one TimeGenerated.
 */
export function chunkValueConverter(type: LaType): ChunkValueConverter {
  switch (type) {
    case 'string':
    case 'dynamic':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'string' && type === 'string') return value;
        return JSON.stringify(value);
      };
    case 'double':
      return (value) => {
        if (value === null || value === undefined) return null;
        const n = toNumber(value);
        return Number.isNaN(n) ? null : n;
      };
    case 'boolean':
      return (value) => {
        if (typeof value === 'boolean') return value;
        if (value === 'true' || value === 'false') return value === 'true';
        return null;
      };
    case 'int':
      return (value) => {
        if (value === null || value === undefined) return null;
        const n = toNumber(value);
        if (!Number.isFinite(n)) return null;
        const t = Math.trunc(n);
        // The appender wrapped out-of-range ints (| 0); keep that so stored values do not change.
        return t >= INT32_MIN && t <= INT32_MAX ? t : t | 0;
      };
    case 'long':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'bigint') return BigInt.asIntN(64, value);
        const n = toNumber(value);
        return Number.isFinite(n) ? BigInt.asIntN(64, BigInt(Math.trunc(n))) : null;
      };
    case 'guid': {
      const cache = new Map<string, DuckDBUUIDValue | null>();
      return (value) => {
        if (typeof value !== 'string') return null;
        let uuid = cache.get(value);
        if (uuid === undefined) {
          const n = guidToUint128(value);
          uuid = n === undefined ? null : DuckDBUUIDValue.fromUint128(n);
          if (cache.size < 4096) cache.set(value, uuid);
        }
        return uuid;
      };
    }
    case 'datetime': {
      let lastInput: unknown;
      let lastValue: DuckDBTimestampTZValue | null = null;
      return (value) => {
        if (value === null || value === undefined) return null;
        if (value !== lastInput) {
          lastInput = value;
          const micros = toEpochMicros(value);
          lastValue = micros === undefined || BigInt.asIntN(64, micros) !== micros ? null : new DuckDBTimestampTZValue(micros);
        }
        return lastValue;
      };
    }
  }
}

/** A chunk for a table's column types, reused batch after batch (creating one costs a native logical type per column). */
export function createChunk(types: readonly DuckDBType[]): DuckDBDataChunk {
  return DuckDBDataChunk.create(types);
}

/** Whether a column of this type is a VARCHAR vector (JSON is stored as VARCHAR). */
export function isVarcharColumn(type: LaType): boolean {
  return type === 'string' || type === 'dynamic';
}

/**
 * Refills `chunk` with rows [start, start + count) column by column (the appender copies a chunk when
 * it is appended, so one chunk serves every batch). `values[i]` holds the chunk's column i, one value
 * per row; a missing column or value is null. VARCHAR columns (`varchar[i]`) go through
 * fillStringVector, which avoids most per-string native calls.
 */
export function fillChunk(
  chunk: DuckDBDataChunk,
  values: readonly (readonly unknown[] | undefined)[],
  converters: readonly ChunkValueConverter[],
  varchar: readonly boolean[],
  start: number,
  count: number,
): DuckDBDataChunk {
  chunk.reset(); // all valid again, string data released
  chunk.rowCount = count;
  for (let c = 0; c < values.length; c++) {
    const column = values[c];
    const convert = converters[c]!;
    if (varchar[c]) {
      fillStringVector(chunk, c, column, convert, start, count);
      continue;
    }
    const vector = chunk.getColumnVector(c);
    for (let r = 0; r < count; r++) vector.setItem(r, column === undefined ? null : convert(column[start + r]));
    vector.flush();
  }
  return chunk;
}
