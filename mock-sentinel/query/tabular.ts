// Tabular KQL (statements, table references, query operators) → one DuckDB SELECT.
// The analyser's result schema of every operator is the authority for output column names,
// types and order (summarize's count_/max_x/arg_max expansion, join's x1 renames, union's
// x_long/x_string splits); the SQL below is built to produce exactly those columns.
import { INGESTION_TIME_COLUMN } from '../persistence/workspaceStore.ts';
import { semanticError, unsupported } from './errors.ts';
import { elements, kindOf, symbolKind, tableColumns, type KNode } from './parser.ts';
import { asString, fromDynamic, isoDatetime, scalar, timespanMicros, toJsonValue, type Scalar } from './scalar.ts';
import { asKustoType, quoteIdent, quoteString, SQL_TYPE, type KustoType } from './types.ts';
import { ORD, type Column, type LetBinding, type Relation, type TranslateContext } from './context.ts';
import { datatableRelation } from './datatable.ts';
import { mvApply, type MvApplyHost } from './mv-apply.ts';
import { describeRender, noRender, renderNotLast, type RenderDescription } from './visualization.ts';

export interface SourceOptions {
  /** Restrict every table to the rows of one workspace (the `TenantId` column). */
  tenantId?: string;
  /** Applied to `TimeGenerated` of every table referenced (the request's `timespan`): SQL TIMESTAMPTZ expressions. */
  timeRange?: { start?: string; end?: string };
  /**
   * Only rows whose hidden ingestion time is in (after, through] (SQL TIMESTAMPTZ expressions): what an
   * NRT analytic rule sees, the rows ingested since its last run.
   */
  ingested?: { after: string; through: string };
  /**
   * A hidden column of the source rows that travels through every row-preserving operator and comes
   * out as the last column of the result (a DCR transform's record index: which upload record each
   * output row came from).
   */
  recordColumn?: string;
}

export interface Translation {
  sql: string;
  cols: Column[];
  /** What the query's closing `render` says (no visualization without one); no effect on the rows. */
  render: RenderDescription;
  /**
   * One row (`total`, `scanned`): the rows of the tables the query reads, in the workspace, and
   * those of them its table references read (within the timespan and ingestion window).
   */
  inputRowsSql: string;
}

const q = quoteIdent;

export class Translator implements TranslateContext, MvApplyHost {
  readonly lets = new Map<string, LetBinding>();
  private readonly ctes: string[] = [];
  private counter = 0;
  /** The input of the operator being translated (column_ifexists, ingestion_time). */
  private current?: Relation;
  /** The rows an mv-apply subquery's first operator reads (it names no table of its own). */
  private implicitInput?: Relation;
  /** Table references carry the hidden ingestion time only when the query reads it. */
  private readonly readsIngestion: boolean;
  /** The store tables the query reads. */
  private readonly referenced = new Set<string>();

  constructor(
    readonly text: string,
    readonly nowSql: string,
    private readonly tables: Map<string, Column[]>,
    private readonly source: SourceOptions,
  ) {
    this.readsIngestion = /\bingestion_time\s*\(/.test(text);
  }

  get input(): Relation | undefined {
    return this.current;
  }

  withImplicitInput<T>(rows: Relation, translate: () => T): T {
    const saved = this.implicitInput;
    this.implicitInput = rows;
    try {
      return translate();
    } finally {
      this.implicitInput = saved;
    }
  }

  alias(): string {
    return `"__t${++this.counter}"`;
  }

  /** The whole query block → SQL of its (single) result table. */
  translateQuery(root: KNode): Translation {
    let result: Relation | undefined;
    let renderOp: KNode | undefined;
    for (const stmt of elements(root.Statements)) {
      const kind = kindOf(stmt);
      if (kind === 'LetStatement') {
        this.let(stmt);
      } else if (kind === 'ExpressionStatement') {
        if (result) throw unsupported(this.text, stmt.TextStart, 'A query with more than one result table');
        let expr = stmt.Expression;
        // A closing `render` only describes the result: translated to nothing, kept as its description.
        if (kindOf(expr) === 'PipeExpression' && kindOf(expr.Operator) === 'RenderOperator') {
          renderOp = expr.Operator;
          expr = expr.Expression;
        }
        result = tableColumns(expr) ? this.tabular(expr) : this.printScalar(expr);
      } else {
        throw unsupported(this.text, stmt.TextStart, `The ${kind}`);
      }
    }
    if (!result) throw semanticError(this.text, this.text.length, 'The query has no tabular expression to return');
    const list = result.cols.map((c, i) => `${renderColumn(c)} AS "c${i}"`);
    const record = this.source.recordColumn;
    if (record !== undefined) {
      if (!result.record) throw unsupported(this.text, 0, 'A transform whose output rows are not its input rows');
      list.push(`${q(record)} AS "c${list.length}"`);
    }
    const select = list.join(', ');
    const order = result.ordered ? ` ORDER BY ${ORD}` : '';
    const withClause = this.ctes.length ? `WITH ${this.ctes.join(', ')} ` : '';
    return {
      sql: `${withClause}SELECT ${select || '1 AS "c0"'} FROM (${result.sql}) AS "__result"${order}`,
      cols: result.cols,
      render: renderOp ? describeRender(this.text, renderOp, result.ordered) : noRender(result.ordered),
      inputRowsSql: this.inputRowsSql(),
    };
  }

  private inputRowsSql(): string {
    const { workspace, window } = this.sourceFilters();
    const where = (filters: string[]) => (filters.length ? `count(*) FILTER (WHERE ${filters.join(' AND ')})` : 'count(*)');
    const counts = [...this.referenced].map((t) => `SELECT ${where(workspace)} AS "total", ${where([...workspace, ...window])} AS "scanned" FROM ${q(t)}`);
    if (!counts.length) return 'SELECT 0 AS "total", 0 AS "scanned"';
    return `SELECT CAST(sum("total") AS BIGINT) AS "total", CAST(sum("scanned") AS BIGINT) AS "scanned" FROM (${counts.join(' UNION ALL ')})`;
  }

  /** The filters every table reference applies: the workspace's rows, then the time window. */
  private sourceFilters(): { workspace: string[]; window: string[] } {
    const workspace: string[] = [];
    const window: string[] = [];
    if (this.source.tenantId !== undefined) workspace.push(`"TenantId" = CAST(${quoteString(this.source.tenantId)} AS UUID)`);
    const range = this.source.timeRange;
    if (range?.start) window.push(`"TimeGenerated" >= ${range.start}`);
    if (range?.end) window.push(`"TimeGenerated" < ${range.end}`);
    const ingested = this.source.ingested;
    if (ingested) window.push(`${q(INGESTION_TIME_COLUMN)} > ${ingested.after} AND ${q(INGESTION_TIME_COLUMN)} <= ${ingested.through}`);
    return { workspace, window };
  }

  private printScalar(expr: KNode): Relation {
    const s = scalar(this, expr);
    return { sql: `SELECT ${s.sql} AS "print_0"`, cols: [{ name: 'print_0', type: s.type }], ordered: false };
  }

  private let(stmt: KNode): void {
    const name: string = stmt.Name.SimpleName;
    const expr = stmt.Expression;
    const kind = kindOf(expr);
    if (kind === 'FunctionDeclaration') throw unsupported(this.text, expr.TextStart, `The user-defined function '${name}'`);
    if (tableColumns(expr)) {
      const rel = this.tabular(expr);
      const cte = `"__let${++this.counter}"`;
      this.ctes.push(`${cte} AS (${rel.sql})`);
      this.lets.set(name, { kind: 'tabular', cte, cols: rel.cols, ordered: rel.ordered });
      return;
    }
    const s = scalar(this, expr);
    this.lets.set(name, { kind: 'scalar', sql: s.sql, type: s.type });
  }

  // ---- tabular expressions ------------------------------------------------------------------

  tabular(node: KNode): Relation {
    const kind = kindOf(node);
    switch (kind) {
      case 'ParenthesizedExpression':
        return this.tabular(node.Expression);
      case 'NameReference':
        return this.reference(node);
      case 'PipeExpression':
        return this.operator(this.tabular(node.Expression), node.Operator);
      case 'UnionOperator':
        return this.union(undefined, node);
      case 'PrintOperator':
        return this.print(node);
      case 'DataTableExpression':
        return datatableRelation(this, node);
      case 'MvApplySubqueryExpression':
        return this.tabular(node.Expression);
      default:
        // Inside an mv-apply subquery the first operator reads the expanded rows.
        if (this.implicitInput && kind.endsWith('Operator')) return this.operator(this.implicitInput, node);
        throw unsupported(this.text, node.TextStart, `The tabular expression ${kind}`);
    }
  }

  private reference(node: KNode): Relation {
    const name: string = node.SimpleName;
    const sym = symbolKind(node);
    if (sym === 'Variable') {
      const binding = this.lets.get(name);
      if (binding?.kind === 'tabular') return { sql: `SELECT * FROM ${binding.cte}`, cols: binding.cols, ordered: binding.ordered };
    }
    const cols = this.tables.get(name);
    if (sym !== 'Table' || !cols) throw unsupported(this.text, node.TextStart, `The reference to '${name}' as a table`);
    this.referenced.add(name);
    const { workspace, window } = this.sourceFilters();
    const filters = [...workspace, ...window];
    // A Kusto string is never null: a missing string value reads as "".
    const list = cols.map((c) => (c.type === 'string' ? `COALESCE(${q(c.name)}, '') AS ${q(c.name)}` : q(c.name)));
    if (this.readsIngestion) list.push(q(INGESTION_TIME_COLUMN));
    if (this.source.recordColumn !== undefined) list.push(q(this.source.recordColumn));
    const where = filters.length ? ` WHERE ${filters.join(' AND ')}` : '';
    const rel: Relation = { sql: `SELECT ${list.join(', ')} FROM ${q(name)}${where}`, cols, ordered: false };
    if (this.readsIngestion) rel.ingestion = true;
    if (this.source.recordColumn !== undefined) rel.record = true;
    return rel;
  }

  columnsOf(node: KNode): Column[] {
    const cols = tableColumns(node);
    if (!cols) throw unsupported(this.text, node.TextStart, 'An operator without a known result schema');
    return cols.map((c) => {
      const type = asKustoType(c.type);
      if (!type) throw unsupported(this.text, node.TextStart, `A column '${c.name}' of type '${c.type}'`);
      return { name: c.name, type };
    });
  }

  private operator(input: Relation, op: KNode): Relation {
    const saved = this.current;
    this.current = input;
    try {
      const out = this.dispatch(input, op);
      // Operators that keep rows whole keep their hidden ingestion time (where, sort, extend, project…).
      if (input.ingestion && ROW_PRESERVING.has(kindOf(op))) out.ingestion = true;
      if (input.record && ROW_PRESERVING.has(kindOf(op))) out.record = true;
      return out;
    } finally {
      this.current = saved;
    }
  }

  private dispatch(input: Relation, op: KNode): Relation {
    const kind = kindOf(op);
    switch (kind) {
      case 'FilterOperator':
        return this.where(input, op);
      case 'ExtendOperator':
        return this.extend(input, op);
      case 'ProjectOperator':
        return this.project(input, op);
      case 'ProjectAwayOperator':
      case 'ProjectKeepOperator':
      case 'ProjectReorderOperator':
        return this.reselect(input, this.columnsOf(op));
      case 'ProjectRenameOperator':
        return this.projectRename(input, op);
      case 'SummarizeOperator':
        return this.summarize(input, op);
      case 'SortOperator':
        return this.sort(input, op);
      case 'TopOperator':
        return this.top(input, op);
      case 'TakeOperator':
        return this.take(input, op);
      case 'DistinctOperator':
        return this.distinct(input, op);
      case 'CountOperator':
        return { sql: `SELECT count(*) AS ${q(this.columnsOf(op)[0]!.name)} FROM (${input.sql})`, cols: this.columnsOf(op), ordered: false };
      case 'MvExpandOperator':
        return this.mvExpand(input, op);
      case 'UnionOperator':
        return this.union(input, op);
      case 'JoinOperator':
        return this.join(input, op);
      case 'MakeSeriesOperator':
        return this.makeSeries(input, op);
      case 'MvApplyOperator':
        return mvApply(this, input, op);
      case 'RenderOperator':
        return renderNotLast(this.text, op);
      default:
        throw unsupported(this.text, op.TextStart, `The '${String(op.GetChild(0)?.Text ?? kind)}' operator`);
    }
  }

  private rejectParameters(op: KNode, allowed: string[] = []): Map<string, KNode> {
    const found = new Map<string, KNode>();
    for (const p of elements(op.Parameters)) {
      const pname: string = p.Name.SimpleName;
      if (!allowed.includes(pname) && !pname.startsWith('hint.')) throw unsupported(this.text, p.TextStart, `The parameter '${pname}'`);
      found.set(pname, p.Expression);
    }
    return found;
  }

  /** The hidden columns a relation carries beside its own (ingestion time, record index). */
  private hiddenColumns(input: Relation): string[] {
    const hidden: string[] = [];
    if (input.ingestion) hidden.push(q(INGESTION_TIME_COLUMN));
    if (input.record && this.source.recordColumn !== undefined) hidden.push(q(this.source.recordColumn));
    return hidden;
  }

  /** SELECT exactly `cols` (by name) from the input, keeping the row order. */
  private reselect(input: Relation, cols: Column[]): Relation {
    const list = cols.map((c) => q(c.name));
    if (input.ordered) list.push(ORD);
    list.push(...this.hiddenColumns(input));
    return { sql: `SELECT ${list.join(', ')} FROM (${input.sql})`, cols, ordered: input.ordered };
  }

  private where(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const cond = scalar(this, op.Condition);
    return { sql: `SELECT * FROM (${input.sql}) WHERE ${cond.sql}`, cols: input.cols, ordered: input.ordered };
  }

  /** Names the analyser gave to unnamed expressions (the output columns the input lacks). */
  private newNames(input: Relation, out: Column[], named: string[]): string[] {
    const have = new Set(input.cols.map((c) => c.name));
    return out.map((c) => c.name).filter((n) => !have.has(n) && !named.includes(n));
  }

  private extend(input: Relation, op: KNode): Relation {
    const out = this.columnsOf(op);
    const exprs = elements(op.Expressions);
    const named = exprs.filter((e) => kindOf(e) === 'SimpleNamedExpression').map((e) => e.Name.SimpleName as string);
    const generated = this.newNames(input, out, named);
    let current = input;
    for (const e of exprs) {
      let name: string;
      let valueNode: KNode;
      if (kindOf(e) === 'SimpleNamedExpression') {
        name = e.Name.SimpleName;
        valueNode = e.Expression;
      } else if (kindOf(e) === 'CompoundNamedExpression') {
        throw unsupported(this.text, e.TextStart, 'Assigning several columns at once in extend');
      } else {
        const next = generated.shift();
        if (!next) throw unsupported(this.text, e.TextStart, 'This unnamed extend expression');
        name = next;
        valueNode = e;
      }
      const type = out.find((c) => c.name === name)?.type ?? scalar(this, valueNode).type;
      const value = this.typed(scalar(this, valueNode), type);
      const exists = current.cols.some((c) => c.name === name);
      const sql = exists
        ? `SELECT * REPLACE (${value} AS ${q(name)}) FROM (${current.sql})`
        : `SELECT *, ${value} AS ${q(name)} FROM (${current.sql})`;
      const cols = exists ? current.cols.map((c) => (c.name === name ? { name, type } : c)) : [...current.cols, { name, type }];
      current = { sql, cols, ordered: current.ordered, ingestion: current.ingestion, record: current.record };
    }
    return this.reselect(current, out);
  }

  /** A scalar brought to the column type the analyser declared. */
  private typed(s: Scalar, type: KustoType): string {
    if (s.type === type) return s.sql;
    if (s.type === 'dynamic') return fromDynamic(s.sql, type);
    if (type === 'dynamic') return `CAST(${toJsonValue(s)} AS JSON)`;
    if (type === 'string') return asString(s);
    return `CAST(${s.sql} AS ${SQL_TYPE[type]})`;
  }

  private project(input: Relation, op: KNode): Relation {
    const out = this.columnsOf(op);
    const exprs = elements(op.Expressions);
    if (exprs.length !== out.length) throw unsupported(this.text, op.TextStart, 'A project list that expands to several columns');
    const list = exprs.map((e, i) => {
      const valueNode = kindOf(e) === 'SimpleNamedExpression' ? e.Expression : e;
      if (kindOf(e) === 'CompoundNamedExpression') throw unsupported(this.text, e.TextStart, 'Assigning several columns at once in project');
      return `${this.typed(scalar(this, valueNode), out[i]!.type)} AS ${q(out[i]!.name)}`;
    });
    if (input.ordered) list.push(ORD);
    list.push(...this.hiddenColumns(input));
    return { sql: `SELECT ${list.join(', ')} FROM (${input.sql})`, cols: out, ordered: input.ordered };
  }

  private projectRename(input: Relation, op: KNode): Relation {
    const out = this.columnsOf(op);
    const renames = new Map<string, string>();
    for (const e of elements(op.Expressions)) renames.set(e.Name.SimpleName, e.Expression.SimpleName);
    const list = out.map((c) => (renames.has(c.name) ? `${q(renames.get(c.name)!)} AS ${q(c.name)}` : q(c.name)));
    if (input.ordered) list.push(ORD);
    list.push(...this.hiddenColumns(input));
    return { sql: `SELECT ${list.join(', ')} FROM (${input.sql})`, cols: out, ordered: input.ordered };
  }

  private orderBy(exprs: KNode[]): string {
    return exprs
      .map((e) => {
        const ordered = kindOf(e) === 'OrderedExpression';
        const value = scalar(this, ordered ? e.Expression : e);
        const clause = ordered ? e.Ordering : null;
        const dir: string = (clause?.AscOrDescKeyword?.Text || 'desc').toLowerCase();
        const nullsText: string | undefined = clause?.NullsClause?.FirstOrLastKeyword?.Text?.toLowerCase();
        // Kusto: nulls first when ascending, last when descending, unless told.
        const nulls = nullsText ?? (dir === 'asc' ? 'first' : 'last');
        return `${value.sql} ${dir === 'asc' ? 'ASC' : 'DESC'} NULLS ${nulls === 'first' ? 'FIRST' : 'LAST'}`;
      })
      .join(', ');
  }

  private withoutOrd(input: Relation): string {
    return input.ordered ? `SELECT * EXCLUDE (${ORD}) FROM (${input.sql})` : input.sql;
  }

  private sort(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const order = this.orderBy(elements(op.Expressions));
    return { sql: `SELECT *, row_number() OVER (ORDER BY ${order}) AS ${ORD} FROM (${this.withoutOrd(input)})`, cols: input.cols, ordered: true };
  }

  private top(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const n = scalar(this, op.Expression);
    const order = this.orderBy([op.ByExpression]);
    const ranked = `SELECT *, row_number() OVER (ORDER BY ${order}) AS ${ORD} FROM (${this.withoutOrd(input)})`;
    return { sql: `SELECT * FROM (${ranked}) WHERE ${ORD} <= ${n.sql}`, cols: input.cols, ordered: true };
  }

  private take(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const n = scalar(this, op.Expression);
    const order = input.ordered ? ` ORDER BY ${ORD}` : '';
    return { sql: `SELECT * FROM (${input.sql})${order} LIMIT ${n.sql}`, cols: input.cols, ordered: input.ordered };
  }

  private distinct(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const out = this.columnsOf(op);
    const exprs = elements(op.Expressions);
    const star = exprs.length === 1 && kindOf(exprs[0]) === 'StarExpression';
    const list = star
      ? out.map((c) => q(c.name))
      : exprs.map((e, i) => `${this.typed(scalar(this, kindOf(e) === 'SimpleNamedExpression' ? e.Expression : e), out[i]!.type)} AS ${q(out[i]!.name)}`);
    return { sql: `SELECT DISTINCT ${list.join(', ')} FROM (${input.sql})`, cols: out, ordered: false };
  }

  // ---- summarize ------------------------------------------------------------------------------

  /** One aggregate call → the SQL of each output column it produces (arg_max expands to several). */
  private aggregate(node: KNode, outCount: number, inputCols: Column[]): { pre?: string; cols: string[] } {
    const kind = kindOf(node);
    if (kind !== 'FunctionCallExpression') {
      throw unsupported(this.text, node.TextStart, `The summarize expression '${String(node.ToString()).slice(0, 40)}' (only a bare aggregate call per column)`);
    }
    const name: string = node.Name.SimpleName;
    const argNodes: KNode[] = elements(node.ArgumentList.Expressions);
    const arg = (i: number) => scalar(this, argNodes[i]);
    const at = node.TextStart;
    const filtered = (sql: string, cond: string) => `${sql} FILTER (WHERE ${cond})`;
    switch (name) {
      case 'count':
        // count(x): the rows where a predicate holds, or where a value is present (see analytics.md).
        if (argNodes.length) {
          const v = arg(0);
          return { cols: [v.type === 'bool' ? `count(*) FILTER (WHERE ${v.sql})` : `count(${v.sql})`] };
        }
        return { cols: ['count(*)'] };
      case 'countif':
        return { cols: [`count(*) FILTER (WHERE ${arg(0).sql})`] };
      case 'dcount':
        return { cols: [`count(DISTINCT ${arg(0).sql})`] };
      case 'dcountif':
        return { cols: [filtered(`count(DISTINCT ${arg(0).sql})`, arg(1).sql)] };
      case 'sum':
      case 'avg':
      case 'min':
      case 'max': {
        const v = arg(0);
        const sql = v.type === 'dynamic' ? fromDynamic(v.sql, 'real') : v.sql;
        return { cols: [`${name}(${sql})`] };
      }
      case 'sumif':
      case 'avgif':
      case 'minif':
      case 'maxif':
        return { cols: [filtered(`${name.slice(0, -2)}(${arg(0).sql})`, arg(1).sql)] };
      case 'take_any':
      case 'any': {
        if (argNodes.some((a) => kindOf(a) === 'StarExpression')) throw unsupported(this.text, at, `${name}(*)`);
        if (argNodes.length === 1) return { cols: [`any_value(${arg(0).sql})`] };
        // Several columns: their values from one and the same row.
        const tag = `__am${++this.counter}`;
        const fields = argNodes.map((a, i) => `f${i} := ${scalar(this, kindOf(a) === 'SimpleNamedExpression' ? a.Expression : a).sql}`);
        return { pre: `any_value(struct_pack(${fields.join(', ')})) AS "${tag}"`, cols: argNodes.map((_, i) => `struct_extract("${tag}", 'f${i}')`) };
      }
      case 'make_set':
      case 'make_list':
      case 'make_set_if':
      case 'make_list_if': {
        const v = arg(0);
        // Kusto's treatment of dynamic (array) inputs differs between these functions: refuse rather than guess.
        if (v.type === 'dynamic') throw unsupported(this.text, argNodes[0].TextStart, `${name}() of a dynamic value`);
        const conditional = name.endsWith('_if');
        const limitNode = argNodes[conditional ? 2 : 1];
        const distinct = name.startsWith('make_set') ? 'DISTINCT ' : '';
        const cond = `${v.sql} IS NOT NULL${conditional ? ` AND ${arg(1).sql}` : ''}`;
        let list = `list(${distinct}${toJsonValue(v)}) FILTER (WHERE ${cond})`;
        // The size limit keeps the first N values gathered (which ones is unspecified in Kusto too).
        if (limitNode) list = `list_slice(${list}, 1, ${scalar(this, limitNode).sql})`;
        return { cols: [`CAST(COALESCE(to_json(${list}), '[]') AS JSON)`] };
      }
      case 'percentile':
      case 'percentiles': {
        const v = arg(0);
        const cols: string[] = [];
        for (let i = 1; i < argNodes.length; i++) {
          const p = argNodes[i];
          const value = Number(p.LiteralValue?.v ?? p.LiteralValue?.toString?.() ?? NaN);
          if (!p.IsLiteral || Number.isNaN(value)) throw unsupported(this.text, p.TextStart, `${name}() with a non-literal percentile`);
          // Kusto returns a value of the set (nearest rank), never an interpolation.
          cols.push(`quantile_disc(${v.sql}, ${value / 100})`);
        }
        return { cols };
      }
      case 'arg_max':
      case 'arg_min': {
        const by = arg(0);
        // The analyser's tuple for the call lists the returned columns by their source names:
        // the first is the max/min itself, then the listed expressions or `*` (less the by keys).
        const tuple = tableColumns(node);
        if (!tuple || tuple.length !== outCount) throw unsupported(this.text, at, `This ${name}() column list`);
        const fields = this.argFields(argNodes.slice(1), tuple.slice(1).map((c) => c.name), inputCols);
        const tag = `__am${++this.counter}`;
        const struct = fields.length ? `struct_pack(${fields.map((f, i) => `f${i} := ${f}`).join(', ')})` : `struct_pack(f := 1)`;
        const pre = `${name}(${struct}, ${by.sql}) AS "${tag}"`;
        return { pre, cols: [`${name === 'arg_max' ? 'max' : 'min'}(${by.sql})`, ...fields.map((_, i) => `struct_extract("${tag}", 'f${i}')`)] };
      }
      default:
        throw unsupported(this.text, at, `The aggregate '${name}()'`);
    }
  }

  /** SQL of each column an arg_max/arg_min returns besides the max/min itself. */
  private argFields(argNodes: KNode[], names: string[], inputCols: Column[]): string[] {
    const explicit = new Map<string, KNode>();
    const unnamed: KNode[] = [];
    for (const a of argNodes) {
      if (kindOf(a) === 'StarExpression') continue;
      if (kindOf(a) === 'SimpleNamedExpression') explicit.set(a.Name.SimpleName, a.Expression);
      else if (kindOf(a) === 'NameReference') explicit.set(a.SimpleName, a);
      else unnamed.push(a);
    }
    return names.map((n) => {
      const e = explicit.get(n);
      if (e) return scalar(this, e).sql;
      if (inputCols.some((c) => c.name === n)) return q(n);
      const next = unnamed.shift();
      if (!next) throw unsupported(this.text, argNodes[0]?.TextStart ?? 0, `The arg_max/arg_min column '${n}'`);
      return scalar(this, next).sql;
    });
  }

  private summarize(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const out = this.columnsOf(op);
    const byExprs: KNode[] = op.ByClause ? elements(op.ByClause.Expressions) : [];
    if (op.ByClause?.BinClause) throw unsupported(this.text, op.ByClause.BinClause.TextStart, 'summarize bin=');
    const inner: string[] = [];
    const outer: string[] = [];
    let pos = 0;
    byExprs.forEach((e) => {
      const col = out[pos++]!;
      const value = scalar(this, kindOf(e) === 'SimpleNamedExpression' ? e.Expression : e);
      const key = `"__k${inner.length}"`;
      if (col.type === 'datetime' && value.type === 'datetime') {
        // Group datetimes on their microsecond axis (a BIGINT hashes faster than a TIMESTAMPTZ).
        inner.push(`${value.micros ?? `epoch_us(${value.sql})`} AS ${key}`);
        outer.push(`make_timestamptz(${key}) AS ${q(col.name)}`);
      } else {
        inner.push(`${this.typed(value, col.type)} AS ${key}`);
        outer.push(`${key} AS ${q(col.name)}`);
      }
    });
    const keyCount = inner.length;
    const withArg: string[] = [];
    for (const a of elements(op.Aggregates)) {
      const call = kindOf(a) === 'SimpleNamedExpression' ? a.Expression : a;
      const width = this.aggregateWidth(call, out.length - pos);
      const agg = this.aggregate(call, width, input.cols);
      if (agg.pre) withArg.push(agg.pre);
      for (const sql of agg.cols) {
        const col = out[pos++];
        if (!col) throw unsupported(this.text, a.TextStart, 'This summarize column list');
        const alias = `"__a${inner.length}"`;
        if (sql.startsWith('struct_extract("__am')) {
          outer.push(`CAST(${sql} AS ${SQL_TYPE[col.type]}) AS ${q(col.name)}`);
        } else {
          inner.push(`CAST(${sql} AS ${SQL_TYPE[col.type]}) AS ${alias}`);
          outer.push(`${alias} AS ${q(col.name)}`);
        }
      }
    }
    if (pos !== out.length) throw unsupported(this.text, op.TextStart, 'This summarize column list');
    const groupBy = keyCount ? ` GROUP BY ${Array.from({ length: keyCount }, (_, i) => i + 1).join(', ')}` : '';
    const innerSql = `SELECT ${[...inner, ...withArg].join(', ')} FROM (${input.sql})${groupBy}`;
    return { sql: `SELECT ${outer.join(', ')} FROM (${innerSql})`, cols: out, ordered: false };
  }

  /** How many output columns an aggregate produces, per the analyser. */
  private aggregateWidth(call: KNode, remaining: number): number {
    const cols = tableColumns(call);
    if (cols) return Math.min(cols.length, remaining);
    return 1;
  }

  // ---- mv-expand, union, join, make-series, print --------------------------------------------

  private mvExpand(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    if (op.RowLimitClause) throw unsupported(this.text, op.RowLimitClause.TextStart, 'mv-expand limit');
    const out = this.columnsOf(op);
    const expansions = new Map<string, string>();
    for (const e of elements(op.Expressions)) {
      const expr = e.Expression;
      const named = kindOf(expr) === 'SimpleNamedExpression';
      const valueNode = named ? expr.Expression : expr;
      const name: string = named ? expr.Name.SimpleName : valueNode.SimpleName;
      if (!name) throw unsupported(this.text, e.TextStart, 'mv-expand of an unnamed expression');
      const value = scalar(this, valueNode);
      if (value.type !== 'dynamic') throw unsupported(this.text, e.TextStart, `mv-expand of a ${value.type}`);
      expansions.set(name, `unnest(${mvExpandItems(value.sql)})`);
    }
    // unnest() cannot sit inside another function: expand first, convert in an outer SELECT.
    const innerList = input.cols.filter((c) => !expansions.has(c.name)).map((c) => q(c.name));
    for (const [name, expansion] of expansions) innerList.push(`${expansion} AS ${q(`__x_${name}`)}`);
    if (input.ordered) innerList.push(ORD);
    const outerSelect = out.map((c) => {
      if (!expansions.has(c.name)) return q(c.name);
      const x = q(`__x_${c.name}`);
      return `${c.type === 'dynamic' ? x : fromDynamic(x, c.type)} AS ${q(c.name)}`;
    });
    if (input.ordered) outerSelect.push(ORD);
    const innerSql = `SELECT ${innerList.join(', ')} FROM (${input.sql})`;
    return { sql: `SELECT ${outerSelect.join(', ')} FROM (${innerSql})`, cols: out, ordered: input.ordered };
  }

  private union(input: Relation | undefined, op: KNode): Relation {
    const params = this.rejectParameters(op, ['kind', 'isfuzzy']);
    const fuzzy = params.get('isfuzzy')?.LiteralValue === true || String(params.get('isfuzzy')?.ToString() ?? '').trim() === 'true';
    const out = this.columnsOf(op);
    const inputs: Relation[] = input ? [input] : [];
    for (const e of elements(op.Expressions)) {
      if (!tableColumns(e) || kindOf(e) === 'StarExpression' || (kindOf(e) === 'NameReference' && /[*]/.test(e.SimpleName ?? ''))) {
        throw unsupported(this.text, e.TextStart, 'union with a wildcard table');
      }
      // isfuzzy=true: a table that does not exist is left out, as Log Analytics does (the analyser
      // already accepts it there and nowhere else).
      if (fuzzy && kindOf(e) === 'NameReference' && !symbolKind(e)) continue;
      inputs.push(this.tabular(e));
    }
    if (!inputs.length) {
      const empty = out.map((c) => `CAST(NULL AS ${SQL_TYPE[c.type]}) AS ${q(c.name)}`).join(', ');
      return { sql: `SELECT ${empty || '1 AS "__none"'} WHERE FALSE`, cols: out, ordered: false };
    }
    const parts = inputs.map((rel) => {
      const list = out.map((c) => {
        const same = rel.cols.find((x) => x.name === c.name && x.type === c.type);
        if (same) return q(c.name);
        const split = rel.cols.find((x) => `${x.name}_${x.type}` === c.name && x.type === c.type);
        if (split) return `${q(split.name)} AS ${q(c.name)}`;
        return `CAST(NULL AS ${SQL_TYPE[c.type]}) AS ${q(c.name)}`;
      });
      return `SELECT ${list.join(', ')} FROM (${rel.sql})`;
    });
    return { sql: parts.map((p) => `(${p})`).join(' UNION ALL '), cols: out, ordered: false };
  }

  private joinKeys(clause: KNode): { left: string; right: string }[] {
    if (!clause || kindOf(clause) !== 'JoinOnClause') {
      throw unsupported(this.text, clause?.TextStart ?? 0, 'A join without an on clause of columns');
    }
    const keys: { left: string; right: string }[] = [];
    const side = (e: KNode): { side: string; name: string } | undefined => {
      if (kindOf(e) !== 'PathExpression') return undefined;
      const s = String(e.Expression.ToString()).trim();
      return { side: s, name: e.Selector.SimpleName };
    };
    const visit = (e: KNode) => {
      const kind = kindOf(e);
      if (kind === 'NameReference') {
        keys.push({ left: e.SimpleName, right: e.SimpleName });
      } else if (kind === 'AndExpression') {
        visit(e.Left);
        visit(e.Right);
      } else if (kind === 'EqualExpression') {
        const a = side(e.Left);
        const b = side(e.Right);
        if (a && b && a.side === '$left' && b.side === '$right') keys.push({ left: a.name, right: b.name });
        else if (a && b && a.side === '$right' && b.side === '$left') keys.push({ left: b.name, right: a.name });
        else throw unsupported(this.text, e.TextStart, 'This join condition (use $left.a == $right.b)');
      } else {
        throw unsupported(this.text, e.TextStart, 'This join condition');
      }
    };
    for (const e of elements(clause.Expressions)) visit(e);
    return keys;
  }

  private join(left: Relation, op: KNode): Relation {
    const params = this.rejectParameters(op, ['kind']);
    const kindNode = params.get('kind');
    const kind: string = kindNode ? String(kindNode.LiteralValue ?? kindNode.ToString()).toLowerCase() : 'innerunique';
    const right = this.tabular(op.Expression);
    const keys = this.joinKeys(op.ConditionClause);
    const out = this.columnsOf(op);
    const l = this.alias();
    const r = this.alias();
    const on = keys.map((k) => `${l}.${q(k.left)} = ${r}.${q(k.right)}`).join(' AND ');
    const leftSql = this.withoutOrd(left);
    const rightSql = this.withoutOrd(right);
    const pick = (alias: string, cols: Column[], offset: number) => cols.map((c, i) => `${alias}.${q(c.name)} AS ${q(out[offset + i]!.name)}`);
    switch (kind) {
      case 'inner':
      case 'innerunique':
      case 'leftouter':
      case 'rightouter':
      case 'fullouter': {
        if (out.length !== left.cols.length + right.cols.length) throw unsupported(this.text, op.TextStart, 'This join column list');
        // innerunique (Kusto's default) keeps one left row per key before joining.
        const leftSide =
          kind === 'innerunique'
            ? `SELECT * FROM (${leftSql}) QUALIFY row_number() OVER (PARTITION BY ${keys.map((k) => q(k.left)).join(', ')}) = 1`
            : leftSql;
        const joinType = { inner: 'INNER', innerunique: 'INNER', leftouter: 'LEFT OUTER', rightouter: 'RIGHT OUTER', fullouter: 'FULL OUTER' }[kind];
        const list = [...pick(l, left.cols, 0), ...pick(r, right.cols, left.cols.length)];
        return { sql: `SELECT ${list.join(', ')} FROM (${leftSide}) AS ${l} ${joinType} JOIN (${rightSql}) AS ${r} ON ${on}`, cols: out, ordered: false };
      }
      case 'leftanti':
      case 'leftsemi':
      case 'rightanti':
      case 'rightsemi': {
        const keepLeft = kind.startsWith('left');
        const keep = keepLeft ? left : right;
        const [a, b] = keepLeft ? [l, r] : [r, l];
        const [aSql, bSql] = keepLeft ? [leftSql, rightSql] : [rightSql, leftSql];
        const exists = kind.endsWith('anti') ? 'NOT EXISTS' : 'EXISTS';
        const list = pick(a, keep.cols, 0);
        return { sql: `SELECT ${list.join(', ')} FROM (${aSql}) AS ${a} WHERE ${exists} (SELECT 1 FROM (${bSql}) AS ${b} WHERE ${on})`, cols: out, ordered: false };
      }
      default:
        throw unsupported(this.text, kindNode?.TextStart ?? op.TextStart, `join kind=${kind}`);
    }
  }

  private makeSeries(input: Relation, op: KNode): Relation {
    this.rejectParameters(op);
    const out = this.columnsOf(op);
    const range = op.RangeClause;
    let fromNode: KNode, toNode: KNode, stepNode: KNode;
    if (range && kindOf(range) === 'MakeSeriesFromToStepClause') {
      fromNode = range.MakeSeriesFromClause?.Expression;
      toNode = range.MakeSeriesToClause?.Expression;
      stepNode = range.MakeSeriesStepClause?.Expression;
    } else if (range && kindOf(range) === 'MakeSeriesInRangeClause') {
      [fromNode, toNode, stepNode] = elements(range.Arguments.Expressions);
    } else {
      throw unsupported(this.text, op.TextStart, 'make-series without a range');
    }
    if (!fromNode || !toNode || !stepNode) throw unsupported(this.text, op.TextStart, 'make-series without from, to and step');
    const axis = scalar(this, op.OnClause.Expression);
    const from = scalar(this, fromNode);
    const to = scalar(this, toNode);
    const step = scalar(this, stepNode);
    if (axis.type !== 'datetime' || step.type !== 'timespan') throw unsupported(this.text, op.OnClause.TextStart, 'make-series on a non-datetime axis');
    const byExprs: KNode[] = op.ByClause ? elements(op.ByClause.Expressions) : [];
    const byCount = byExprs.length;
    const aggs = elements(op.Aggregates);
    // Output: by columns, one array per aggregate, then the axis array (per the analyser).
    if (out.length !== byCount + aggs.length + 1) throw unsupported(this.text, op.TextStart, 'This make-series column list');
    const keys = byExprs.map((e, i) => `${this.typed(scalar(this, kindOf(e) === 'SimpleNamedExpression' ? e.Expression : e), out[i]!.type)} AS "__k${i}"`);
    const bin = `((epoch_us(${axis.sql}) - epoch_us(${from.sql})) // ${step.sql})`;
    const aggSql: string[] = [];
    const defaults: string[] = [];
    aggs.forEach((a, i) => {
      const expr = kindOf(a.Expression) === 'SimpleNamedExpression' ? a.Expression.Expression : a.Expression;
      const agg = this.aggregate(expr, 1, input.cols);
      if (agg.pre || agg.cols.length !== 1) throw unsupported(this.text, a.TextStart, 'This make-series aggregate');
      aggSql.push(`${agg.cols[0]} AS "__v${i}"`);
      defaults.push(a.DefaultExpression ? scalar(this, a.DefaultExpression.Expression).sql : '0');
    });
    const keyRefs = byExprs.map((_, i) => `"__k${i}"`);
    const inRange = `${axis.sql} >= ${from.sql} AND ${axis.sql} < ${to.sql}`;
    const grouped = `SELECT ${[...keys, `${bin} AS "__i"`, ...aggSql].join(', ')} FROM (${input.sql}) WHERE ${inRange} GROUP BY ${[...keyRefs.map((_, i) => i + 1), byCount + 1].join(', ')}`;
    const nbins = `CAST(ceil((epoch_us(${to.sql}) - epoch_us(${from.sql})) / ${step.sql}) AS BIGINT)`;
    const g = this.alias();
    const k = this.alias();
    const v = this.alias();
    const groupsSql = byCount ? `SELECT DISTINCT ${keyRefs.join(', ')} FROM (${grouped})` : 'SELECT 1 AS "__one"';
    const joinOn = [...keyRefs.map((ref) => `${v}.${ref} IS NOT DISTINCT FROM ${k}.${ref}`), `${v}."__i" = ${g}."__i"`].join(' AND ');
    const binStart = `(${from.sql} + to_microseconds(${g}."__i" * ${step.sql}))`;
    const select = [
      ...keyRefs.map((ref, i) => `${k}.${ref} AS ${q(out[i]!.name)}`),
      ...aggs.map((_, i) => `CAST(to_json(list(COALESCE(${v}."__v${i}", ${defaults[i]}) ORDER BY ${g}."__i")) AS JSON) AS ${q(out[byCount + i]!.name)}`),
      `CAST(to_json(list(${isoDatetime(binStart)} ORDER BY ${g}."__i")) AS JSON) AS ${q(out[out.length - 1]!.name)}`,
    ];
    const sql =
      `SELECT ${select.join(', ')} FROM (${groupsSql}) AS ${k} ` +
      `CROSS JOIN (SELECT unnest(range(0, ${nbins})) AS "__i") AS ${g} ` +
      `LEFT JOIN (${grouped}) AS ${v} ON ${joinOn}` +
      (byCount ? ` GROUP BY ${keyRefs.map((ref) => `${k}.${ref}`).join(', ')}` : '');
    return { sql, cols: out, ordered: false };
  }

  private print(op: KNode): Relation {
    const out = this.columnsOf(op);
    const exprs = elements(op.Expressions);
    const list = exprs.map((e, i) => {
      const valueNode = kindOf(e) === 'SimpleNamedExpression' ? e.Expression : e;
      return `${this.typed(scalar(this, valueNode), out[i]!.type)} AS ${q(out[i]!.name)}`;
    });
    return { sql: `SELECT ${list.join(', ')}`, cols: out, ordered: false };
  }
}

/**
 * The items mv-expand makes of a dynamic value (Kusto): an array's elements; a property bag's
 * entries as one-entry bags; null → one null row; an empty array or bag → no row; a scalar → itself.
 */
export function mvExpandItems(v: string): string {
  return `(CASE WHEN ${v} IS NULL OR json_type(${v}) = 'NULL' THEN [CAST(NULL AS JSON)]
    WHEN json_type(${v}) = 'ARRAY' THEN json_extract(${v}, '$[*]')
    WHEN json_type(${v}) = 'OBJECT' THEN list_transform(json_keys(${v}), k -> CAST(json_object(k, json_extract(${v}, '$.' || to_json(k))) AS JSON))
    ELSE [${v}] END)`;
}

/** Final projection: values in a form the renderer turns into API JSON without time zones. */
function renderColumn(c: Column): string {
  const ref = q(c.name);
  switch (c.type) {
    case 'datetime':
      return `epoch_us(${ref})`;
    case 'guid':
    case 'dynamic':
      return `CAST(${ref} AS VARCHAR)`;
    default:
      return ref;
  }
}

/** Operators whose output rows are input rows (with columns added, dropped or renamed). */
const ROW_PRESERVING = new Set(['FilterOperator', 'ExtendOperator', 'ProjectOperator', 'ProjectAwayOperator', 'ProjectKeepOperator', 'ProjectReorderOperator', 'ProjectRenameOperator', 'SortOperator', 'TopOperator', 'TakeOperator']);

export { timespanMicros };
