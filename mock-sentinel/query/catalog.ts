// The workspace tables as the store holds them: every DuckDB table or view with the standard
// TimeGenerated and TenantId columns, its columns typed by the store contract's mapping.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableSchema } from './parser.ts';
import { INGESTION_TIME_COLUMN, ROW_ORDER_COLUMN } from '../persistence/workspaceStore.ts';
import { kustoTypeOfDuckDb } from './types.ts';

export async function readCatalog(connection: DuckDBConnection): Promise<TableSchema[]> {
  const reader = await connection.runAndReadAll(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, TableSchema>();
  for (const [table, column, dataType] of reader.getRowsJS() as [string, string, string][]) {
    if (column === INGESTION_TIME_COLUMN) continue; // hidden: read only through ingestion-time filters
    if (column === ROW_ORDER_COLUMN) continue; // hidden: the store's insertion order
    let t = tables.get(table);
    if (!t) tables.set(table, (t = { name: table, columns: [] }));
    const type = kustoTypeOfDuckDb(dataType);
    if (type) t.columns.push({ name: column, type });
  }
  return [...tables.values()].filter(
    (t) => t.columns.some((c) => c.name === 'TimeGenerated' && c.type === 'datetime') && t.columns.some((c) => c.name === 'TenantId'),
  );
}
