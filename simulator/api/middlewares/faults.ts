// Applies the /_lab/faults rules before a request reaches DTAPI auth: a 5xx page, a genuine auth
// error body (as the auth middleware would write it), or a delay before the normal pipeline.
import type { NextFunction, Request, Response } from 'express';
import type { ApiContext } from '../context.ts';
import { decodePath } from '../authentication/dtapi.ts';
import { apiDateError, apiSignatureError } from '../errors/errors.ts';
import type { FaultSet } from '../../faults/faults.ts';
import { splitUrl } from './dtapiAuth.ts';

export function faultInjection(ctx: ApiContext, faults: FaultSet) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = decodePath(splitUrl(req.originalUrl).rawPath);
    const action = faults.match(req.method, path);
    if (!action) return next();
    res.locals.fault = action.rule.id;
    const answer = () => {
      const a = action.answer;
      if (!a) return next();
      req.resume();
      if (a.kind === 'status') {
        res.locals.errorCode = `FAULT ${a.status}`;
        res.status(a.status).type('text/html').send(a.body);
        return;
      }
      const key = ctx.policy.errorKey === 'first-segment' ? path.split('/')[1] || 'error' : ctx.policy.errorKey;
      (a.error === 'date' ? apiDateError(key) : apiSignatureError(key)).send(res);
    };
    if (action.latencyMs <= 0) return answer();
    const timer = setTimeout(answer, action.latencyMs);
    res.once('close', () => clearTimeout(timer));
  };
}
