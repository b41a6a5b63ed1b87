// DCR transformKql on the query API's KQL engine: Microsoft's parser and analyser (`analyze()`)
// over the virtual table `source`, then the same KQL → DuckDB translator. Only the operators a DCR
// transform allows are accepted (extend, project, project-away, project-rename, where); anything
// else is refused when the DCR loads, with its position, so a transform never fails at ingest.
// The records run through DuckDB on a connection of their own, passed in as one JSON parameter;
// their index travels through every operator as a hidden column, so each output row names its record.
import { randomBytes } from 'node:crypto';
import { DuckDBInstance, JSDuckDBValueConverter } from '@duckdb/node-api';
import { QueryError } from '../../query/errors.ts';
import { analyze, elements, kindOf, tableColumns, type KNode } from '../../query/parser.ts';
import { timestampLiteral } from '../../query/scalar.ts';
import { Translator } from '../../query/tabular.ts';
import { asKustoType, quoteIdent, quoteString, type KustoType } from '../../query/types.ts';
import { INGESTION_TIME_COLUMN } from '../../persistence/workspaceStore.ts';
import type { DcrColumnType } from '../rows/column-types.ts';

export interface Column {
  name: string;
  type: DcrColumnType;
}

export type Row = Record<string, unknown>;

/** One output row and the index (in the input array) of the record it came from. */
export interface TransformedRow {
  record: number;
  row: Row;
}

export interface CompiledTransform {
  /** The text as given. */
  text: string;
  isIdentity: boolean;
  /** Columns of the output rows, in order, with their static types. */
  outputColumns: Column[];
  /** Applies the transform to the typed input rows; rows a `where` drops are absent from the result. */
  apply(rows: readonly Row[], ctx: { now: Date }): Promise<TransformedRow[]>;
}

export class TransformError extends Error {
  constructor(message: string, readonly position?: number) {
    super(position === undefined ? message : `${message} (at character ${position + 1})`);
    this.name = 'TransformError';
  }
}

const SOURCE = 'source';
const ALLOWED: Record<string, string> = {
  ExtendOperator: 'extend',
  ProjectOperator: 'project',
  ProjectAwayOperator: 'project-away',
  ProjectRenameOperator: 'project-rename',
  FilterOperator: 'where',
};
const token = randomBytes(6).toString('hex');
const NOW = `__transform_now_${token}__`;
const RECORD = `__record_${token}`;

const toKusto = (t: DcrColumnType): KustoType => (t === 'boolean' ? 'bool' : t);
function toDcr(t: KustoType): DcrColumnType | undefined {
  if (t === 'bool') return 'boolean';
  return t === 'timespan' || t === 'guid' ? undefined : t;
}

/** Parses and type-checks a transform against the input stream's columns; throws TransformError. */
export function compileTransform(text: string, inputColumns: Column[]): CompiledTransform {
  if (text.trim() === SOURCE) {
    // The identity transform (every Darktrace stream): no engine needed.
    return { text, isIdentity: true, outputColumns: inputColumns, apply: async (rows) => identity(rows) };
  }
  const schema = [{ name: SOURCE, columns: inputColumns.map((c) => ({ name: c.name, type: toKusto(c.type) })) }];
  const analysis = analyze(text, schema);
  const syntax = analysis.syntaxErrors[0];
  if (syntax) throw new TransformError(syntax.message, syntax.start);
  const expr = checkShape(analysis.root);
  const semantic = analysis.semanticErrors[0];
  if (semantic) {
    const unknown = /^The name '(.+)' does not refer to any known/.exec(semantic.message);
    throw new TransformError(unknown ? `unknown column '${unknown[1]}'` : semantic.message, semantic.start);
  }
  const outputColumns = (tableColumns(expr) ?? []).map((c) => {
    const kusto = asKustoType(c.type);
    const type = kusto && toDcr(kusto);
    if (!type) throw new TransformError(`the output column '${c.name}' is of type ${c.type}, which a DCR table cannot hold`, expr.TextStart);
    return { name: c.name, type };
  });
  let sql: string;
  try {
    const tables = new Map(schema.map((t) => [t.name, t.columns]));
    sql = new Translator(text, NOW, tables, { recordColumn: RECORD }).translateQuery(analysis.root).sql;
  } catch (err) {
    if (err instanceof QueryError) throw new TransformError(err.message);
    throw err;
  }
  const sourceSql = sourceRelation(inputColumns);
  return {
    text,
    isIdentity: false,
    outputColumns,
    apply: (rows, ctx) => run(`WITH ${quoteIdent(SOURCE)} AS (${sourceSql}) SELECT * FROM (${sql.split(NOW).join(timestampLiteral(ctx.now))})`, rows, inputColumns, outputColumns),
  };
}

function identity(rows: readonly Row[]): TransformedRow[] {
  return rows.map((row, record) => ({ record, row }));
}

/** The query must be `source | op | op …` with only the allowed operators; returns its expression. */
function checkShape(root: KNode): KNode {
  const statements = elements(root.Statements);
  const stmt = statements[0];
  if (statements.length !== 1 || !stmt || kindOf(stmt) !== 'ExpressionStatement') {
    throw new TransformError(`a transform is one query over '${SOURCE}'`, stmt?.TextStart ?? 0);
  }
  const ops: KNode[] = [];
  let node: KNode = stmt.Expression;
  while (kindOf(node) === 'PipeExpression') {
    ops.unshift(node.Operator);
    node = node.Expression;
  }
  if (kindOf(node) !== 'NameReference' || node.SimpleName !== SOURCE) {
    throw new TransformError(`a transform must start with '${SOURCE}', not '${String(node.ToString()).trim()}'`, node.TextStart);
  }
  for (const op of ops) {
    if (!ALLOWED[kindOf(op)]) {
      const name = String(op.GetChild(0)?.Text ?? kindOf(op));
      throw new TransformError(`unsupported operator '${name}' (supported: ${Object.values(ALLOWED).join(', ')})`, op.TextStart);
    }
  }
  return stmt.Expression;
}

/**
 * The typed rows as a relation: one JSON parameter, an array of objects {r: record, c0: value, …},
 * parsed once by from_json into typed structs (datetimes travel as ISO text, dynamic values as JSON).
 */
function sourceRelation(columns: Column[]): string {
  const structure = { r: 'BIGINT', ...Object.fromEntries(columns.map((c, i) => [`c${i}`, STRUCT_TYPE[c.type]])) };
  const list = columns.map((c, i) => {
    const v = `s.c${i}`;
    const value = c.type === 'datetime' ? `CAST(${v} AS TIMESTAMPTZ)` : c.type === 'dynamic' ? `(CASE WHEN json_type(${v}) = 'NULL' THEN NULL ELSE ${v} END)` : v;
    return `${value} AS ${quoteIdent(c.name)}`;
  });
  list.unshift(`s.r AS ${quoteIdent(RECORD)}`);
  list.push(`CAST(NULL AS TIMESTAMPTZ) AS ${quoteIdent(INGESTION_TIME_COLUMN)}`); // not ingested yet
  return `SELECT ${list.join(', ')} FROM (SELECT unnest(from_json($1, ${quoteString(JSON.stringify([structure]))})) AS s)`;
}

const STRUCT_TYPE: Record<DcrColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  long: 'BIGINT',
  real: 'DOUBLE',
  boolean: 'BOOLEAN',
  datetime: 'VARCHAR',
  dynamic: 'JSON',
};

let instance: Promise<DuckDBInstance> | undefined;

/** A small in-memory DuckDB of the transforms' own: they read no table of the workspace. */
function engine(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '1' });
  return instance;
}

async function run(sql: string, rows: readonly Row[], input: Column[], output: Column[]): Promise<TransformedRow[]> {
  if (rows.length === 0) return [];
  const param = JSON.stringify(
    rows.map((row, record) => {
      const item: Record<string, unknown> = { r: record };
      input.forEach((c, i) => (item[`c${i}`] = jsonValue(row[c.name], c.type)));
      return item;
    }),
    (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v),
  );
  const connection = await (await engine()).connect();
  try {
    const reader = await connection.runAndReadAll(sql, [param]);
    return (reader.convertRows(JSDuckDBValueConverter) as unknown[][]).map((values) => {
      const row: Row = {};
      output.forEach((c, i) => (row[c.name] = fromSql(values[i], c.type)));
      return { record: Number(values[output.length]), row };
    });
  } finally {
    connection.disconnectSync();
  }
}

function jsonValue(v: unknown, type: DcrColumnType): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (type === 'real' && typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/** A value of the translated result (datetime as epoch µs, dynamic as JSON text) → the row value. */
function fromSql(v: unknown, type: DcrColumnType): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'datetime':
      return new Date(Number(BigInt(v as bigint) / 1000n));
    case 'dynamic':
      return JSON.parse(String(v));
    case 'int':
    case 'long':
    case 'real':
      return Number(v);
    case 'boolean':
      return Boolean(v);
    case 'string':
      return String(v);
  }
}
