// The typer writes records straight into per-column arrays: row i of every column is record i,
// whatever keys each record has, and the duplicate-key policy holds within a record.
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_COLLECTOR_POLICY, DEFAULT_UNSUFFIXED_COLUMNS } from '../../mock-sentinel/config.ts';
import { ingestRecords } from '../../mock-sentinel/ingestion/ingestRecords.ts';
import { WorkspaceStore } from '../../mock-sentinel/persistence/workspaceStore.ts';
import { RecordTyper } from '../../mock-sentinel/ingestion/recordTyping.ts';
import { rowsToColumnBatch } from '../../mock-sentinel/persistence/columnBatch.ts';
import type { ColumnBatch } from '../../mock-sentinel/persistence/columnBatch.ts';

function column(batch: ColumnBatch, name: string): unknown[] {
  const i = batch.names.indexOf(name);
  expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
  return Array.from({ length: batch.rowCount }, (_, r) => batch.values[i]![r] ?? null);
}

describe('RecordTyper.typeRecords (column batch)', () => {
  it('keeps every column aligned with its record when records have different keys', () => {
    const typer = new RecordTyper([], DEFAULT_DATA_COLLECTOR_POLICY);
    const batch = typer.typeRecords([{ a: 1, s: 'x' }, { s: 'y', late: true }, {}, { a: 'not a number', late: false }]);
    expect(batch.rowCount).toBe(4);
    expect(column(batch, 'a_d')).toEqual([1, null, null, null]);
    expect(column(batch, 'a_s')).toEqual([null, null, null, 'not a number']);
    expect(column(batch, 's_s')).toEqual(['x', 'y', null, null]);
    expect(column(batch, 'late_b')).toEqual([null, true, null, false]);
    expect(typer.newColumns.map((c) => c.name)).toEqual(['a_d', 's_s', 'late_b', 'a_s']);
  });

  it('leaves out the omitted key (time-generated field not kept)', () => {
    const typer = new RecordTyper([], DEFAULT_DATA_COLLECTOR_POLICY);
    const batch = typer.typeRecords([{ when: '2024-01-15T09:30:00Z', n: 1 }], 'when');
    expect(batch.names).toEqual(['n_d']);
  });

  it('two keys landing in one column: last wins by default, first wins by policy, per record', () => {
    const records = [{ severity: 'low', Severity: 'high' }, { Severity: 'only' }];
    const last = new RecordTyper([], { ...DEFAULT_DATA_COLLECTOR_POLICY, unsuffixedColumns: [{ name: 'Severity', type: 'string' }] });
    expect(column(last.typeRecords(records), 'Severity')).toEqual(['high', 'only']);
    const first = new RecordTyper([], {
      ...DEFAULT_DATA_COLLECTOR_POLICY,
      duplicateKeys: 'first-wins',
      unsuffixedColumns: [{ name: 'Severity', type: 'string' }],
    });
    expect(column(first.typeRecords(records), 'Severity')).toEqual(['low', 'only']);
  });
});

describe('rowsToColumnBatch', () => {
  it('gathers row objects into the table column order, leaving out columns no row has', () => {
    const batch = rowsToColumnBatch('T', [{ name: 'a', type: 'double' }, { name: 'b', type: 'string' }, { name: 'c', type: 'boolean' }], [
      { b: 'x', a: 1 },
      { a: 2 },
    ]);
    expect(batch.names).toEqual(['a', 'b']);
    expect(column(batch, 'a')).toEqual([1, 2]);
    expect(column(batch, 'b')).toEqual(['x', null]);
  });

  it('refuses a key the table does not have', () => {
    expect(() => rowsToColumnBatch('T', [{ name: 'a', type: 'double' }], [{ nope: 1 }])).toThrow('table T has no column nope');
  });
});

describe('ingestRecords standard columns', () => {
  it('_ResourceId is the header value or null, whatever a record carries (even where a policy makes it an unsuffixed column)', async () => {
    const store = await WorkspaceStore.open();
    try {
      const policy = { ...DEFAULT_DATA_COLLECTOR_POLICY, unsuffixedColumns: [...DEFAULT_UNSUFFIXED_COLUMNS, { name: '_ResourceId', type: 'string' as const }] };
      const request = (resourceId: string | undefined) => ({
        table: 'R_CL',
        workspaceId: '11111111-2222-3333-4444-555555555555',
        records: [{ _ResourceId: 'from-record', a: 1 }],
        timeGeneratedField: undefined,
        resourceId,
        receivedAt: new Date(),
      });
      await ingestRecords(store, policy, request(undefined));
      await ingestRecords(store, policy, request('/subscriptions/s/resourceGroups/g'));
      expect((await store.rows('R_CL', 2)).map((r) => r._ResourceId)).toEqual([null, '/subscriptions/s/resourceGroups/g']);
    } finally {
      await store.close();
    }
  });
});
