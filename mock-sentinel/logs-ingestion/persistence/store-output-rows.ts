// Writes shaped rows into their Log Analytics tables in the workspace store, with the declared
// column types (decision 0001: real → double) and the standard TimeGenerated, TenantId, Type columns.
import type { ColumnDef } from '../../persistence/columnTypes.ts';
import type { WorkspaceStore } from '../../persistence/workspaceStore.ts';
import { tableTypeOf } from '../rows/column-types.ts';
import type { TableRows } from '../rows/shape-records.ts';

export const DCR_STANDARD_COLUMNS: readonly ColumnDef[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'TenantId', type: 'guid' },
  { name: 'Type', type: 'string' },
];

export function tableColumnsOf(output: Pick<TableRows, 'columns'>): ColumnDef[] {
  const declared = output.columns.filter((c) => !DCR_STANDARD_COLUMNS.some((s) => s.name === c.name));
  return [...DCR_STANDARD_COLUMNS, ...declared.map((c) => ({ name: c.name, type: tableTypeOf(c.type) }))];
}

/** Stores the rows of one output table for each destination workspace; returns rows stored per workspace. */
export async function storeOutputRows(store: WorkspaceStore, output: TableRows): Promise<{ workspace: string; count: number }[]> {
  if (output.rows.length === 0) return [];
  const columns = tableColumnsOf(output);
  return store.withTableLock(output.table, async () => {
    await store.ensureTable(output.table, columns);
    const stored: { workspace: string; count: number }[] = [];
    for (const workspace of output.workspaceIds) {
      const rows = output.rows.map((row) => ({ ...toStorable(row), TenantId: workspace, Type: output.table }));
      stored.push({ workspace, count: await store.insertRows(output.table, rows) });
    }
    return stored;
  });
}

/** The store takes numbers for long columns; a bigint beyond 2^53 goes as its decimal text. */
function toStorable(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? v.toString() : v;
  return out;
}
