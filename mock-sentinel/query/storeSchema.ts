// The query surface's view of the workspace store's tables, from the store's in-memory schema
// (updated only after its DDL commits, so never ahead of what DuckDB holds): no catalog query
// per request. Log Analytics type names become Kusto ones (double → real, boolean → bool).
import type { WorkspaceStore } from '../persistence/workspaceStore.ts';
import type { TableSchema } from './parser.ts';
import { asKustoType, type KustoType } from './types.ts';

const KUSTO_OF_LA: Record<string, KustoType> = { double: 'real', boolean: 'bool' };

export function tablesOfStore(store: WorkspaceStore): TableSchema[] {
  const tables: TableSchema[] = [];
  for (const name of store.tableNames()) {
    const columns: TableSchema['columns'] = [];
    for (const c of store.columns(name) ?? []) {
      const type = KUSTO_OF_LA[c.type] ?? asKustoType(c.type);
      if (type) columns.push({ name: c.name, type });
    }
    if (columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime') && columns.some((c) => c.name === 'TenantId')) {
      tables.push({ name, columns });
    }
  }
  return tables;
}
