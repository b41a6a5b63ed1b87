// Fills one VARCHAR column of a data chunk with far fewer native calls than one per value, using
// DuckDB's string entry layout (duckdb_string_t in the C API, the layout @duckdb/node-api itself
// reads): 4 bytes of length, then either the string inline (at most 12 bytes) or a prefix and a
// pointer into the vector's string heap.
// - a string of at most 12 ASCII characters (no NUL) is written inline by JS;
// - a string already assigned in this chunk reuses that row's entry, which points into the same
//   vector's heap (Darktrace records repeat model names, products, tags, hosts);
// - any other string is assigned natively, once.
// In bench:ingest-floor this cut the conversion stage's string columns from ~270 ns a value; the
// stored values are the same (test: workspace-store "string columns").
import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';

const ENTRY_BYTES = 16;
const INLINE_BYTES = 12;
/** After this many distinct long strings, a column where fewer than one in eight were repeats stops looking for them. */
const REPEAT_PROBE_ROWS = 64;

export type StringCellConverter = (value: unknown) => unknown;

/** Writes rows [start, start + count) of `values` (converted; non-string → null) into the chunk's column. */
export function fillStringVector(
  chunk: DuckDBDataChunk,
  column: number,
  values: readonly unknown[] | undefined,
  convert: StringCellConverter,
  start: number,
  count: number,
): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
  const firstRowOf = new Map<string, number>();
  const jsRows: number[] = []; // rows whose entry JS writes: inline text, or a copy of an earlier entry
  const jsSources: (string | number)[] = []; // the inline text, or the row whose entry is copied
  let nulls: Uint8Array<ArrayBuffer> | undefined;
  let lookForRepeats = true;
  let reused = 0;
  for (let r = 0; r < count; r++) {
    const text = values === undefined ? null : convert(values[start + r]);
    if (typeof text !== 'string') {
      nulls ??= allValid(count);
      nulls[r >> 3]! &= ~(1 << (r & 7));
      continue;
    }
    if (text.length <= INLINE_BYTES && isInlineAscii(text)) {
      jsRows.push(r);
      jsSources.push(text);
      continue;
    }
    if (lookForRepeats) {
      const first = firstRowOf.get(text);
      if (first !== undefined) {
        reused++;
        jsRows.push(r);
        jsSources.push(first);
        continue;
      }
      firstRowOf.set(text, r);
      // A column of unique values (URLs, times, IPs) pays the lookup for nothing: stop looking.
      if (firstRowOf.size === REPEAT_PROBE_ROWS && reused < REPEAT_PROBE_ROWS / 8) lookForRepeats = false;
    }
    duckdb.vector_assign_string_element(vector, r, text);
  }
  if (jsRows.length > 0) {
    // The natively assigned entries, then ours on top, copied back in one call (whether the binding
    // hands out a view of the vector or a copy).
    const entries = Uint8Array.from(duckdb.vector_get_data(vector, count * ENTRY_BYTES));
    for (let i = 0; i < jsRows.length; i++) {
      const at = jsRows[i]! * ENTRY_BYTES;
      const source = jsSources[i]!;
      if (typeof source === 'number') entries.copyWithin(at, source * ENTRY_BYTES, source * ENTRY_BYTES + ENTRY_BYTES);
      else writeInline(entries, at, source);
    }
    duckdb.copy_data_to_vector(vector, 0, entries.buffer, entries.byteOffset, count * ENTRY_BYTES);
  }
  if (nulls) {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, nulls.buffer, nulls.byteOffset, nulls.byteLength);
  }
}

/** ASCII without NUL: one byte per character, and the same value the native path stores. */
function isInlineAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0 || code > 0x7f) return false;
  }
  return true;
}

function writeInline(entries: Uint8Array, at: number, text: string): void {
  entries[at] = text.length; // little-endian uint32 length, at most 12
  entries[at + 1] = 0;
  entries[at + 2] = 0;
  entries[at + 3] = 0;
  for (let i = 0; i < INLINE_BYTES; i++) entries[at + 4 + i] = i < text.length ? text.charCodeAt(i) : 0;
}

/** A validity mask (64-bit words, little-endian bits) with every row valid. */
function allValid(count: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new ArrayBuffer(Math.ceil(count / 64) * 8)).fill(0xff);
}
