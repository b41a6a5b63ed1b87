// Structured notes on the documented policies a request met, counted per kind, table and column, so
// a scenario can count them (truncated values, TimeGenerated replaced, …) instead of parsing the
// free-text flags, which are capped and deduplicated.

export type AuditNoteKind =
  /** A value cut to the size limit. */
  | 'truncated'
  /** A TimeGenerated (or time-generated-field) value replaced with the received time. */
  | 'timeGeneratedReplaced'
  /** A Logs Ingestion value that did not convert to its declared type (DCRLogErrors), stored as null. */
  | 'conversionError'
  /** A property dropped: not declared in the DCR stream, or past the table's column limit. */
  | 'droppedProperty'
  /** A Data Collector property renamed (characters other than letters, digits and _ replaced). */
  | 'renamedProperty';

export const AUDIT_NOTE_KINDS: readonly AuditNoteKind[] = ['truncated', 'timeGeneratedReplaced', 'conversionError', 'droppedProperty', 'renamedProperty'];

export interface AuditNote {
  kind: AuditNoteKind;
  table: string | null;
  /** The column, or the property as sent for dropped and renamed properties. */
  column: string | null;
  /** Values (records) affected in this request. */
  count: number;
}

/** Counts notes of one request; bounded by the distinct (kind, table, column) it meets. */
export class AuditNotes {
  private readonly counts = new Map<string, AuditNote>();

  add(kind: AuditNoteKind, table: string | null, column: string | null, count = 1): void {
    const key = `${kind}\u0000${table ?? ''}\u0000${column ?? ''}`;
    const note = this.counts.get(key);
    if (note) note.count += count;
    else this.counts.set(key, { kind, table, column, count });
  }

  addAll(notes: Iterable<AuditNote>): void {
    for (const n of notes) this.add(n.kind, n.table, n.column, n.count);
  }

  list(): AuditNote[] {
    return [...this.counts.values()].map((n) => ({ ...n }));
  }
}
