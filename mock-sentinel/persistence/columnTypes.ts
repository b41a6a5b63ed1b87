// Log Analytics column types and their DuckDB storage types: one to one (docs/decisions/0001), so the
// logical type of every column can be read back from the DuckDB catalog after a restart.

export const LA_TYPES = ['string', 'double', 'boolean', 'datetime', 'guid', 'int', 'long', 'dynamic'] as const;
export type LaType = (typeof LA_TYPES)[number];

export interface ColumnDef {
  name: string;
  type: LaType;
}

const DUCKDB_TYPE: Record<LaType, string> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  datetime: 'TIMESTAMPTZ',
  guid: 'UUID',
  int: 'INTEGER',
  long: 'BIGINT',
  dynamic: 'JSON',
};

/** Catalog spellings (duckdb_columns().data_type) back to the Log Analytics type. */
const FROM_CATALOG: Record<string, LaType> = {
  VARCHAR: 'string',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  'TIMESTAMP WITH TIME ZONE': 'datetime',
  TIMESTAMPTZ: 'datetime',
  UUID: 'guid',
  INTEGER: 'int',
  BIGINT: 'long',
  JSON: 'dynamic',
};

export function duckdbTypeOf(type: LaType): string {
  return DUCKDB_TYPE[type];
}

export function laTypeFromCatalog(dataType: string): LaType {
  const type = FROM_CATALOG[dataType.toUpperCase()];
  if (!type) throw new Error(`column type ${dataType} has no Log Analytics equivalent`);
  return type;
}

/** `real` (a DCR declaration type) is stored as `double`. */
export function normalizeLaType(type: string): LaType {
  if (type === 'real') return 'double';
  if ((LA_TYPES as readonly string[]).includes(type)) return type as LaType;
  throw new Error(`unknown column type '${type}' (expected one of ${LA_TYPES.join(', ')}, real)`);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
