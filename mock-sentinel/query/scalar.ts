// Scalar KQL expressions → DuckDB SQL expressions, with Kusto semantics:
// strings compare case-sensitively with ==, case-insensitively with =~, has/contains/startswith
// ignore case; a Kusto string is never null (a missing value is ""), tostring(null) is "";
// long / long divides integrally; timespans are BIGINT microseconds; dynamic is JSON.
import { unsupported, semanticError } from './errors.ts';
import { elements, kindOf, scalarType, symbolKind, tableColumns, type KNode } from './parser.ts';
import { asKustoType, quoteIdent, quoteString, SQL_TYPE, type KustoType } from './types.ts';
import type { TranslateContext } from './context.ts';
import { contentFunction } from './content-functions.ts';

export interface Scalar {
  sql: string;
  type: KustoType;
  /** For a datetime computed on the microsecond axis: that BIGINT, cheaper to group on. */
  micros?: string;
}

const MICROS_PER_DAY = 86_400_000_000n;
/** −epoch_us of 0001-01-01, Kusto's smallest datetime. */
const KUSTO_MIN_DATETIME_US = 62_135_596_800_000_000n;

export function typeOf(ctx: TranslateContext, node: KNode): KustoType {
  const t = asKustoType(scalarType(node));
  if (!t) throw unsupported(ctx.text, node.TextStart, `An expression of type '${scalarType(node)}'`);
  return t;
}

/** Translates a scalar expression. */
export function scalar(ctx: TranslateContext, node: KNode): Scalar {
  const kind = kindOf(node);
  switch (kind) {
    case 'ParenthesizedExpression': {
      const inner = scalar(ctx, node.Expression);
      return { sql: `(${inner.sql})`, type: inner.type };
    }
    case 'NameReference':
      return nameReference(ctx, node);
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression':
    case 'BooleanLiteralExpression':
    case 'DateTimeLiteralExpression':
    case 'TimespanLiteralExpression':
    case 'GuidLiteralExpression':
    case 'NullLiteralExpression':
      return literal(ctx, node, kind);
    case 'DynamicExpression':
      return dynamicLiteral(ctx, node);
    case 'PathExpression':
    case 'ElementExpression':
      return dynamicAccess(ctx, node);
    case 'FunctionCallExpression':
      return functionCall(ctx, node);
    case 'ToScalarExpression':
      return toScalar(ctx, node.Expression, node);
    case 'UnaryMinusExpression': {
      const inner = scalar(ctx, node.Expression);
      return { sql: `(-${inner.sql})`, type: inner.type };
    }
    case 'UnaryPlusExpression':
      return scalar(ctx, node.Expression);
    case 'InExpression':
    case 'InCsExpression':
    case 'NotInExpression':
    case 'NotInCsExpression':
      return inExpression(ctx, node, kind);
    case 'BetweenExpression':
    case 'NotBetweenExpression':
      return between(ctx, node, kind === 'NotBetweenExpression');
    case 'HasAnyExpression':
      return hasAny(ctx, node);
    default:
      if (node.Left && node.Right && node.Operator) return binary(ctx, node, kind);
      throw unsupported(ctx.text, node.TextStart, describe(node, kind));
  }
}

function describe(node: KNode, kind: string): string {
  const text = String(node.ToString?.() ?? '').slice(0, 40);
  return `The expression '${text}' (${kind})`;
}

function nameReference(ctx: TranslateContext, node: KNode): Scalar {
  const sym = symbolKind(node);
  const name: string = node.SimpleName;
  if (sym === 'Column') return { sql: quoteIdent(name), type: typeOf(ctx, node) };
  if (sym === 'Variable') {
    const binding = ctx.lets.get(name);
    if (binding?.kind === 'scalar') return { sql: `(${binding.sql})`, type: binding.type };
  }
  throw unsupported(ctx.text, node.TextStart, `The reference to '${name}' here`);
}

// ---- literals --------------------------------------------------------------------------------

function int64Text(value: KNode): string {
  const text = String(value?.toString?.() ?? value);
  if (!/^-?\d+$/.test(text)) throw new Error(`not an integer literal: ${text}`);
  return text;
}

function literalDate(value: KNode): Date | undefined {
  if (value instanceof Date) return value;
  if (value && value.v instanceof Date) return value.v;
  return undefined;
}

/** Timespan literal → microseconds (Kusto ticks are 100 ns). */
export function timespanMicros(value: KNode): bigint {
  const ticks = value?.ticks ?? value?.Ticks;
  return BigInt(int64Text(ticks)) / 10n;
}

export const timestampLiteral = (d: Date): string => `TIMESTAMPTZ '${d.toISOString().replace('T', ' ').replace('Z', '+00')}'`;

function literal(ctx: TranslateContext, node: KNode, kind: string): Scalar {
  const value = node.LiteralValue;
  const type = asKustoType(scalarType(node)) ?? 'string';
  if (kind === 'NullLiteralExpression' || value === null || value === undefined) {
    return { sql: `CAST(NULL AS ${SQL_TYPE[type]})`, type };
  }
  switch (kind) {
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return { sql: quoteString(String(value)), type: 'string' };
    case 'LongLiteralExpression':
      return { sql: `CAST(${int64Text(value)} AS BIGINT)`, type: 'long' };
    case 'IntLiteralExpression':
      return { sql: `CAST(${int64Text(value)} AS INTEGER)`, type: 'int' };
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression': {
      const n = Number(value?.v ?? value);
      const sql = Number.isNaN(n) ? `'NaN'` : n === Infinity ? `'Infinity'` : n === -Infinity ? `'-Infinity'` : String(n);
      return { sql: `CAST(${sql} AS DOUBLE)`, type: 'real' };
    }
    case 'BooleanLiteralExpression':
      return { sql: (value?.v ?? value) ? 'TRUE' : 'FALSE', type: 'bool' };
    case 'DateTimeLiteralExpression': {
      const d = literalDate(value);
      if (!d) throw unsupported(ctx.text, node.TextStart, `The datetime literal '${node.ToString()}'`);
      return { sql: timestampLiteral(d), type: 'datetime' };
    }
    case 'TimespanLiteralExpression':
      return { sql: `CAST(${timespanMicros(value)} AS BIGINT)`, type: 'timespan' };
    case 'GuidLiteralExpression':
      return { sql: `CAST(${quoteString(String(value.toString()).toLowerCase())} AS UUID)`, type: 'guid' };
    default:
      throw unsupported(ctx.text, node.TextStart, describe(node, kind));
  }
}

function dynamicLiteral(ctx: TranslateContext, node: KNode): Scalar {
  const inner = node.Expression;
  const raw = ctx.text.slice(inner.TextStart, inner.End);
  let value: unknown;
  try {
    value = kindOf(inner) === 'NullLiteralExpression' ? null : JSON.parse(raw);
  } catch {
    throw unsupported(ctx.text, inner.TextStart, `The dynamic literal '${raw.slice(0, 40)}' (only JSON values are supported)`);
  }
  if (value === null) return { sql: 'CAST(NULL AS JSON)', type: 'dynamic' };
  return { sql: `CAST(${quoteString(JSON.stringify(value))} AS JSON)`, type: 'dynamic' };
}

// ---- dynamic -----------------------------------------------------------------------------------

function jsonPathKey(key: string): string {
  return `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function dynamicAccess(ctx: TranslateContext, node: KNode): Scalar {
  const base = scalar(ctx, node.Expression);
  if (base.type !== 'dynamic') throw unsupported(ctx.text, node.TextStart, `Property access on a ${base.type} value`);
  const selector = node.Selector;
  if (kindOf(node) === 'PathExpression') {
    if (kindOf(selector) !== 'NameReference' && kindOf(selector) !== 'BracketedExpression') {
      throw unsupported(ctx.text, selector.TextStart, describe(selector, kindOf(selector)));
    }
    if (kindOf(selector) === 'NameReference') {
      return { sql: `json_extract(${base.sql}, ${quoteString(jsonPathKey(selector.SimpleName))})`, type: 'dynamic' };
    }
  }
  const index = kindOf(selector) === 'BracketedExpression' ? selector.Expression : selector;
  const idx = scalar(ctx, index);
  const literalValue = index.IsLiteral ? index.LiteralValue : undefined;
  if (idx.type === 'string') {
    if (typeof literalValue === 'string') {
      return { sql: `json_extract(${base.sql}, ${quoteString(jsonPathKey(literalValue))})`, type: 'dynamic' };
    }
    return { sql: `json_extract(${base.sql}, '$."' || replace(${idx.sql}, '"', '\\"') || '"')`, type: 'dynamic' };
  }
  if (idx.type === 'long' || idx.type === 'int') {
    if (literalValue !== undefined && literalValue !== null) {
      const n = BigInt(int64Text(literalValue));
      const path = n < 0n ? `$[#${n}]` : `$[${n}]`;
      return { sql: `json_extract(${base.sql}, '${path}')`, type: 'dynamic' };
    }
    return {
      sql: `json_extract(${base.sql}, CASE WHEN ${idx.sql} < 0 THEN '$[#' || CAST(${idx.sql} AS VARCHAR) || ']' ELSE '$[' || CAST(${idx.sql} AS VARCHAR) || ']' END)`,
      type: 'dynamic',
    };
  }
  throw unsupported(ctx.text, index.TextStart, `Indexing a dynamic value with a ${idx.type}`);
}

/** A dynamic value as a Kusto string: a JSON string unquoted, anything else as JSON text. */
function dynamicToString(sql: string): string {
  return `CASE WHEN json_type(${sql}) = 'VARCHAR' THEN json_extract_string(${sql}, '$') ELSE CAST(${sql} AS VARCHAR) END`;
}

/** Converts a dynamic value to a scalar type (as Kusto does when dynamic meets a typed operand). */
export function fromDynamic(sql: string, target: KustoType): string {
  switch (target) {
    case 'dynamic':
      return sql;
    case 'string':
      return dynamicToString(sql);
    case 'long':
    case 'timespan':
      return `TRY_CAST(json_extract_string(${sql}, '$') AS BIGINT)`;
    case 'int':
      return `TRY_CAST(json_extract_string(${sql}, '$') AS INTEGER)`;
    case 'real':
      return `TRY_CAST(json_extract_string(${sql}, '$') AS DOUBLE)`;
    case 'bool':
      return `TRY_CAST(json_extract_string(${sql}, '$') AS BOOLEAN)`;
    case 'guid':
      return `TRY_CAST(json_extract_string(${sql}, '$') AS UUID)`;
    case 'datetime':
      return parseDatetime(`json_extract_string(${sql}, '$')`);
  }
}

/** A string in ISO-8601 form → TIMESTAMPTZ; a string without a zone is UTC (Kusto). */
function parseDatetime(sql: string): string {
  return `COALESCE(timezone('UTC', TRY_CAST(${sql} AS TIMESTAMP)), TRY_CAST(${sql} AS TIMESTAMPTZ))`;
}

/** A value as JSON for a dynamic container (datetimes as ISO strings, guids as strings). */
export function toJsonValue(s: Scalar): string {
  switch (s.type) {
    case 'dynamic':
      return s.sql;
    case 'datetime':
      return `to_json(${isoDatetime(s.sql)})`;
    case 'guid':
      return `to_json(CAST(${s.sql} AS VARCHAR))`;
    case 'timespan':
      return `to_json(${formatTimespan(s.sql)})`;
    default:
      return `to_json(${s.sql})`;
  }
}

// ---- string forms --------------------------------------------------------------------------------

/** ISO-8601 UTC with milliseconds, as the store contract renders datetimes. */
export function isoDatetime(sql: string): string {
  return `strftime(timezone('UTC', ${sql}), '%Y-%m-%dT%H:%M:%S.%gZ')`;
}

/** Kusto's timespan text: [-][d.]hh:mm:ss[.fffffff]. */
export function formatTimespan(sql: string): string {
  const a = `abs(${sql})`;
  return `(CASE WHEN ${sql} IS NULL THEN NULL ELSE
    (CASE WHEN ${sql} < 0 THEN '-' ELSE '' END) ||
    (CASE WHEN ${a} >= ${MICROS_PER_DAY} THEN CAST(${a} // ${MICROS_PER_DAY} AS VARCHAR) || '.' ELSE '' END) ||
    lpad(CAST((${a} // 3600000000) % 24 AS VARCHAR), 2, '0') || ':' ||
    lpad(CAST((${a} // 60000000) % 60 AS VARCHAR), 2, '0') || ':' ||
    lpad(CAST((${a} // 1000000) % 60 AS VARCHAR), 2, '0') ||
    (CASE WHEN ${a} % 1000000 = 0 THEN '' ELSE '.' || lpad(CAST((${a} % 1000000) * 10 AS VARCHAR), 7, '0') END) END)`;
}

/** Kusto tostring(): never null (null → ""). */
export function asString(s: Scalar): string {
  switch (s.type) {
    case 'string':
      return `COALESCE(${s.sql}, '')`;
    case 'dynamic':
      return `COALESCE(${dynamicToString(s.sql)}, '')`;
    case 'real':
      return `COALESCE(CASE WHEN ${s.sql} = trunc(${s.sql}) AND abs(${s.sql}) < 1e15 THEN CAST(CAST(${s.sql} AS BIGINT) AS VARCHAR) ELSE CAST(${s.sql} AS VARCHAR) END, '')`;
    case 'datetime':
      return `COALESCE(${isoDatetime(s.sql)}, '')`;
    case 'timespan':
      return `COALESCE(${formatTimespan(s.sql)}, '')`;
    default:
      return `COALESCE(CAST(${s.sql} AS VARCHAR), '')`;
  }
}

/** Brings an operand to `target` when Kusto would convert it implicitly. */
function coerce(s: Scalar, target: KustoType): string {
  if (s.type === target) return s.sql;
  if (s.type === 'dynamic') return fromDynamic(s.sql, target);
  if (target === 'string') return asString(s);
  if (target === 'dynamic') return toJsonValue(s);
  if (target === 'guid' && s.type === 'string') return `TRY_CAST(${s.sql} AS UUID)`;
  return s.sql;
}

// ---- operators --------------------------------------------------------------------------------

const NUMERIC: KustoType[] = ['long', 'int', 'real'];

/** The common type two compared operands are brought to. */
function comparisonType(a: Scalar, b: Scalar): KustoType {
  if (a.type === b.type) return a.type;
  if (a.type === 'dynamic') return b.type;
  if (b.type === 'dynamic') return a.type;
  // A guid compared with a string compares as guids (case-insensitively, as Kusto does).
  if ((a.type === 'guid' && b.type === 'string') || (a.type === 'string' && b.type === 'guid')) return 'guid';
  if (a.type === 'string' || b.type === 'string') return 'string';
  if (NUMERIC.includes(a.type) && NUMERIC.includes(b.type)) return a.type === 'real' || b.type === 'real' ? 'real' : 'long';
  return a.type;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isTermChar = (c: string): boolean => /[0-9A-Za-z]/.test(c);

/** Kusto `has`: the needle appears as whole term(s) — bounded by non-alphanumerics or the ends. */
function hasPattern(needle: Scalar, caseSensitive: boolean): string {
  const flags = caseSensitive ? '' : '(?i)';
  if (needle.type === 'string' && /^'(?:[^']|'')*'$/.test(needle.sql)) {
    const value = needle.sql.slice(1, -1).replace(/''/g, "'");
    if (value === '') return quoteString('');
    const left = isTermChar(value[0]!) ? '(?:^|[^0-9A-Za-z])' : '';
    const right = isTermChar(value[value.length - 1]!) ? '(?:$|[^0-9A-Za-z])' : '';
    return quoteString(`${flags}${left}${escapeRegex(value)}${right}`);
  }
  const escaped = `regexp_replace(${asString(needle)}, '([.*+?^$\\{\\}()|\\[\\]\\\\])', '\\\\\\1', 'g')`;
  return `'${flags}(?:^|[^0-9A-Za-z])' || ${escaped} || '(?:$|[^0-9A-Za-z])'`;
}

function binary(ctx: TranslateContext, node: KNode, kind: string): Scalar {
  const l = scalar(ctx, node.Left);
  const r = scalar(ctx, node.Right);
  const resultType = (asKustoType(scalarType(node)) ?? 'bool') as KustoType;
  const str = (s: Scalar) => asString(s);
  const bool = (sql: string): Scalar => ({ sql: `(${sql})`, type: 'bool' });
  switch (kind) {
    case 'AndExpression':
      return bool(`${l.sql} AND ${r.sql}`);
    case 'OrExpression':
      return bool(`${l.sql} OR ${r.sql}`);
    case 'EqualExpression':
    case 'NotEqualExpression':
    case 'LessThanExpression':
    case 'LessThanOrEqualExpression':
    case 'GreaterThanExpression':
    case 'GreaterThanOrEqualExpression': {
      const op = { EqualExpression: '=', NotEqualExpression: '<>', LessThanExpression: '<', LessThanOrEqualExpression: '<=', GreaterThanExpression: '>', GreaterThanOrEqualExpression: '>=' }[kind];
      let t = comparisonType(l, r);
      if (t === 'dynamic') t = 'string';
      return bool(`${coerce(l, t)} ${op} ${coerce(r, t)}`);
    }
    case 'EqualTildeExpression':
      return bool(`lower(${str(l)}) = lower(${str(r)})`);
    case 'BangTildeExpression':
      return bool(`lower(${str(l)}) <> lower(${str(r)})`);
    case 'ContainsExpression':
      return bool(`strpos(lower(${str(l)}), lower(${str(r)})) > 0`);
    case 'NotContainsExpression':
      return bool(`strpos(lower(${str(l)}), lower(${str(r)})) = 0`);
    case 'ContainsCsExpression':
      return bool(`strpos(${str(l)}, ${str(r)}) > 0`);
    case 'NotContainsCsExpression':
      return bool(`strpos(${str(l)}, ${str(r)}) = 0`);
    case 'StartsWithExpression':
      return bool(`starts_with(lower(${str(l)}), lower(${str(r)}))`);
    case 'NotStartsWithExpression':
      return bool(`NOT starts_with(lower(${str(l)}), lower(${str(r)}))`);
    case 'StartsWithCsExpression':
      return bool(`starts_with(${str(l)}, ${str(r)})`);
    case 'NotStartsWithCsExpression':
      return bool(`NOT starts_with(${str(l)}, ${str(r)})`);
    case 'EndsWithExpression':
      return bool(`ends_with(lower(${str(l)}), lower(${str(r)}))`);
    case 'NotEndsWithExpression':
      return bool(`NOT ends_with(lower(${str(l)}), lower(${str(r)}))`);
    case 'EndsWithCsExpression':
      return bool(`ends_with(${str(l)}, ${str(r)})`);
    case 'NotEndsWithCsExpression':
      return bool(`NOT ends_with(${str(l)}, ${str(r)})`);
    case 'HasExpression':
      return bool(`regexp_matches(${str(l)}, ${hasPattern(r, false)})`);
    case 'NotHasExpression':
      return bool(`NOT regexp_matches(${str(l)}, ${hasPattern(r, false)})`);
    case 'HasCsExpression':
      return bool(`regexp_matches(${str(l)}, ${hasPattern(r, true)})`);
    case 'NotHasCsExpression':
      return bool(`NOT regexp_matches(${str(l)}, ${hasPattern(r, true)})`);
    case 'MatchesRegexExpression':
      return bool(`regexp_matches(${str(l)}, ${str(r)})`);
    case 'AddExpression':
    case 'SubtractExpression':
    case 'MultiplyExpression':
    case 'DivideExpression':
    case 'ModuloExpression':
      return arithmetic(ctx, node, kind, l, r, resultType);
    default:
      throw unsupported(ctx.text, node.Operator.TextStart, `The operator '${node.Operator.Text}'`);
  }
}

function arithmetic(ctx: TranslateContext, node: KNode, kind: string, l: Scalar, r: Scalar, resultType: KustoType): Scalar {
  const op = { AddExpression: '+', SubtractExpression: '-', MultiplyExpression: '*', DivideExpression: '/', ModuloExpression: '%' }[kind]!;
  // datetime arithmetic: datetime ± timespan, datetime − datetime
  if (l.type === 'datetime' && r.type === 'timespan' && (op === '+' || op === '-')) {
    return { sql: `(${l.sql} ${op} to_microseconds(${r.sql}))`, type: 'datetime' };
  }
  if (l.type === 'timespan' && r.type === 'datetime' && op === '+') {
    return { sql: `(${r.sql} + to_microseconds(${l.sql}))`, type: 'datetime' };
  }
  if (l.type === 'datetime' && r.type === 'datetime' && op === '-') {
    return { sql: `(epoch_us(${l.sql}) - epoch_us(${r.sql}))`, type: 'timespan' };
  }
  const numericLike = (t: KustoType) => NUMERIC.includes(t) || t === 'timespan' || t === 'dynamic';
  if (!numericLike(l.type) || !numericLike(r.type)) {
    throw unsupported(ctx.text, node.Operator.TextStart, `'${op}' between ${l.type} and ${r.type}`);
  }
  const lt = l.type === 'dynamic' ? 'real' : l.type;
  const rt = r.type === 'dynamic' ? 'real' : r.type;
  const ls = coerce(l, lt);
  const rs = coerce(r, rt);
  const integral = (t: KustoType) => t === 'long' || t === 'int' || t === 'timespan';
  if (op === '/' && integral(lt) && integral(rt)) {
    // Kusto divides integers integrally (truncating), and timespan / timespan is a real ratio.
    if (lt === 'timespan' && rt === 'timespan') return { sql: `(CAST(${ls} AS DOUBLE) / ${rs})`, type: 'real' };
    return { sql: `(${ls} // ${rs})`, type: resultType };
  }
  if (resultType === 'timespan' && (lt === 'real' || rt === 'real')) {
    return { sql: `CAST(trunc(${ls} ${op} ${rs}) AS BIGINT)`, type: 'timespan' };
  }
  return { sql: `(${ls} ${op} ${rs})`, type: resultType };
}

function inExpression(ctx: TranslateContext, node: KNode, kind: string): Scalar {
  const negate = kind === 'NotInExpression' || kind === 'NotInCsExpression';
  const insensitive = node.Operator.Text === 'in~' || node.Operator.Text === '!in~';
  const left = scalar(ctx, node.Left);
  const items = elements(node.Right.Expressions);
  const parts: string[] = [];
  const values: string[] = [];
  const lhsType: KustoType = left.type === 'dynamic' ? 'string' : left.type;
  const lhs = insensitive ? `lower(${asString(left)})` : coerce(left, lhsType);
  for (const item of items) {
    if (tableColumns(item)) {
      const rel = ctx.tabular(item);
      const first = rel.cols[0]!;
      const col = insensitive ? `lower(${asString({ sql: quoteIdent(first.name), type: first.type })})` : quoteIdent(first.name);
      parts.push(`${lhs} IN (SELECT ${col} FROM (${rel.sql}))`);
      continue;
    }
    const v = scalar(ctx, item);
    if (v.type === 'dynamic') {
      const list = insensitive
        ? `list_transform(json_extract_string(${v.sql}, '$[*]'), x -> lower(x))`
        : `json_extract_string(${v.sql}, '$[*]')`;
      parts.push(`list_contains(${list}, ${insensitive ? lhs : asString(left)})`);
      continue;
    }
    values.push(insensitive ? `lower(${asString(v)})` : coerce(v, lhsType));
  }
  if (values.length) parts.push(`${lhs} IN (${values.join(', ')})`);
  const any = parts.length ? parts.map((p) => `COALESCE(${p}, FALSE)`).join(' OR ') : 'FALSE';
  return { sql: negate ? `(NOT (${any}))` : `(${any})`, type: 'bool' };
}

function between(ctx: TranslateContext, node: KNode, negate: boolean): Scalar {
  const v = scalar(ctx, node.Left);
  const lo = scalar(ctx, node.Right.First);
  let hi = scalar(ctx, node.Right.Second);
  if (v.type === 'datetime' && hi.type === 'timespan') hi = { sql: `(${lo.sql} + to_microseconds(${hi.sql}))`, type: 'datetime' };
  const t = comparisonType(v, lo);
  const sql = `${coerce(v, t)} BETWEEN ${coerce(lo, t)} AND ${coerce(hi, t)}`;
  return { sql: negate ? `(NOT (${sql}))` : `(${sql})`, type: 'bool' };
}

function hasAny(ctx: TranslateContext, node: KNode): Scalar {
  const left = scalar(ctx, node.Left);
  const items = elements(node.Right.Expressions).map((e) => scalar(ctx, e));
  if (items.some((i) => i.type !== 'string')) throw unsupported(ctx.text, node.Right.TextStart, 'has_any over a non-literal list');
  const parts = items.map((i) => `regexp_matches(${asString(left)}, ${hasPattern(i, false)})`);
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', type: 'bool' };
}

function toScalar(ctx: TranslateContext, tabularNode: KNode, at: KNode): Scalar {
  const rel = ctx.tabular(tabularNode);
  const first = rel.cols[0];
  if (!first) throw semanticError(ctx.text, at.TextStart, 'toscalar() over a table without columns');
  const order = rel.ordered ? ' ORDER BY "__ord"' : '';
  return { sql: `(SELECT ${quoteIdent(first.name)} FROM (${rel.sql})${order} LIMIT 1)`, type: first.type };
}

// ---- functions --------------------------------------------------------------------------------

/** Kusto .NET-style datetime format → strftime. */
function strftimeFormat(ctx: TranslateContext, at: number, format: string): string {
  const map: [string, string][] = [
    ['yyyy', '%Y'], ['yy', '%y'], ['MM', '%m'], ['M', '%-m'], ['dd', '%d'], ['d', '%-d'],
    ['HH', '%H'], ['H', '%-H'], ['hh', '%I'], ['h', '%-I'], ['mm', '%M'], ['m', '%-M'],
    ['ss', '%S'], ['s', '%-S'], ['fffffff', '%f0'], ['ffffff', '%f'], ['fff', '%g'], ['tt', '%p'],
  ];
  let out = '';
  for (let i = 0; i < format.length; ) {
    const hit = map.find(([k]) => format.startsWith(k, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
      continue;
    }
    const c = format[i]!;
    if (/[A-Za-z]/.test(c)) throw unsupported(ctx.text, at, `The format_datetime specifier '${c}'`);
    out += c === '%' ? '%%' : c;
    i++;
  }
  return out;
}

function binSql(ctx: TranslateContext, at: number, value: Scalar, size: Scalar): Scalar {
  if (value.type === 'datetime') {
    if (size.type !== 'timespan') throw unsupported(ctx.text, at, `bin() of a datetime by a ${size.type}`);
    // Floor on the microsecond axis from the Unix epoch (Kusto bins from 0001-01-01; for any
    // size dividing a day the boundaries are the same).
    const us = `epoch_us(${value.sql})`;
    const literalSize = /^CAST\((\d+) AS BIGINT\)$/.exec(size.sql);
    let micros: string;
    if (literalSize && BigInt(literalSize[1]!) > 0n) {
      // Integer division truncates toward zero; shifting by a multiple of the size that makes
      // every datetime since 0001-01-01 positive turns it into a floor, in one division.
      const n = BigInt(literalSize[1]!);
      const offset = ((KUSTO_MIN_DATETIME_US + n - 1n) / n) * n;
      micros = `((${us} + ${offset}) // ${n} * ${n} - ${offset})`;
    } else {
      micros = `(${us} - (((${us} % ${size.sql}) + ${size.sql}) % ${size.sql}))`;
    }
    return { sql: `make_timestamptz(${micros})`, type: 'datetime', micros };
  }
  if (value.type === 'timespan' || value.type === 'long' || value.type === 'int') {
    if (size.type === 'real') return { sql: `(floor(${value.sql} / ${size.sql}) * ${size.sql})`, type: 'real' };
    return { sql: `(${value.sql} - (((${value.sql} % ${size.sql}) + ${size.sql}) % ${size.sql}))`, type: value.type };
  }
  if (value.type === 'real') return { sql: `(floor(${value.sql} / ${size.sql}) * ${size.sql})`, type: 'real' };
  throw unsupported(ctx.text, at, `bin() of a ${value.type}`);
}

function functionCall(ctx: TranslateContext, node: KNode): Scalar {
  const name: string = node.Name.SimpleName;
  const argNodes: KNode[] = elements(node.ArgumentList.Expressions);
  const at: number = node.TextStart;
  const args = () => argNodes.map((a) => scalar(ctx, a));
  const resultType = asKustoType(scalarType(node));
  const result = (sql: string, type?: KustoType): Scalar => ({ sql, type: type ?? resultType ?? 'string' });
  const one = () => scalar(ctx, argNodes[0]);
  switch (name) {
    case 'iff':
    case 'iif': {
      const [c, a, b] = args();
      const t = resultType ?? a!.type;
      return result(`(CASE WHEN ${c!.sql} THEN ${coerce(a!, t)} ELSE ${coerce(b!, t)} END)`, t);
    }
    case 'case': {
      const all = args();
      const t = resultType ?? all[1]!.type;
      let sql = '(CASE';
      for (let i = 0; i + 1 < all.length; i += 2) sql += ` WHEN ${all[i]!.sql} THEN ${coerce(all[i + 1]!, t)}`;
      sql += ` ELSE ${coerce(all[all.length - 1]!, t)} END)`;
      return result(sql, t);
    }
    case 'not':
      return result(`(NOT ${one().sql})`, 'bool');
    case 'isempty':
    case 'isnotempty': {
      const v = one();
      const empty = v.type === 'string' ? `(${v.sql} IS NULL OR ${v.sql} = '')` : v.type === 'dynamic' ? `(${v.sql} IS NULL OR ${dynamicToString(v.sql)} = '')` : `(${v.sql} IS NULL)`;
      return result(name === 'isempty' ? empty : `(NOT ${empty})`, 'bool');
    }
    case 'isnull':
    case 'isnotnull': {
      const v = one();
      // A Kusto string is never null: isnull("") is false.
      const isNull = v.type === 'string' ? 'FALSE' : v.type === 'dynamic' ? `(${v.sql} IS NULL OR json_type(${v.sql}) = 'NULL')` : `(${v.sql} IS NULL)`;
      return result(name === 'isnull' ? isNull : `(NOT ${isNull})`, 'bool');
    }
    case 'tostring':
      return result(asString(one()), 'string');
    case 'toint':
    case 'tolong':
    case 'todouble':
    case 'toreal':
    case 'tobool':
    case 'toboolean': {
      const v = one();
      const target: KustoType = name === 'toint' ? 'int' : name === 'tolong' ? 'long' : name.startsWith('tobool') ? 'bool' : 'real';
      return result(convertNumber(v, target), target);
    }
    case 'todatetime': {
      const v = one();
      if (v.type === 'datetime') return v;
      if (v.type === 'string') return result(parseDatetime(v.sql), 'datetime');
      if (v.type === 'dynamic') return result(fromDynamic(v.sql, 'datetime'), 'datetime');
      throw unsupported(ctx.text, at, `todatetime() of a ${v.type}`);
    }
    case 'totimespan': {
      const v = one();
      if (v.type === 'timespan') return v;
      throw unsupported(ctx.text, at, `totimespan() of a ${v.type}`);
    }
    case 'parse_json':
    case 'todynamic': {
      const v = one();
      if (v.type === 'dynamic') return v;
      if (v.type === 'string') {
        // Valid JSON parses; "" is null; any other text stays a dynamic string (Kusto).
        return result(`(CASE WHEN ${v.sql} IS NULL OR ${v.sql} = '' THEN CAST(NULL AS JSON) WHEN json_valid(${v.sql}) THEN CAST(${v.sql} AS JSON) ELSE CAST(to_json(${v.sql}) AS JSON) END)`, 'dynamic');
      }
      return result(`CAST(${toJsonValue(v)} AS JSON)`, 'dynamic');
    }
    case 'array_length': {
      const v = one();
      return result(`(CASE WHEN json_type(${v.sql}) = 'ARRAY' THEN json_array_length(${v.sql}) END)`, 'long');
    }
    case 'set_has_element': {
      const [arr, value] = args();
      if (value!.type === 'string') return result(`COALESCE(list_contains(json_extract_string(${arr!.sql}, '$[*]'), ${value!.sql}), FALSE)`, 'bool');
      if (NUMERIC.includes(value!.type)) {
        return result(`COALESCE(list_contains(list_transform(json_extract_string(${arr!.sql}, '$[*]'), x -> TRY_CAST(x AS DOUBLE)), CAST(${value!.sql} AS DOUBLE)), FALSE)`, 'bool');
      }
      return result(`COALESCE(list_contains(json_extract_string(${arr!.sql}, '$[*]'), ${asString(value!)}), FALSE)`, 'bool');
    }
    case 'strcat': {
      const parts = args().map(asString);
      return result(parts.length ? `(${parts.join(' || ')})` : `''`, 'string');
    }
    case 'strlen':
      return result(`length(${asString(one())})`, 'long');
    case 'tolower':
      return result(`lower(${asString(one())})`, 'string');
    case 'toupper':
      return result(`upper(${asString(one())})`, 'string');
    case 'substring': {
      const [s, start, len] = args();
      const from = `(GREATEST(${start!.sql}, 0) + 1)`;
      return result(len ? `substr(${asString(s!)}, ${from}, GREATEST(${len.sql}, 0))` : `substr(${asString(s!)}, ${from})`, 'string');
    }
    case 'split': {
      const [s, delim, index] = args();
      const list = `CAST(to_json(string_split(${asString(s!)}, ${asString(delim!)})) AS JSON)`;
      if (index) return result(`CAST(to_json([json_extract_string(${list}, '$[' || CAST(${index.sql} AS VARCHAR) || ']')]) AS JSON)`, 'dynamic');
      return result(list, 'dynamic');
    }
    case 'extract': {
      const [regex, group, s, typeArg] = argNodes;
      if (typeArg) throw unsupported(ctx.text, typeArg.TextStart, 'extract() with a type argument');
      const re = scalar(ctx, regex);
      const g = scalar(ctx, group);
      const text = asString(scalar(ctx, s));
      // Kusto: no match → "" (a string is never null).
      return result(`COALESCE(CASE WHEN regexp_matches(${text}, ${re.sql}) THEN regexp_extract(${text}, ${re.sql}, CAST(${g.sql} AS INTEGER)) END, '')`, 'string');
    }
    case 'replace_string': {
      const [s, find, repl] = args();
      return result(`replace(${asString(s!)}, ${asString(find!)}, ${asString(repl!)})`, 'string');
    }
    case 'coalesce': {
      const all = args();
      const t = resultType ?? all[0]!.type;
      if (t === 'string') return result(`COALESCE(${all.map((a) => `NULLIF(${asString(a)}, '')`).join(', ')}, '')`, 'string');
      return result(`COALESCE(${all.map((a) => coerce(a, t)).join(', ')})`, t);
    }
    case 'ago': {
      const span = argNodes.length ? one() : { sql: '0', type: 'timespan' as KustoType };
      return result(`(${ctx.nowSql} - to_microseconds(${span.sql}))`, 'datetime');
    }
    case 'now': {
      const span = argNodes.length ? one() : undefined;
      return result(span ? `(${ctx.nowSql} + to_microseconds(${span.sql}))` : ctx.nowSql, 'datetime');
    }
    case 'datetime':
      throw unsupported(ctx.text, at, 'datetime() over a non-literal');
    case 'bin':
    case 'floor': {
      const [v, size] = args();
      return binSql(ctx, at, v!, size!);
    }
    case 'startofday':
    case 'startofweek':
    case 'startofmonth':
    case 'startofyear': {
      if (argNodes.length > 1) throw unsupported(ctx.text, at, `${name}() with an offset`);
      const unit = { startofday: 'day', startofweek: 'week', startofmonth: 'month', startofyear: 'year' }[name];
      const utc = `timezone('UTC', ${one().sql})`;
      // DuckDB weeks start on Monday; Kusto's on Sunday.
      const trunc = unit === 'week' ? `(date_trunc('day', ${utc}) - to_days(CAST(dayofweek(${utc}) AS INTEGER)))` : `date_trunc('${unit}', ${utc})`;
      return result(`timezone('UTC', CAST(${trunc} AS TIMESTAMP))`, 'datetime');
    }
    case 'format_datetime': {
      const [v, fmt] = argNodes;
      const format = fmt.IsLiteral ? fmt.LiteralValue : undefined;
      if (typeof format !== 'string') throw unsupported(ctx.text, fmt.TextStart, 'format_datetime() with a non-literal format');
      return result(`strftime(timezone('UTC', ${scalar(ctx, v).sql}), ${quoteString(strftimeFormat(ctx, fmt.TextStart, format))})`, 'string');
    }
    case 'hourofday':
      return result(`CAST(hour(timezone('UTC', ${one().sql})) AS INTEGER)`, 'int');
    case 'dayofmonth':
      return result(`CAST(day(timezone('UTC', ${one().sql})) AS INTEGER)`, 'int');
    case 'getyear':
      return result(`CAST(year(timezone('UTC', ${one().sql})) AS INTEGER)`, 'int');
    case 'getmonth':
      return result(`CAST(month(timezone('UTC', ${one().sql})) AS INTEGER)`, 'int');
    case 'abs':
      return result(`abs(${one().sql})`);
    case 'round': {
      const [v, digits] = args();
      return result(`round(${v!.sql}, ${digits ? digits.sql : '0'})`, 'real');
    }
    case 'min_of':
      return result(`LEAST(${args().map((a) => a.sql).join(', ')})`);
    case 'max_of':
      return result(`GREATEST(${args().map((a) => a.sql).join(', ')})`);
    case 'toscalar':
      return toScalar(ctx, argNodes[0], node);
    case 'pack_array':
      return result(`CAST(json_array(${args().map(toJsonValue).join(', ')}) AS JSON)`, 'dynamic');
    case 'bag_pack':
    case 'pack': {
      const all = args();
      const pairs: string[] = [];
      for (let i = 0; i + 1 < all.length; i += 2) pairs.push(`${asString(all[i]!)}, ${toJsonValue(all[i + 1]!)}`);
      return result(`CAST(json_object(${pairs.join(', ')}) AS JSON)`, 'dynamic');
    }
    default: {
      const extra = contentFunction(ctx, node, name, scalar, coerce);
      if (extra) return extra;
      throw unsupported(ctx.text, at, `The function '${name}()'`);
    }
  }
}

function convertNumber(v: Scalar, target: KustoType): string {
  const sqlType = SQL_TYPE[target];
  switch (v.type) {
    case 'string':
      if (target === 'bool') return `(CASE lower(trim(${v.sql})) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE ELSE TRY_CAST(TRY_CAST(${v.sql} AS BIGINT) <> 0 AS BOOLEAN) END)`;
      if (target === 'real') return `TRY_CAST(${v.sql} AS DOUBLE)`;
      return `TRY_CAST(trunc(TRY_CAST(${v.sql} AS DOUBLE)) AS ${sqlType})`;
    case 'dynamic':
      return convertNumber({ sql: dynamicToString(v.sql), type: 'string' }, target);
    case 'real':
      if (target === 'bool') return `(${v.sql} <> 0)`;
      if (target === 'real') return v.sql;
      return `TRY_CAST(trunc(${v.sql}) AS ${sqlType})`;
    case 'bool':
      return target === 'bool' ? v.sql : `CAST(CAST(${v.sql} AS INTEGER) AS ${sqlType})`;
    case 'datetime':
      if (target === 'long') return `(epoch_us(${v.sql}) * 10 + 621355968000000000)`;
      return `CAST(NULL AS ${sqlType})`;
    case 'timespan':
      if (target === 'long') return `(${v.sql} * 10)`;
      if (target === 'real') return `CAST(${v.sql} * 10 AS DOUBLE)`;
      return `CAST(NULL AS ${sqlType})`;
    default:
      if (target === 'bool') return `(${v.sql} <> 0)`;
      return `TRY_CAST(${v.sql} AS ${sqlType})`;
  }
}
