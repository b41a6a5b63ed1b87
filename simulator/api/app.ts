// The fake Threat Visualizer + Darktrace/Email API. Pipeline, top to bottom: request events →
// /_lab admin routes (no DTAPI auth) → injected faults (/_lab/faults) → body read with a size limit → DTAPI auth → dispatch → errors.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { EventEmitter } from 'node:events';
import type { ApiContext, Route } from './context.ts';
import { DarktraceError, payloadTooLarge } from './errors/errors.ts';
import { dtapiAuth } from './middlewares/dtapiAuth.ts';
import { dispatch } from './middlewares/dispatch.ts';
import { faultInjection } from './middlewares/faults.ts';
import type { FaultSet } from '../faults/faults.ts';
import { breachRoutes } from './handlers/modelbreaches.ts';
import { aianalystRoutes } from './handlers/aianalyst.ts';
import { statusRoutes } from './handlers/status.ts';
import { inventoryRoutes } from './handlers/inventory.ts';
import { emailRoutes } from './handlers/email.ts';
import { antigenaRoutes } from './handlers/antigena.ts';
import { asmRoutes } from './handlers/asm.ts';

export const ROUTES: Route[] = [...breachRoutes, ...aianalystRoutes, ...statusRoutes, ...inventoryRoutes, ...emailRoutes, ...antigenaRoutes, ...asmRoutes];

export function createApiApp(ctx: ApiContext, lab: Router, events: EventEmitter, faults: FaultSet): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  let nextId = 0;
  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = ++nextId;
    const started = process.hrtime.bigint();
    events.emit('request:start', { id, method: req.method, url: req.originalUrl });
    res.on('finish', () => {
      events.emit('request:end', {
        id,
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        error: res.locals.errorCode as string | undefined,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });
  app.use('/_lab', lab);
  app.use(faultInjection(ctx, faults));
  app.use(express.raw({ type: () => true, limit: ctx.policy.maxBodyBytes }));
  app.use(dtapiAuth(ctx, ROUTES));
  app.use(dispatch(ctx));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof DarktraceError) return err.send(res);
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.too.large') return payloadTooLarge(ctx.policy.maxBodyBytes).send(res);
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: 'Bad request', response: 'INPUT ERROR' });
      return;
    }
    res.locals.errorCode = 'INTERNAL';
    res.status(500).json({ error: 'Internal error' });
  });
  return app;
}
