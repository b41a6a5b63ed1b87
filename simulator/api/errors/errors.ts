// One factory per documented Darktrace error (darktrace-api.md §1.6). Each error knows its status,
// headers and body, and writes itself.
import type { Response } from 'express';

export class DarktraceError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, unknown>,
    readonly headers: Record<string, string> = {},
    readonly code: string = 'error',
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }

  send(res: Response): void {
    for (const [k, v] of Object.entries(this.headers)) res.setHeader(k, v);
    res.locals.errorCode = this.code;
    if (typeof this.body === 'string') {
      res.status(this.status).type('text/plain; charset=utf-8').send(this.body);
    } else {
      res.status(this.status).json(this.body);
    }
  }
}

/** Bad signature or unknown token: 400, `{ "<first path segment>": "API SIGNATURE ERROR" }`. */
export const apiSignatureError = (key: string) => new DarktraceError(400, { [key]: 'API SIGNATURE ERROR' }, {}, 'API SIGNATURE ERROR');

/** Unparseable or skewed DTAPI-Date: 400, `{ "<key>": "API DATE ERROR" }`. */
export const apiDateError = (key: string) => new DarktraceError(400, { [key]: 'API DATE ERROR' }, {}, 'API DATE ERROR');

/** Valid HMAC, unknown endpoint: 302 to /login with Express's exact text body. */
export const unknownEndpoint = () => new DarktraceError(302, 'Found. Redirecting to /login', { Location: '/login' }, 'ENDPOINT');

/** Valid HMAC, missing permission: 302 to /403. */
export const permissionDenied = () => new DarktraceError(302, 'Found. Redirecting to /403', { Location: '/403' }, 'PERMISSION');

/** Bad input: 400 `{ "error": "...", "response": "INPUT ERROR" }` (OAS ErrorResponse). */
export const inputError = (message: string) => new DarktraceError(400, { error: message, response: 'INPUT ERROR' }, {}, 'INPUT ERROR');

/** Not found: 404 `{ "error": "..." }`. */
export const notFound = (message: string) => new DarktraceError(404, { error: message }, {}, 'NOT FOUND');

/** Email already held/released: 409 `{ "error": "..." }`. */
export const conflict = (message: string) => new DarktraceError(409, { error: message }, {}, 'CONFLICT');

/** Body over the size limit (checked while streaming). */
export const payloadTooLarge = (limit: number) => new DarktraceError(413, { error: `request body larger than ${limit} bytes`, response: 'INPUT ERROR' }, {}, 'TOO LARGE');
