// A small, strict interpreter for the DCR transformKql subset the lab supports:
//   source
//   source | extend A = expr, … | project A, B = expr, … | project-away A, … | project-rename A = B, … | where expr
// Expressions: column names, string/number/bool literals, + - * /, comparisons, and/or/not(),
// dynamic member access (x.y, x['y']) and the functions listed in FUNCTIONS. Anything else is
// rejected when the DCR loads, with the position, so a transform never fails silently at ingest.
import { convertValue, type DcrColumnType } from '../rows/column-types.ts';

export interface Column {
  name: string;
  type: DcrColumnType;
}

export type Row = Record<string, unknown>;

export interface CompiledTransform {
  /** The text as given. */
  text: string;
  isIdentity: boolean;
  /** Columns of the output rows, in order, with their static types. */
  outputColumns: Column[];
  /** Applies the transform to one input row (typed per the stream); returns undefined when a `where` drops it. */
  apply(row: Row, ctx: { now: Date }): Row | undefined;
}

export class TransformError extends Error {
  constructor(message: string, readonly position?: number) {
    super(position === undefined ? message : `${message} (at character ${position + 1})`);
    this.name = 'TransformError';
  }
}

// ---------------------------------------------------------------- tokens

type Token =
  | { kind: 'ident'; value: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; integer: boolean; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'eof'; pos: number };

const OPERATORS = ['==', '!=', '<=', '>=', '=~', '!~', '|', ',', '=', '(', ')', '[', ']', '.', '+', '-', '*', '/', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:-(?:away|rename|keep|reorder))?/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', value: Number(m[0]), integer: !m[1] && !m[2], pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') {
          const n = text[j + 1];
          value += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
          j += 2;
        } else value += text[j++];
      }
      if (j >= text.length) throw new TransformError('unterminated string literal', i);
      tokens.push({ kind: 'string', value, pos: i });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new TransformError(`unexpected character '${c}'`, i);
    tokens.push({ kind: 'op', value: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}

// ---------------------------------------------------------------- typed expressions

interface Expr {
  type: DcrColumnType;
  eval(row: Row, ctx: { now: Date }): unknown;
}

type FunctionSpec = { arity: [number, number]; type: (args: Expr[]) => DcrColumnType; fn: (args: unknown[], ctx: { now: Date }) => unknown };

const convertOrNull = (v: unknown, t: DcrColumnType) => {
  const r = convertValue(v instanceof Date ? v.toISOString() : v, t);
  return r.ok ? r.value : null;
};
const asText = (v: unknown): string =>
  v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);

const FUNCTIONS: Record<string, FunctionSpec> = {
  tostring: { arity: [1, 1], type: () => 'string', fn: ([v]) => (v === null || v === undefined ? null : asText(v)) },
  toint: { arity: [1, 1], type: () => 'int', fn: ([v]) => convertOrNull(truncate(v), 'int') },
  tolong: { arity: [1, 1], type: () => 'long', fn: ([v]) => convertOrNull(truncate(v), 'long') },
  toreal: { arity: [1, 1], type: () => 'real', fn: ([v]) => convertOrNull(v, 'real') },
  todouble: { arity: [1, 1], type: () => 'real', fn: ([v]) => convertOrNull(v, 'real') },
  tobool: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => convertOrNull(v, 'boolean') },
  toboolean: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => convertOrNull(v, 'boolean') },
  todatetime: { arity: [1, 1], type: () => 'datetime', fn: ([v]) => convertOrNull(v, 'datetime') },
  todynamic: { arity: [1, 1], type: () => 'dynamic', fn: ([v]) => parseJsonOr(v) },
  parse_json: { arity: [1, 1], type: () => 'dynamic', fn: ([v]) => parseJsonOr(v) },
  tolower: { arity: [1, 1], type: () => 'string', fn: ([v]) => (v === null || v === undefined ? null : asText(v).toLowerCase()) },
  toupper: { arity: [1, 1], type: () => 'string', fn: ([v]) => (v === null || v === undefined ? null : asText(v).toUpperCase()) },
  strcat: { arity: [1, 64], type: () => 'string', fn: (args) => args.map(asText).join('') },
  now: { arity: [0, 0], type: () => 'datetime', fn: (_a, ctx) => ctx.now },
  isnull: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => v === null || v === undefined },
  isnotnull: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => !(v === null || v === undefined) },
  isempty: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => v === null || v === undefined || v === '' },
  isnotempty: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => !(v === null || v === undefined || v === '') },
  not: { arity: [1, 1], type: () => 'boolean', fn: ([v]) => (v === null || v === undefined ? null : !v) },
  iif: { arity: [3, 3], type: (a) => sameTypeOr(a[1]!, a[2]!), fn: ([c, a, b]) => (c === true ? a : b) },
  iff: { arity: [3, 3], type: (a) => sameTypeOr(a[1]!, a[2]!), fn: ([c, a, b]) => (c === true ? a : b) },
  coalesce: { arity: [2, 64], type: (a) => a.reduce<DcrColumnType>((t, e) => (t === e.type ? t : 'dynamic'), a[0]!.type), fn: (args) => args.find((v) => v !== null && v !== undefined) ?? null },
};

function truncate(v: unknown): unknown {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : v;
}

function parseJsonOr(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function sameTypeOr(a: Expr, b: Expr): DcrColumnType {
  return a.type === b.type ? a.type : 'dynamic';
}

const NUMERIC: DcrColumnType[] = ['int', 'long', 'real'];

// ---------------------------------------------------------------- parser

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private columns: Map<string, DcrColumnType>,
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }
  private isWord(value: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.value === value;
  }
  private expectOp(value: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== value) throw new TransformError(`expected '${value}'`, t.pos);
  }
  private ident(what: string): { name: string; pos: number } {
    const t = this.next();
    if (t.kind !== 'ident') throw new TransformError(`expected ${what}`, t.pos);
    return { name: t.value, pos: t.pos };
  }

  parse(): { steps: ((row: Row, ctx: { now: Date }) => Row | undefined)[]; columns: Map<string, DcrColumnType> } {
    const src = this.ident("'source'");
    if (src.name !== 'source') throw new TransformError(`a transform must start with 'source', not '${src.name}'`, src.pos);
    const steps: ((row: Row, ctx: { now: Date }) => Row | undefined)[] = [];
    while (this.isOp('|')) {
      this.next();
      const op = this.ident('an operator after |');
      switch (op.name) {
        case 'extend':
          steps.push(this.extend());
          break;
        case 'project':
          steps.push(this.project());
          break;
        case 'project-away':
          steps.push(this.projectAway());
          break;
        case 'project-rename':
          steps.push(this.projectRename());
          break;
        case 'where':
          steps.push(this.where());
          break;
        default:
          throw new TransformError(`unsupported operator '${op.name}' (supported: extend, project, project-away, project-rename, where)`, op.pos);
      }
    }
    const t = this.peek();
    if (t.kind !== 'eof') throw new TransformError(`unexpected '${'value' in t ? t.value : ''}'`, t.pos);
    return { steps, columns: this.columns };
  }

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.isOp(',')) {
      this.next();
      items.push(item());
    }
    return items;
  }

  private extend() {
    const assigns = this.list(() => {
      const { name } = this.ident('a column name');
      this.expectOp('=');
      return { name, expr: this.expr() };
    });
    const next = new Map(this.columns);
    for (const a of assigns) next.set(a.name, a.expr.type);
    this.columns = next;
    return (row: Row, ctx: { now: Date }) => {
      const out: Row = { ...row };
      for (const a of assigns) out[a.name] = a.expr.eval(row, ctx); // KQL extend evaluates against the input row
      return out;
    };
  }

  private project() {
    const items = this.list(() => {
      const { name, pos } = this.ident('a column name');
      if (this.isOp('=')) {
        this.next();
        return { name, expr: this.expr() };
      }
      const type = this.columns.get(name);
      if (!type) throw new TransformError(`unknown column '${name}'`, pos);
      return { name, expr: { type, eval: (row: Row) => row[name] } as Expr };
    });
    this.columns = new Map(items.map((p) => [p.name, p.expr.type]));
    return (row: Row, ctx: { now: Date }) => Object.fromEntries(items.map((p) => [p.name, p.expr.eval(row, ctx)]));
  }

  private projectAway() {
    const names = this.list(() => {
      const { name, pos } = this.ident('a column name');
      if (!this.columns.has(name)) throw new TransformError(`unknown column '${name}'`, pos);
      return name;
    });
    const next = new Map(this.columns);
    for (const n of names) next.delete(n);
    this.columns = next;
    return (row: Row) => {
      const out: Row = { ...row };
      for (const n of names) delete out[n];
      return out;
    };
  }

  private projectRename() {
    const pairs = this.list(() => {
      const to = this.ident('a new column name').name;
      this.expectOp('=');
      const from = this.ident('a column name');
      if (!this.columns.has(from.name)) throw new TransformError(`unknown column '${from.name}'`, from.pos);
      return { to, from: from.name };
    });
    const order = [...this.columns.entries()].map(([n, t]) => {
      const p = pairs.find((x) => x.from === n);
      return [p ? p.to : n, t] as [string, DcrColumnType];
    });
    this.columns = new Map(order);
    return (row: Row) => {
      const out: Row = {};
      for (const [k, v] of Object.entries(row)) out[pairs.find((p) => p.from === k)?.to ?? k] = v;
      return out;
    };
  }

  private where() {
    const pos = this.peek().pos;
    const cond = this.expr();
    if (cond.type !== 'boolean') throw new TransformError(`'where' needs a boolean condition, got ${cond.type}`, pos);
    return (row: Row, ctx: { now: Date }) => (cond.eval(row, ctx) === true ? row : undefined);
  }

  // expr := or
  private expr(): Expr {
    return this.or();
  }
  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      const l = left;
      const r = this.and();
      left = { type: 'boolean', eval: (row, ctx) => l.eval(row, ctx) === true || r.eval(row, ctx) === true };
    }
    return left;
  }
  private and(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      this.next();
      const l = left;
      const r = this.comparison();
      left = { type: 'boolean', eval: (row, ctx) => l.eval(row, ctx) === true && r.eval(row, ctx) === true };
    }
    return left;
  }
  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'op' && ['==', '!=', '<', '<=', '>', '>=', '=~', '!~'].includes(t.value)) {
      this.next();
      const right = this.additive();
      const op = t.value;
      return {
        type: 'boolean',
        eval: (row, ctx) => compare(op, left.eval(row, ctx), right.eval(row, ctx)),
      };
    }
    return left;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next() as { value: string; pos: number };
      left = arithmetic(op.value, left, this.multiplicative(), op.pos);
    }
    return left;
  }
  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next() as { value: string; pos: number };
      left = arithmetic(op.value, left, this.unary(), op.pos);
    }
    return left;
  }
  private unary(): Expr {
    if (this.isOp('-')) {
      const pos = this.next().pos;
      const inner = this.unary();
      if (!NUMERIC.includes(inner.type)) throw new TransformError(`cannot negate a ${inner.type}`, pos);
      return { type: inner.type, eval: (row, ctx) => negate(inner.eval(row, ctx)) };
    }
    return this.postfix(this.primary());
  }
  private postfix(base: Expr): Expr {
    let e = base;
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next().pos;
        if (e.type !== 'dynamic') throw new TransformError(`member access needs a dynamic value, got ${e.type}`, dot);
        const { name } = this.ident('a property name');
        e = member(e, name);
      } else if (this.isOp('[')) {
        const pos = this.next().pos;
        if (e.type !== 'dynamic') throw new TransformError(`indexing needs a dynamic value, got ${e.type}`, pos);
        const t = this.next();
        if (t.kind !== 'string' && !(t.kind === 'number' && t.integer)) throw new TransformError('expected a string or integer index', t.pos);
        this.expectOp(']');
        e = member(e, t.value);
      } else return e;
    }
  }
  private primary(): Expr {
    const t = this.next();
    if (t.kind === 'string') return { type: 'string', eval: () => t.value };
    if (t.kind === 'number') return { type: t.integer ? 'long' : 'real', eval: () => t.value };
    if (t.kind === 'op' && t.value === '(') {
      const inner = this.expr();
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') return { type: 'boolean', eval: () => t.value === 'true' };
      if (this.isOp('(')) return this.call(t.value, t.pos);
      const type = this.columns.get(t.value);
      if (!type) throw new TransformError(`unknown column '${t.value}'`, t.pos);
      const name = t.value;
      return { type, eval: (row) => row[name] ?? null };
    }
    throw new TransformError('expected an expression', t.pos);
  }
  private call(name: string, pos: number): Expr {
    const spec = FUNCTIONS[name];
    if (!spec) throw new TransformError(`unsupported function '${name}' (supported: ${Object.keys(FUNCTIONS).join(', ')})`, pos);
    this.expectOp('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) args.push(...this.list(() => this.expr()));
    this.expectOp(')');
    if (args.length < spec.arity[0] || args.length > spec.arity[1]) throw new TransformError(`wrong number of arguments to ${name}()`, pos);
    const type = spec.type(args);
    return { type, eval: (row, ctx) => spec.fn(args.map((a) => a.eval(row, ctx)), ctx) };
  }
}

function member(e: Expr, key: string | number): Expr {
  return {
    type: 'dynamic',
    eval: (row, ctx) => {
      const v = e.eval(row, ctx);
      return v !== null && typeof v === 'object' ? ((v as Record<string | number, unknown>)[key] ?? null) : null;
    },
  };
}

function arithmetic(op: string, l: Expr, r: Expr, pos: number): Expr {
  if (!NUMERIC.includes(l.type) || !NUMERIC.includes(r.type)) {
    throw new TransformError(`operator '${op}' needs numbers, got ${l.type} and ${r.type}`, pos);
  }
  const real = l.type === 'real' || r.type === 'real' || op === '/';
  const type: DcrColumnType = real ? 'real' : 'long';
  return {
    type,
    eval: (row, ctx) => {
      const a = l.eval(row, ctx);
      const b = r.eval(row, ctx);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : b === 0 ? null : a / b;
      return v === null || !Number.isFinite(v) ? null : v;
    },
  };
}

function negate(v: unknown): unknown {
  return typeof v === 'number' ? -v : null;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return op === '!=' || op === '!~' ? a !== b : false;
  if (op === '=~' || op === '!~') {
    const eq = String(a).toLowerCase() === String(b).toLowerCase();
    return op === '=~' ? eq : !eq;
  }
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return (x as number) < (y as number);
    case '<=':
      return (x as number) <= (y as number);
    case '>':
      return (x as number) > (y as number);
    default:
      return (x as number) >= (y as number);
  }
}

/** Parses and type-checks a transform against the input stream's columns; throws TransformError. */
export function compileTransform(text: string, inputColumns: Column[]): CompiledTransform {
  const parser = new Parser(tokenize(text), new Map(inputColumns.map((c) => [c.name, c.type])));
  const { steps, columns } = parser.parse();
  const outputColumns = [...columns.entries()].map(([name, type]) => ({ name, type }));
  return {
    text,
    isIdentity: steps.length === 0,
    outputColumns,
    apply(row, ctx) {
      let current: Row | undefined = row;
      for (const step of steps) {
        current = step(current, ctx);
        if (!current) return undefined;
      }
      return current;
    },
  };
}
