// Errors of the query surface, shaped as the Log Analytics Query API answers them
// (https://learn.microsoft.com/azure/azure-monitor/logs/api/errors): status 400 with
// { error: { message, code: "BadArgumentError", innererror: { code, message, … } } }.
// The inner message carries the position as "line L, column C" (1-based) and the same numbers
// as `line` / `pos` fields. `UnsupportedKqlError` is this lab's own inner code: the real
// service would run the query; the lab refuses rather than give a wrong answer.
import { ServiceError, type InjectedErrorSpec } from '../errors/serviceError.ts';

export type QueryErrorKind = 'SyntaxError' | 'SemanticError' | 'UnsupportedKqlError' | 'QueryValidationError';

export interface QueryErrorBody {
  error: {
    message: string;
    code: string;
    innererror?: { code: string; message: string; line?: number; pos?: number; token?: string; details?: QueryErrorDetail[] };
  };
}

/** One entry of `innererror.details` (e.g. `InvalidJsonBody` for a batch body that is not JSON). */
export interface QueryErrorDetail {
  code: string;
  message: string;
  target: string | null;
}

/** A query the service refuses, knowing its status, headers and API error body. */
export class QueryError extends ServiceError {
  readonly status: number;
  readonly code: string;
  readonly innerCode: string | undefined;
  readonly line?: number;
  readonly column?: number;
  readonly token?: string;
  readonly details?: QueryErrorDetail[];

  /** `innerCode` undefined → `{ error: { code, message } }` with no inner error (auth, throttling). */
  constructor(opts: {
    status?: number;
    code?: string;
    innerCode?: string;
    message: string;
    line?: number;
    column?: number;
    token?: string;
    details?: QueryErrorDetail[];
    headers?: Record<string, string>;
  }) {
    super(opts.message);
    this.name = 'QueryError';
    this.status = opts.status ?? 400;
    this.code = opts.code ?? 'BadArgumentError';
    this.innerCode = opts.innerCode;
    this.line = opts.line;
    this.column = opts.column;
    this.token = opts.token;
    this.details = opts.details;
    if (opts.headers) Object.assign(this.headers, opts.headers);
  }

  body(): QueryErrorBody {
    return this.toBody();
  }

  toBody(): QueryErrorBody {
    if (this.innerCode === undefined) return { error: { message: this.message, code: this.code } };
    const inner: NonNullable<QueryErrorBody['error']['innererror']> = { code: this.innerCode, message: this.message };
    if (this.line !== undefined) inner.line = this.line;
    if (this.column !== undefined) inner.pos = this.column;
    if (this.token !== undefined) inner.token = this.token;
    if (this.details !== undefined) inner.details = this.details;
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

/** Errors of the route around the query: authentication, workspace, injected faults. */
export const queryRouteErrors = {
  /** 401, as the API documents for a request without Authorization. */
  missingToken: () => new QueryError({ status: 401, code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." }),
  /** 403, as the API documents for a malformed, unsigned, expired or foreign token. */
  invalidToken: (detail: string) => new QueryError({ status: 403, code: 'InvalidAuthenticationToken', message: `The access token is invalid. ${detail}`.trim() }),
  /** 403, as the API documents for a token obtained for another resource. */
  wrongAudience: (audience: string) =>
    new QueryError({
      status: 403,
      code: 'InvalidAuthenticationTokenAudience',
      message: `The access token has been obtained from wrong audience or resource. It should exactly match with the allowed audience '${audience}'.`,
    }),
  /** 404 for a workspace id this mock does not serve (lab policy; the message names the id). */
  workspaceNotFound: (id: string) =>
    new QueryError({ status: 404, code: 'WorkspaceNotFoundError', innerCode: 'WorkspaceNotFoundError', message: `The workspace '${id}' could not be found` }),
  /** 404 for a batch member whose path or method is not a query (the batch page's `PathNotFoundError`). */
  pathNotFound: () => new QueryError({ status: 404, code: 'PathNotFoundError', message: 'The requested path does not exist' }),
  /** 400 for a batch member naming a workspace this mock does not serve; the message is the batch page's, spelling included. */
  failedToResolveResource: () => new QueryError({ status: 400, code: 'FailedToResolveResource', message: 'Resource identity could not be resovled' }),
  /** 400 for a `$batch` body that is not JSON, as the batch page documents it. */
  batchBodyNotJson: (detail: string) =>
    new QueryError({ innerCode: 'QueryValidationError', message: 'Failed parsing the query', details: [{ code: 'InvalidJsonBody', message: detail, target: null }] }),
  /** An injected fault, shaped as the API's throttling / server errors. */
  fault: (spec: InjectedErrorSpec): QueryError => {
    const code = spec.status === 429 ? 'ThrottledError' : spec.status === 503 ? 'ServiceUnavailableError' : 'InternalServerError';
    const message =
      spec.status === 429 ? 'Your request was throttled. Please retry later.' : spec.status === 503 ? 'The service is temporarily unavailable.' : 'An internal error occurred.';
    return new QueryError({ status: spec.status, code, message, headers: spec.retryAfterSeconds === undefined ? {} : { 'retry-after': String(spec.retryAfterSeconds) } });
  },
};
