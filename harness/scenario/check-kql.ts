// KQL in expectations, checked before the run through the query API's own engine (Microsoft's parser
// and the mock's translator to SQL; nothing runs): a query that does not parse, that the analyser
// rejects, or that uses a construct the lab's engine does not support is an error, with the message
// the query API would answer. A column or table that no alert type of the run produces is a warning:
// sparse tables are legitimate (the column appears once a record carries the field), and the query
// API would answer SemanticError while it is missing.
import { analyze, type TableSchema } from '../../mock-sentinel/query/parser.ts';
import { QueryError, semanticError, syntaxError } from '../../mock-sentinel/query/errors.ts';
import { translateKql } from '../../mock-sentinel/query/engine.ts';
import { suffixType } from './alert-columns.ts';
import type { KeyPath, Findings } from './diagnostics.ts';

/** The analyser's codes for a name that is not a column (KS142) and not a table (KS204). */
const UNKNOWN_COLUMN = 'KS142';
const UNKNOWN_TABLE = 'KS204';
/** Rounds of "add the unknown columns and analyse again" (each adds every name it found). */
const MAX_ROUNDS = 4;

export interface KqlCheckContext {
  tables: TableSchema[];
  /** Words for the warning: which alert types the run generates. */
  runTypes: string;
  /** Tables whose columns the run's injected data decides: a query on one gets no column warning. */
  openTables?: ReadonlySet<string>;
}

export function checkKql(query: string, at: KeyPath, ctx: KqlCheckContext, out: Findings): void {
  let tables = ctx.tables;
  const missing = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const analysis = analyze(query, tables);
    const syntax = analysis.syntaxErrors[0];
    if (syntax) {
      out.error(at, `KQL SyntaxError: ${syntaxError(query, syntax.start, syntax.length, syntax.message).message}`);
      return;
    }
    // A bare unknown name that opens the query (`T`) is reported as a column by the analyser; it stands for a table.
    const opening = query.length - query.trimStart().length;
    const unknownTable = analysis.semanticErrors.find((d) => d.code === UNKNOWN_TABLE || (d.code === UNKNOWN_COLUMN && d.start === opening));
    if (unknownTable) {
      const name = query.slice(unknownTable.start, unknownTable.start + unknownTable.length);
      out.warn(at, `KQL: no alert type of this run (${ctx.runTypes}) writes a table ${JSON.stringify(name)} (tables: ${ctx.tables.map((t) => t.name).join(', ')}); the query API answers SemanticError until one exists`);
      return;
    }
    const unknownColumns = analysis.semanticErrors.filter((d) => d.code === UNKNOWN_COLUMN).map((d) => query.slice(d.start, d.start + d.length));
    const other = analysis.semanticErrors.find((d) => d.code !== UNKNOWN_COLUMN);
    if (other && !unknownColumns.length) {
      out.error(at, `KQL SemanticError: ${semanticError(query, other.start, other.message).message}`);
      return;
    }
    if (!unknownColumns.length) break;
    // Sparse columns: note them, give every table a column of that name (typed by its suffix) and
    // analyse again, so the rest of the query is still checked.
    for (const c of unknownColumns) missing.add(c);
    tables = tables.map((t) => ({ ...t, columns: [...t.columns, ...unknownColumns.filter((c) => !t.columns.some((x) => x.name === c)).map((name) => ({ name, type: suffixType(name) }))] }));
  }
  const opensOn = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.trimStart())?.[0];
  if (missing.size && !(opensOn !== undefined && ctx.openTables?.has(opensOn))) {
    out.warn(at, `KQL: no alert type of this run (${ctx.runTypes}) produces column${missing.size > 1 ? 's' : ''} ${[...missing].map((c) => JSON.stringify(c)).join(', ')}; the query API answers SemanticError while no row has carried ${missing.size > 1 ? 'them' : 'it'}`);
  }
  try {
    translateKql(query, tables);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    out.error(at, `KQL ${err.innerCode ?? err.code}: ${err.message}`);
  }
}
