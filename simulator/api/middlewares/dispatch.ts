// Runs the matched route's handler with parsed parameters and writes its result.
import type { NextFunction, Request, Response } from 'express';
import type { ApiContext, ApiRequest } from '../context.ts';
import { inputError } from '../errors/errors.ts';
import { Params } from '../params.ts';
import type { AuthedLocals } from './dtapiAuth.ts';

export function dispatch(ctx: ApiContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      const locals = res.locals.dtapi as AuthedLocals;
      const query = Params.fromQuery(locals.rawQuery);
      let body = new Params([]);
      let json: unknown;
      const raw = Buffer.isBuffer(req.body) ? (req.body as Buffer) : undefined;
      if (raw && raw.length > 0) {
        const text = raw.toString('utf8');
        if (/json/i.test(req.get('content-type') ?? '')) {
          try {
            json = JSON.parse(text);
          } catch {
            throw inputError('Request body is not valid JSON');
          }
          if (json && typeof json === 'object' && !Array.isArray(json)) body = Params.fromObject(json as Record<string, unknown>);
        } else {
          body = new Params(new URLSearchParams(text));
        }
      }
      if (ctx.policy.unknownParameters === 'reject') {
        const unknown = query.names().filter((n) => !locals.route.accepts.includes(n));
        if (unknown.length) throw inputError(`Unknown parameter ${unknown[0]}`);
      }
      const apiReq: ApiRequest = { method: req.method, path: locals.path, query, body, json, pathParams: locals.routeMatch, token: locals.token, ctx };
      const result = locals.route.handle(apiReq);
      res.status(result.status ?? 200);
      if (result.raw !== undefined) res.type('application/json').send(result.raw);
      else res.json(result.json);
    } catch (err) {
      next(err);
    }
  };
}
