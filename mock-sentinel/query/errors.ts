// Errors of the query surface, shaped as the Log Analytics Query API answers them
// (https://learn.microsoft.com/azure/azure-monitor/logs/api/errors): status 400 with
// { error: { message, code: "BadArgumentError", innererror: { code, message, … } } }.
// The inner message carries the position as "line L, column C" (1-based) and the same numbers
// as `line` / `pos` fields. `UnsupportedKqlError` is this lab's own inner code: the real
// service would run the query; the lab refuses rather than give a wrong answer.

export type QueryErrorKind = 'SyntaxError' | 'SemanticError' | 'UnsupportedKqlError' | 'QueryValidationError';

export interface QueryErrorBody {
  error: {
    message: string;
    code: string;
    innererror?: { code: string; message: string; line?: number; pos?: number; token?: string };
  };
}

/** A query the service refuses, knowing its status and API error body. */
export class QueryError extends Error {
  readonly status: number;
  readonly code: string;
  readonly innerCode: string;
  readonly line?: number;
  readonly column?: number;
  readonly token?: string;

  constructor(opts: { status?: number; code?: string; innerCode: string; message: string; line?: number; column?: number; token?: string }) {
    super(opts.message);
    this.name = 'QueryError';
    this.status = opts.status ?? 400;
    this.code = opts.code ?? 'BadArgumentError';
    this.innerCode = opts.innerCode;
    this.line = opts.line;
    this.column = opts.column;
    this.token = opts.token;
  }

  toBody(): QueryErrorBody {
    const inner: NonNullable<QueryErrorBody['error']['innererror']> = { code: this.innerCode, message: this.message };
    if (this.line !== undefined) inner.line = this.line;
    if (this.column !== undefined) inner.pos = this.column;
    if (this.token !== undefined) inner.token = this.token;
    const outer = this.code === 'BadArgumentError' ? 'The request had some invalid properties' : this.message;
    return { error: { message: outer, code: this.code, innererror: inner } };
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function syntaxError(text: string, offset: number, length: number, detail: string): QueryError {
  const { line, column } = lineAndColumn(text, offset);
  // A zero-width diagnostic (something missing) points before the next token: show that token.
  const token = (length > 0 ? text.slice(offset, offset + length) : text.slice(offset).trimStart().split(/\s/)[0] ?? '').trim() || '<end of query>';
  return new QueryError({
    innerCode: 'SyntaxError',
    message: `Query could not be parsed at '${token}' on line ${line}, column ${column}: ${detail}`,
    line,
    column,
    token,
  });
}

export function semanticError(text: string, offset: number, detail: string): QueryError {
  const { line, column } = lineAndColumn(text, offset);
  return new QueryError({ innerCode: 'SemanticError', message: `${detail} (line ${line}, column ${column})`, line, column });
}

/** A construct outside the supported KQL subset: names it and where it is. */
export function unsupported(text: string, offset: number, construct: string): QueryError {
  const { line, column } = lineAndColumn(text, offset);
  return new QueryError({
    innerCode: 'UnsupportedKqlError',
    message: `${construct} is not supported by the lab's KQL engine (line ${line}, column ${column})`,
    line,
    column,
  });
}

export function invalidRequest(detail: string): QueryError {
  return new QueryError({ innerCode: 'QueryValidationError', message: detail });
}
