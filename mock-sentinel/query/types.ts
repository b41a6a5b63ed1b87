// Kusto scalar types and their DuckDB representation in the workspace store
// (docs/decisions/0001: string VARCHAR · real DOUBLE · bool BOOLEAN · datetime TIMESTAMPTZ ·
// guid UUID · int INTEGER · long BIGINT · dynamic JSON). Query-only values: timespan is carried
// as BIGINT microseconds, so it compares and adds like a number.
export type KustoType = 'string' | 'long' | 'int' | 'real' | 'bool' | 'datetime' | 'timespan' | 'guid' | 'dynamic';

export const SQL_TYPE: Record<KustoType, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  int: 'INTEGER',
  real: 'DOUBLE',
  bool: 'BOOLEAN',
  datetime: 'TIMESTAMPTZ',
  timespan: 'BIGINT',
  guid: 'UUID',
  dynamic: 'JSON',
};

/** DuckDB catalog type → Kusto type; undefined for a type the store contract does not use. */
export function kustoTypeOfDuckDb(dataType: string): KustoType | undefined {
  switch (dataType.toUpperCase()) {
    case 'VARCHAR':
      return 'string';
    case 'DOUBLE':
    case 'FLOAT':
      return 'real';
    case 'BOOLEAN':
      return 'bool';
    case 'TIMESTAMP WITH TIME ZONE':
    case 'TIMESTAMPTZ':
      return 'datetime';
    case 'UUID':
      return 'guid';
    case 'INTEGER':
      return 'int';
    case 'BIGINT':
      return 'long';
    case 'JSON':
      return 'dynamic';
    default:
      return undefined;
  }
}

/** Normalises an analyser type name to one of ours (`decimal` is computed as real). */
export function asKustoType(name: string): KustoType | undefined {
  switch (name) {
    case 'string':
    case 'long':
    case 'int':
    case 'real':
    case 'bool':
    case 'datetime':
    case 'timespan':
    case 'guid':
    case 'dynamic':
      return name;
    case 'decimal':
      return 'real';
    default:
      return undefined;
  }
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
