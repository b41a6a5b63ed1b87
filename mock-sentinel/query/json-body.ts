// The JSON body of a Query API request (any Content-Type), limited while streaming: past the limit a
// 413 `PayloadTooLargeError`, a body that is not JSON the route's own 400.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { sendServiceError } from '../middlewares/requestTracking.ts';
import { QueryError } from './errors.ts';

/** Default largest body, in bytes (1 MiB). */
export const DEFAULT_QUERY_BODY_BYTES = 1_048_576;

export function queryJsonBody(maxBytes: number, notJson: (detail: string) => QueryError): [RequestHandler, ErrorRequestHandler] {
  const parse = express.json({ limit: maxBytes, type: () => true });
  const refuse: ErrorRequestHandler = (err, req, res, next) => {
    const status = (err as { status?: number }).status;
    if (status === 413) return sendServiceError(req, res, new QueryError({ status: 413, code: 'PayloadTooLargeError', message: 'The request body is too large' }));
    if (status === 400) return sendServiceError(req, res, notJson((err as Error).message));
    next(err);
  };
  return [parse, refuse];
}
