// Stores one accepted Data Collector request: types every record into a column batch, evolves the
// table schema and queues the rows, under the table's lock so concurrent requests cannot race on the
// schema; then waits, without the lock, until the store has flushed them.
import type { DataCollectorPolicy } from '../config.ts';
import type { ColumnBatch } from '../persistence/columnBatch.ts';
import type { ColumnDef } from '../persistence/columnTypes.ts';
import type { WorkspaceStore } from '../persistence/workspaceStore.ts';
import { RecordTyper } from './recordTyping.ts';
import { asIsoDatetime } from './valueShapes.ts';
import type { AuditNote } from '../audit/audit-notes.ts';

/** Standard columns every Data Collector table starts with (azure-ingestion.md A10). */
export const DATA_COLLECTOR_STANDARD_COLUMNS: readonly ColumnDef[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'TenantId', type: 'guid' },
  { name: 'Type', type: 'string' },
  { name: 'SourceSystem', type: 'string' },
  { name: '_ResourceId', type: 'string' },
];

export interface IngestRequest {
  table: string;
  workspaceId: string;
  records: Record<string, unknown>[];
  /** `time-generated-field` header; empty means none. */
  timeGeneratedField: string | undefined;
  resourceId: string | undefined;
  receivedAt: Date;
}

export interface IngestResult {
  stored: number;
  newColumns: ColumnDef[];
  flags: string[];
  /** Renamed, truncated, dropped values and replaced TimeGenerated, per column of `table`. */
  notes: AuditNote[];
}

export async function ingestRecords(store: WorkspaceStore, policy: DataCollectorPolicy, request: IngestRequest): Promise<IngestResult> {
  const count = request.records.length;
  if (count === 0) return { stored: 0, newColumns: [], flags: [], notes: [] };
  const queued = await store.withTableLock(request.table, async () => {
    const existing = store.columns(request.table) ?? DATA_COLLECTOR_STANDARD_COLUMNS;
    const typer = new RecordTyper(existing, policy);
    const flags: string[] = [];
    const omitted = policy.keepTimeGeneratedField ? undefined : request.timeGeneratedField;
    const batch = typer.typeRecords(request.records, omitted);
    const timeGenerated = request.timeGeneratedField
      ? request.records.map((record) => {
          const before = flags.length;
          const t = pickTimeGenerated(record, request, policy, flags);
          if (flags.length > before) typer.notes.add('timeGeneratedReplaced', null, request.timeGeneratedField!);
          return t;
        })
      : new Array<Date>(count).fill(request.receivedAt);
    setColumn(batch, 'TimeGenerated', timeGenerated);
    setColumn(batch, 'TenantId', new Array<string>(count).fill(request.workspaceId));
    setColumn(batch, 'Type', new Array<string>(count).fill(request.table));
    setColumn(batch, 'SourceSystem', new Array<string>(count).fill(policy.sourceSystem));
    // Always set, null without the header: a record's own `_ResourceId` never lands there.
    setColumn(batch, '_ResourceId', new Array<string | null>(count).fill(request.resourceId ?? null));
    if (!store.hasTable(request.table)) {
      await store.ensureTable(request.table, [...DATA_COLLECTOR_STANDARD_COLUMNS, ...typer.newColumns]);
    } else if (typer.newColumns.length > 0) {
      await store.addColumns(request.table, typer.newColumns);
    }
    // Queued, not awaited: the lock is free for the next request while this one waits for its flush
    // (the store's write lane keeps the order; docs/decisions/0003).
    const stored = store.insertBatch(request.table, batch);
    stored.catch(() => undefined); // awaited below, once the lock is released
    const notes = typer.notes.list().map((n) => ({ ...n, table: request.table }));
    return { stored, newColumns: typer.newColumns, flags: [...new Set([...flags, ...typer.flags])], notes };
  });
  return { stored: await queued.stored, newColumns: queued.newColumns, flags: queued.flags, notes: queued.notes };
}

/** Sets a standard column, replacing a typed column of the same name (the standard value wins). */
function setColumn(batch: ColumnBatch, name: string, values: unknown[]): void {
  const i = batch.names.indexOf(name);
  if (i >= 0) {
    batch.values[i] = values;
  } else {
    batch.names.push(name);
    batch.values.push(values);
  }
}

/** The `time-generated-field` value when it is ISO-8601 within the window and at most 100-ns precise; otherwise ingestion time (A7, A9.7). */
function pickTimeGenerated(record: Record<string, unknown>, request: IngestRequest, policy: DataCollectorPolicy, flags: string[]): Date {
  const field = request.timeGeneratedField;
  if (!field) return request.receivedAt;
  const value = record[field];
  const iso = typeof value === 'string' ? asIsoDatetime(value) : undefined;
  if (!iso) {
    flags.push(`time-generated-field '${field}' missing or not ISO-8601 in a record: ingestion time used`);
    return request.receivedAt;
  }
  const fraction = /\.(\d+)/.exec(value as string);
  if (fraction && fraction[1]!.length > policy.timeGeneratedMaxFractionDigits) {
    flags.push(
      `time-generated-field '${field}' has more than ${policy.timeGeneratedMaxFractionDigits} fraction digits (nanoseconds) in a record: ingestion time used`,
    );
    return request.receivedAt;
  }
  const t = Date.parse(iso);
  const received = request.receivedAt.getTime();
  if (t < received - policy.timeGeneratedPastMs || t > received + policy.timeGeneratedFutureMs) {
    flags.push(`time-generated-field '${field}' outside [received - 2 d, received + 1 d] in a record: ingestion time used`);
    return request.receivedAt;
  }
  return new Date(t);
}
