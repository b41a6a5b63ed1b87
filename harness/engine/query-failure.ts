// A query the mock's query API refused, with the codes of its error body (Log Analytics shape:
// `{ error: { code, message, innererror: { code, message } } }`), so an expectation can require a
// query to fail with a given code.
export class QueryFailure extends Error {
  constructor(
    readonly status: number,
    /** `error.code` (BadArgumentError, …). */
    readonly code: string | undefined,
    /** `error.innererror.code` (SyntaxError, SemanticError, UnsupportedKqlError, …). */
    readonly innerCode: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'QueryFailure';
  }

  /** Whether the failure carries `code` as its inner or outer code. */
  hasCode(code: string): boolean {
    return this.innerCode === code || this.code === code;
  }

  static fromResponse(status: number, text: string): QueryFailure {
    let body: { error?: { code?: unknown; message?: unknown; innererror?: { code?: unknown; message?: unknown } } } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    const e = body?.error;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const inner = str(e?.innererror?.code);
    const message = str(e?.innererror?.message) ?? str(e?.message) ?? text.slice(0, 300);
    return new QueryFailure(status, str(e?.code), inner, `${status} ${inner ?? str(e?.code) ?? ''}: ${message}`.replace(' : ', ': '));
  }
}
