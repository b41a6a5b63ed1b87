// Types Data Collector records into suffixed columns and evolves the schema (azure-ingestion.md A5,
// A6, A10; sentinel-table.md §2):
// - number → _d, boolean → _b, GUID-shaped string → _g (dashed, lower-case), ISO date-time → _t,
//   other strings → _s, null → omitted, objects/arrays → JSON text in _s (or flattened, by policy);
// - a few standard columns take the value unsuffixed (`Computer`, `SourceIP`, …), matched case-insensitively;
// - once a column exists, a string that converts to its type reuses it (`"7"` into `n_d`); a value that
//   does not convert gets a new suffixed column (`5` next to `b_b` creates `b_d`).
import type { ColumnDef, LaType } from '../persistence/columnTypes.ts';
import type { StoredRow } from '../persistence/workspaceStore.ts';
import { asGuid, asIsoDatetime, isBooleanString, isNumericString, truncateUtf8 } from './valueShapes.ts';

export interface TypingPolicy {
  /** Objects and arrays: JSON text in a `_s` column, or objects flattened with `_` (arrays stay JSON text). */
  nested: 'json-string' | 'flatten';
  /** Standard columns that take a property without suffix, matched case-insensitively. */
  unsuffixedColumns: readonly ColumnDef[];
  /** Two keys of one record landing in one column (`severity`, `Severity`). */
  duplicateKeys: 'last-wins' | 'first-wins';
  maxValueBytes: number;
  maxColumns: number;
  maxColumnNameLength: number;
}

const SUFFIX: Partial<Record<LaType, string>> = { string: 's', double: 'd', boolean: 'b', datetime: 't', guid: 'g' };
const INVALID_NAME_CHAR = /[^A-Za-z0-9_]/g;
const MAX_FLAGS = 50;

interface TypedValue {
  type: LaType;
  value: unknown;
  /** A plain string that may convert into an existing `_d` or `_b` column. */
  convertible: boolean;
  /** The string as sent, for a string column taking a guid- or date-shaped value. */
  text?: string;
}

export class RecordTyper {
  private readonly known = new Map<string, LaType>();
  private readonly order: ColumnDef[] = [];
  readonly newColumns: ColumnDef[] = [];
  private readonly flagSet = new Set<string>();

  constructor(
    existing: readonly ColumnDef[],
    private readonly policy: TypingPolicy,
  ) {
    for (const column of existing) {
      this.known.set(column.name, column.type);
      this.order.push(column);
    }
  }

  get flags(): string[] {
    return [...this.flagSet];
  }

  private flag(message: string): void {
    if (this.flagSet.size < MAX_FLAGS) this.flagSet.add(message);
  }

  /** Turns one record into a row of column name → stored value, registering any new columns. */
  typeRecord(record: Record<string, unknown>): StoredRow {
    const row: StoredRow = {};
    for (const [rawKey, value] of Object.entries(record)) this.placeProperty(row, rawKey, value);
    return row;
  }

  private placeProperty(row: StoredRow, rawKey: string, value: unknown): void {
    if (value === null || value === undefined) return;
    const key = rawKey.replace(INVALID_NAME_CHAR, '_');
    if (key !== rawKey) this.flag(`property '${rawKey}' renamed to '${key}' (only letters, digits and _ are allowed)`);
    if (this.policy.nested === 'flatten' && typeof value === 'object' && !Array.isArray(value)) {
      for (const [childKey, childValue] of Object.entries(value as Record<string, unknown>)) {
        this.placeProperty(row, `${key}_${childKey}`, childValue);
      }
      return;
    }
    const typed = this.typeValue(key, value);
    if (this.placeUnsuffixed(row, key, typed)) return;
    this.placeSuffixed(row, key, typed);
  }

  private typeValue(key: string, value: unknown): TypedValue {
    if (typeof value === 'number') return { type: 'double', value, convertible: false };
    if (typeof value === 'boolean') return { type: 'boolean', value, convertible: false };
    if (typeof value === 'string') {
      const guid = asGuid(value);
      if (guid) return { type: 'guid', value: guid, convertible: false, text: value };
      const datetime = asIsoDatetime(value);
      if (datetime) return { type: 'datetime', value: datetime, convertible: false, text: value };
      return { type: 'string', value: this.truncate(key, value), convertible: true };
    }
    return { type: 'string', value: this.truncate(key, JSON.stringify(value)), convertible: false };
  }

  private truncate(key: string, value: string): string {
    const result = truncateUtf8(value, this.policy.maxValueBytes);
    if (result.truncated) this.flag(`value of '${key}' truncated to ${this.policy.maxValueBytes} bytes`);
    return result.value;
  }

  private placeUnsuffixed(row: StoredRow, key: string, typed: TypedValue): boolean {
    const lower = key.toLowerCase();
    const column = this.policy.unsuffixedColumns.find((c) => c.name.toLowerCase() === lower);
    if (!column) return false;
    const value = convertInto(column.type, typed);
    if (value === undefined) return false;
    if (!this.known.has(column.name) && !this.register(column)) return true;
    this.assign(row, column.name, value);
    return true;
  }

  private placeSuffixed(row: StoredRow, key: string, typed: TypedValue): void {
    const suffix = SUFFIX[typed.type]!;
    const base = this.columnBase(key, suffix);
    const natural = `${base}_${suffix}`;
    if (this.known.get(natural) === typed.type) {
      this.assign(row, natural, typed.value);
      return;
    }
    if (typed.convertible) {
      // An existing column of this property whose type the string converts to (A6 worked example).
      for (const column of this.order) {
        if (column.name !== `${base}_d` && column.name !== `${base}_b`) continue;
        const value = convertInto(column.type, typed);
        if (value !== undefined) {
          this.assign(row, column.name, value);
          return;
        }
      }
    }
    if (this.register({ name: natural, type: typed.type })) this.assign(row, natural, typed.value);
  }

  private columnBase(key: string, suffix: string): string {
    const max = this.policy.maxColumnNameLength - suffix.length - 1;
    if (key.length <= max) return key;
    this.flag(`column name '${key}_${suffix}' truncated to ${this.policy.maxColumnNameLength} characters`);
    return key.slice(0, max);
  }

  private register(column: ColumnDef): boolean {
    if (this.known.has(column.name)) return this.known.get(column.name) === column.type;
    if (this.order.length >= this.policy.maxColumns) {
      this.flag(`column limit ${this.policy.maxColumns} reached: '${column.name}' dropped`);
      return false;
    }
    this.known.set(column.name, column.type);
    this.order.push(column);
    this.newColumns.push(column);
    return true;
  }

  private assign(row: StoredRow, column: string, value: unknown): void {
    if (this.policy.duplicateKeys === 'first-wins' && column in row) return;
    row[column] = value;
  }
}

/** The value converted into a column of `type`, or undefined when it does not convert. */
function convertInto(type: LaType, typed: TypedValue): unknown {
  if (typed.type === type) return typed.value;
  if (typeof typed.value !== 'string') return undefined;
  if (type === 'string') return typed.text ?? typed.value; // guid- or date-shaped text into a string column
  if (!typed.convertible) return undefined;
  if (type === 'double' && isNumericString(typed.value)) return Number(typed.value);
  if (type === 'boolean' && isBooleanString(typed.value)) return typed.value.toLowerCase() === 'true';
  return undefined;
}
