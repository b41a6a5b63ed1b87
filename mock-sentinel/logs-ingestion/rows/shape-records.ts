// From the uploaded JSON records to the rows each output table receives: convert every declared
// column to its type, drop undeclared fields, run each data flow's transform, add TimeGenerated,
// truncate oversized strings. Nothing here rejects a request: problems are collected in the report,
// as the real service writes them to DCRLogErrors while still answering 204 (spec B5, B8).
import type { DcrDataFlow, DcrStream } from '../dcr/dcr-model.ts';
import { convertValue, preview, type DcrColumnType } from './column-types.ts';
import { AuditNotes, type AuditNoteKind } from '../../audit/audit-notes.ts';

/** Field values over 64 KB are truncated (spec B4). */
export const MAX_FIELD_BYTES = 64 * 1024;
/** At most this many problems are itemised per request; the counts stay exact. */
export const MAX_REPORTED_PROBLEMS = 100;

export interface ConversionProblem {
  /** Index of the record in the uploaded array. */
  record: number;
  column: string;
  declaredType: DcrColumnType;
  /** A short rendering of the offending value. */
  value: string;
  reason: string;
}

export interface IngestionReport {
  records: number;
  /** Values that did not convert to their declared type and were stored as null (like DCRLogErrors). */
  conversionErrors: ConversionProblem[];
  conversionErrorCount: number;
  /** Names of fields present in records but not declared in the stream (dropped). */
  droppedFields: string[];
  /** Records whose field was cut to 64 KB. */
  truncated: { record: number; column: string; bytes: number }[];
  /** Records that are not JSON objects (skipped). */
  nonObjectRecords: number;
  /** Records a `where` in a transform filtered out, per table. */
  filteredOut: Record<string, number>;
  /** TimeGenerated values outside the window, replaced with the received time (spec A7). */
  timeGeneratedReplaced: { record: number; table: string; value: string }[];
  timeGeneratedReplacedCount: number;
  /** Every conversion error, dropped field, truncation and replaced TimeGenerated, counted per table and column (uncapped). */
  notes: AuditNotes;
}

/** TimeGenerated is kept within [received − pastMs, received + futureMs] (spec A7: 2 d and 1 d). */
export interface TimeGeneratedWindow {
  pastMs: number;
  futureMs: number;
}

export interface TableRows {
  table: string;
  workspaceIds: string[];
  columns: { name: string; type: DcrColumnType }[];
  rows: Record<string, unknown>[];
}

export async function shapeRecords(
  stream: DcrStream,
  records: unknown[],
  now: Date,
  window: TimeGeneratedWindow,
): Promise<{ tables: TableRows[]; report: IngestionReport }> {
  const report: IngestionReport = {
    records: records.length,
    conversionErrors: [],
    conversionErrorCount: 0,
    droppedFields: [],
    truncated: [],
    nonObjectRecords: 0,
    filteredOut: {},
    timeGeneratedReplaced: [],
    timeGeneratedReplacedCount: 0,
    notes: new AuditNotes(),
  };
  // Stream-level problems (before any transform) concern every table the stream flows into.
  const streamTables = [...new Set(stream.flows.map((f) => f.table))];
  const noteStream = (kind: AuditNoteKind, column: string) => {
    for (const table of streamTables) report.notes.add(kind, table, column);
  };
  const declared = new Map(stream.columns.map((c) => [c.name, c.type]));
  const dropped = new Set<string>();
  const typed: (Record<string, unknown> | undefined)[] = records.map((record, index) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      report.nonObjectRecords++;
      return undefined;
    }
    const row: Record<string, unknown> = {};
    for (const c of stream.columns) row[c.name] = null;
    for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
      const type = declared.get(key);
      if (!type) {
        dropped.add(key);
        noteStream('droppedProperty', key);
        continue;
      }
      const conv = convertValue(value, type);
      if (conv.ok) row[key] = conv.value;
      else {
        report.conversionErrorCount++;
        noteStream('conversionError', key);
        if (report.conversionErrors.length < MAX_REPORTED_PROBLEMS) {
          report.conversionErrors.push({ record: index, column: key, declaredType: type, value: preview(value), reason: conv.reason });
        }
      }
    }
    return row;
  });
  report.droppedFields = [...dropped];

  // Records that are not objects are skipped; the rest keep their index in the upload.
  const indexes: number[] = [];
  const inputs: Record<string, unknown>[] = [];
  typed.forEach((row, index) => {
    if (!row) return;
    indexes.push(index);
    inputs.push(row);
  });
  const tables: TableRows[] = [];
  for (const flow of stream.flows) {
    const rows: Record<string, unknown>[] = [];
    const transformed = await flow.transform.apply(inputs, { now });
    const filtered = inputs.length - transformed.length;
    if (filtered > 0) report.filteredOut[flow.table] = (report.filteredOut[flow.table] ?? 0) + filtered;
    for (const { record, row } of transformed) {
      const index = indexes[record]!;
      // The identity transform hands back the typed row itself, which other flows read too.
      const out = flow.transform.isIdentity && stream.flows.length > 1 ? { ...row } : row;
      for (const [column, value] of Object.entries(out)) {
        if (typeof value === 'string' && Buffer.byteLength(value, 'utf8') > MAX_FIELD_BYTES) {
          out[column] = truncateUtf8(value, MAX_FIELD_BYTES);
          report.notes.add('truncated', flow.table, column);
          if (report.truncated.length < MAX_REPORTED_PROBLEMS) report.truncated.push({ record: index, column, bytes: Buffer.byteLength(value, 'utf8') });
        }
      }
      // "If the column [TimeGenerated] is missing, it's automatically added" — at ingestion time.
      if (!(out.TimeGenerated instanceof Date)) out.TimeGenerated = now;
      // "cannot be older than 2 days before received time or more than a day in the future. In such
      // case, the time that the message is ingested will be used" — silently, so only the audit says so.
      else if (outsideWindow(out.TimeGenerated, now, window)) {
        report.timeGeneratedReplacedCount++;
        report.notes.add('timeGeneratedReplaced', flow.table, 'TimeGenerated');
        if (report.timeGeneratedReplaced.length < MAX_REPORTED_PROBLEMS) {
          report.timeGeneratedReplaced.push({ record: index, table: flow.table, value: out.TimeGenerated.toISOString() });
        }
        out.TimeGenerated = now;
      }
      rows.push(out);
    }
    tables.push({ table: flow.table, workspaceIds: flow.workspaceIds, columns: flowOutputColumns(flow), rows });
  }
  return { tables, report };
}

/** The columns a data flow writes: its transform's output, with TimeGenerated added when missing. */
export function flowOutputColumns(flow: DcrDataFlow): { name: string; type: DcrColumnType }[] {
  const out = flow.transform.outputColumns;
  return out.some((c) => c.name === 'TimeGenerated') ? out : [{ name: 'TimeGenerated', type: 'datetime' }, ...out];
}

function outsideWindow(t: Date, now: Date, window: TimeGeneratedWindow): boolean {
  const ms = t.getTime();
  return ms < now.getTime() - window.pastMs || ms > now.getTime() + window.futureMs;
}

/** Cuts a string to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back off continuation bytes
  return buf.subarray(0, end).toString('utf8');
}
