// Applies the fault engine to one route: added latency, an error shaped by the route's own factory,
// or a dropped connection. A faulted request goes no further, so it stores nothing — except under
// `store-then-drop`, which lets it be stored and drops the connection instead of the answer.
import { setTimeout as delay } from 'node:timers/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { FaultErrorFactory } from '../errors/serviceError.ts';
import type { LabContext } from '../labContext.ts';
import { sendServiceError, trackerOf } from './requestTracking.ts';

export function injectFaults(lab: LabContext, route: string, errorFactory: FaultErrorFactory): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const prefer = lab.preferHeaderFaults ? req.get('prefer') : undefined;
    const decision = lab.faults.decide(route, prefer);
    if (!decision) return next();
    const tracker = trackerOf(res);
    if (tracker) tracker.injectedFault = decision.label;
    if (decision.latencyMs > 0) await delay(decision.latencyMs);
    if (!decision.terminal) return next();
    if (decision.terminal.kind === 'store-then-drop') {
      // Handled and stored as usual; sendEmpty() destroys the connection instead of answering.
      res.locals.dropAfterStore = true;
      return next();
    }
    if (decision.terminal.kind === 'drop') {
      if (tracker) {
        tracker.outcome = 'dropped';
        tracker.finish(0);
      }
      req.socket.destroy();
      return;
    }
    sendServiceError(req, res, errorFactory(decision.terminal.spec), 'faulted');
  };
}
