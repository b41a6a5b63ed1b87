// The tables a loaded DCR writes to exist from the moment the mock opens its store, with their
// declared columns and no rows, as in a real workspace where the solution deploys its tables with
// the DCR: a query on one before any data arrives returns 0 rows, not a SemanticError.
import type { ColumnDef } from '../../persistence/columnTypes.ts';
import type { WorkspaceStore } from '../../persistence/workspaceStore.ts';
import type { DcrRegistry } from '../dcr/dcr-registry.ts';
import { flowOutputColumns } from '../rows/shape-records.ts';
import { tableColumnsOf } from './store-output-rows.ts';

/** Output table → its columns, merged over every flow that writes to it (the registry keeps their types consistent). */
export function declaredTables(dcrs: DcrRegistry): Map<string, ColumnDef[]> {
  const tables = new Map<string, ColumnDef[]>();
  for (const rule of dcrs.list()) {
    for (const stream of rule.streams.values()) {
      for (const flow of stream.flows) {
        const columns = tableColumnsOf({ columns: flowOutputColumns(flow) });
        const known = tables.get(flow.table);
        if (!known) tables.set(flow.table, columns);
        else for (const c of columns) if (!known.some((k) => k.name === c.name)) known.push(c);
      }
    }
  }
  return tables;
}

/** Creates every declared table the store does not have yet (an existing table, e.g. from `--db`, is left as it is). */
export async function deployDcrTables(store: WorkspaceStore, dcrs: DcrRegistry): Promise<void> {
  for (const [table, columns] of declaredTables(dcrs)) {
    await store.withTableLock(table, () => store.ensureTable(table, columns));
  }
}
