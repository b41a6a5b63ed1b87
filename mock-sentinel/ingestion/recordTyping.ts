// Types Data Collector records into suffixed columns and evolves the schema (azure-ingestion.md A5,
// A6, A10; sentinel-table.md §2):
// - number → _d, boolean → _b, GUID-shaped string → _g (dashed, lower-case), ISO date-time → _t,
//   other strings → _s, null → omitted, objects/arrays → JSON text in _s (or flattened, by policy);
// - a few standard columns take the value unsuffixed (`Computer`, `SourceIP`, …), matched case-insensitively;
// - once a column exists, a string that converts to its type reuses it (`"7"` into `n_d`); a value that
//   does not convert gets a new suffixed column (`5` next to `b_b` creates `b_d`).
// Per-property decisions that do not depend on the value (name cleaning, column names) are cached,
// since a batch repeats the same keys thousands of times. Values go straight into per-column arrays
// (a ColumnBatch), not into one object per record.
import type { ColumnBatch } from '../persistence/columnBatch.ts';
import type { ColumnDef, LaType } from '../persistence/columnTypes.ts';
import { asGuid, asIsoDatetime, isBooleanString, isNumericString, truncateUtf8 } from './valueShapes.ts';
import { AuditNotes } from '../audit/audit-notes.ts';

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

type Suffix = 's' | 'd' | 'b' | 't' | 'g';
const TYPE_OF: Record<Suffix, LaType> = { s: 'string', d: 'double', b: 'boolean', t: 'datetime', g: 'guid' };
const INVALID_NAME_CHAR = /[^A-Za-z0-9_]/g;
const MAX_FLAGS = 50;

/** What is known about a property name before looking at its value. */
interface PropertyPlan {
  key: string;
  unsuffixed: ColumnDef | undefined;
  /** `unsuffixed`'s name lower-cased (its key in `known`). */
  unsuffixedLower: string;
  columnNames: Record<Suffix, string>;
  /** The same names lower-cased: columns are matched without regard to case (see `known`). */
  lowerNames: Record<Suffix, string>;
}

export class RecordTyper {
  /**
   * Columns by lower-cased name. DuckDB (like SQL) cannot hold two columns whose names differ only in
   * case, so `count` and `Count` land in one column, named by the first spelling seen; the
   * duplicate-key policy decides between two such values in one record.
   */
  private readonly known = new Map<string, ColumnDef>();
  /** Column name → its values by record index, for the batch being typed. */
  private readonly values = new Map<string, unknown[]>();
  private rowCount = 0;
  private row = 0;
  private columnCount: number;
  readonly newColumns: ColumnDef[] = [];
  private readonly flagSet = new Set<string>();
  /** Renamed, truncated and dropped values counted per property (table left null: the caller knows it). */
  readonly notes = new AuditNotes();
  private readonly plans = new Map<string, PropertyPlan>();
  private readonly unsuffixedByLowerName: Map<string, ColumnDef>;

  constructor(
    existing: readonly ColumnDef[],
    private readonly policy: TypingPolicy,
  ) {
    for (const column of existing) this.known.set(column.name.toLowerCase(), column);
    this.columnCount = existing.length;
    this.unsuffixedByLowerName = new Map(policy.unsuffixedColumns.map((c) => [c.name.toLowerCase(), c]));
  }

  get flags(): string[] {
    return [...this.flagSet];
  }

  private flag(message: string): void {
    if (this.flagSet.size < MAX_FLAGS) this.flagSet.add(message);
  }

  /**
   * Types every record into one column batch (record i is row i), registering any new columns.
   * `omitKey` is a property left out of every record (the time-generated field, by policy).
   */
  typeRecords(records: readonly Record<string, unknown>[], omitKey?: string): ColumnBatch {
    this.values.clear();
    this.rowCount = records.length;
    for (this.row = 0; this.row < records.length; this.row++) {
      const record = records[this.row]!;
      for (const rawKey in record) {
        if (rawKey !== omitKey) this.placeProperty(rawKey, record[rawKey]);
      }
    }
    return { rowCount: records.length, names: [...this.values.keys()], values: [...this.values.values()] };
  }

  private plan(rawKey: string): PropertyPlan {
    let plan = this.plans.get(rawKey);
    if (plan) return plan;
    const key = rawKey.replace(INVALID_NAME_CHAR, '_');
    if (key !== rawKey) this.flag(`property '${rawKey}' renamed to '${key}' (only letters, digits and _ are allowed)`);
    const max = this.policy.maxColumnNameLength - 2;
    const base = key.length <= max ? key : key.slice(0, max);
    if (base !== key) this.flag(`column name for '${key}' truncated to ${this.policy.maxColumnNameLength} characters`);
    const lower = base.toLowerCase();
    const keyLower = key.toLowerCase();
    plan = {
      key,
      unsuffixed: this.unsuffixedByLowerName.get(keyLower),
      unsuffixedLower: keyLower,
      columnNames: { s: `${base}_s`, d: `${base}_d`, b: `${base}_b`, t: `${base}_t`, g: `${base}_g` },
      lowerNames: { s: `${lower}_s`, d: `${lower}_d`, b: `${lower}_b`, t: `${lower}_t`, g: `${lower}_g` },
    };
    this.plans.set(rawKey, plan);
    return plan;
  }

  private placeProperty(rawKey: string, value: unknown): void {
    if (value === null || value === undefined) return;
    const plan = this.plan(rawKey);
    if (plan.key !== rawKey) this.notes.add('renamedProperty', null, rawKey);
    switch (typeof value) {
      case 'number':
        this.place(plan, 'd', value, undefined);
        return;
      case 'boolean':
        this.place(plan, 'b', value, undefined);
        return;
      case 'string': {
        const guid = asGuid(value);
        if (guid !== undefined) return this.place(plan, 'g', guid, value);
        const datetime = asIsoDatetime(value);
        if (datetime !== undefined) return this.place(plan, 't', datetime, value);
        const text = this.truncate(plan.key, value);
        const existing = plan.unsuffixed === undefined ? this.known.get(plan.lowerNames.s) : undefined;
        if (existing?.type === 'string') {
          this.assign(existing.name, text); // the common case, short-circuited
          return;
        }
        return this.placeString(plan, text);
      }
      default:
        if (this.policy.nested === 'flatten' && typeof value === 'object' && !Array.isArray(value)) {
          for (const childKey in value as Record<string, unknown>) {
            this.placeProperty(`${plan.key}_${childKey}`, (value as Record<string, unknown>)[childKey]);
          }
          return;
        }
        // JSON text: a string, but never converted into a number or boolean column.
        this.place(plan, 's', this.truncate(plan.key, JSON.stringify(value)), undefined);
    }
  }

  /** A value whose natural suffix is fixed; `text` is the string as sent (for unsuffixed string columns). */
  private place(plan: PropertyPlan, suffix: Suffix, value: unknown, text: string | undefined): void {
    if (plan.unsuffixed) {
      const type = plan.unsuffixed.type;
      const fits = type === TYPE_OF[suffix] ? value : type === 'string' && text !== undefined ? text : undefined;
      const column = fits === undefined ? undefined : this.register(plan.unsuffixed, plan.unsuffixedLower);
      if (column !== undefined) {
        this.assign(column, fits);
        return;
      }
      if (fits !== undefined) return; // column limit reached: flagged in register()
    }
    const column = this.register({ name: plan.columnNames[suffix], type: TYPE_OF[suffix] }, plan.lowerNames[suffix]);
    if (column !== undefined) this.assign(column, value);
  }

  /** A plain string: unsuffixed column, its own _s column, or an existing _d/_b column it converts into. */
  private placeString(plan: PropertyPlan, text: string): void {
    if (plan.unsuffixed) {
      const converted = convertString(plan.unsuffixed.type, text);
      if (converted !== undefined) {
        const column = this.register(plan.unsuffixed, plan.unsuffixedLower);
        if (column !== undefined) this.assign(column, converted);
        return;
      }
    }
    if (this.known.get(plan.lowerNames.s)?.type !== 'string') {
      // An existing column of this property whose type the string converts to (A6 worked example).
      for (const suffix of ['d', 'b'] as const) {
        const existing = this.known.get(plan.lowerNames[suffix]);
        if (existing?.type !== TYPE_OF[suffix]) continue;
        const converted = convertString(TYPE_OF[suffix], text);
        if (converted !== undefined) {
          this.assign(existing.name, converted);
          return;
        }
      }
    }
    const column = this.register({ name: plan.columnNames.s, type: 'string' }, plan.lowerNames.s);
    if (column !== undefined) this.assign(column, text);
  }

  private truncate(key: string, value: string): string {
    if (value.length * 3 <= this.policy.maxValueBytes) return value;
    const result = truncateUtf8(value, this.policy.maxValueBytes);
    if (result.truncated) {
      this.flag(`value of '${key}' truncated to ${this.policy.maxValueBytes} bytes`);
      this.notes.add('truncated', null, key);
    }
    return result.value;
  }

  /** The name of the column a value of `column`'s type lands in (an existing one whatever its case), or undefined when none can take it. */
  private register(column: ColumnDef, lowerName: string): string | undefined {
    const found = this.known.get(lowerName);
    if (found !== undefined) return found.type === column.type ? found.name : undefined;
    if (this.columnCount >= this.policy.maxColumns) {
      this.flag(`column limit ${this.policy.maxColumns} reached: '${column.name}' dropped`);
      this.notes.add('droppedProperty', null, column.name);
      return undefined;
    }
    this.known.set(lowerName, column);
    this.columnCount++;
    this.newColumns.push(column);
    return column.name;
  }

  private assign(column: string, value: unknown): void {
    let values = this.values.get(column);
    if (values === undefined) {
      values = new Array(this.rowCount);
      this.values.set(column, values);
    } else if (this.policy.duplicateKeys === 'first-wins' && values[this.row] !== undefined) {
      return;
    }
    values[this.row] = value;
  }
}

/** A plain string converted into a column of `type`, or undefined when it does not convert. */
function convertString(type: LaType, text: string): unknown {
  if (type === 'string') return text;
  if (type === 'double' && isNumericString(text)) return Number(text);
  if (type === 'boolean' && isBooleanString(text)) return text.toLowerCase() === 'true';
  return undefined;
}
