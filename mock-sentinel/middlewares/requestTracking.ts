// Gives each request an id, emits request:start, and records exactly one audit entry and one
// request:end — written just before the response goes out (so a client that got its answer finds it in
// the audit log), or when the connection closes without one (a dropped connection).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { RequestOutcome } from '../events.ts';
import type { LabContext } from '../labContext.ts';
import { ServiceError } from '../errors/serviceError.ts';
import { sendDiscardingUnreadBody } from './discard-unread-body.ts';
import { AuditNotes } from '../audit/audit-notes.ts';

export class RequestTracker {
  workspace: string | undefined;
  table: string | undefined;
  records = 0;
  bytes = 0;
  errorCode: string | undefined;
  message: string | undefined;
  injectedFault: string | undefined;
  outcome: RequestOutcome | undefined;
  readonly flags: string[] = [];
  readonly notes = new AuditNotes();
  retryAfterSeconds: number | undefined;
  readonly stream: string | undefined;
  readonly client: string | undefined;
  private finished = false;
  private readonly startedAt: Date;

  constructor(
    readonly lab: LabContext,
    readonly id: number,
    readonly route: string,
    private readonly req: Request,
  ) {
    this.startedAt = lab.now();
    const ids = requestIdentity(req);
    this.stream = ids.stream;
    this.client = ids.client;
    lab.events.emit('request:start', { id, route, method: req.method, path: req.path, time: this.startedAt });
  }

  /** Records the audit entry and emits request:end (once). */
  finish(status: number): void {
    if (this.finished) return;
    this.finished = true;
    const outcome: RequestOutcome =
      this.outcome ?? (status === 0 ? 'dropped' : status >= 200 && status < 300 ? 'accepted' : 'rejected');
    const durationMs = Date.now() - this.startedAt.getTime();
    this.lab.audit.add({
      id: this.id,
      time: this.startedAt.toISOString(),
      route: this.route,
      method: this.req.method,
      path: this.req.path,
      workspace: this.workspace ?? null,
      table: this.table ?? null,
      status,
      errorCode: this.errorCode ?? null,
      message: this.message ?? null,
      bytes: this.bytes,
      records: this.records,
      injectedFault: this.injectedFault ?? null,
      flags: [...this.flags],
      notes: this.notes.list(),
      stream: this.stream ?? null,
      client: this.client ?? null,
      retryAfterSeconds: this.retryAfterSeconds ?? null,
      durationMs,
    });
    this.lab.events.emit('request:end', {
      id: this.id,
      route: this.route,
      status,
      outcome,
      errorCode: this.errorCode,
      workspace: this.workspace,
      table: this.table,
      records: this.records,
      bytes: this.bytes,
      injectedFault: this.injectedFault,
      durationMs,
      time: this.startedAt,
      notes: this.notes.list(),
      ...(this.stream !== undefined ? { stream: this.stream } : {}),
      ...(this.client !== undefined ? { client: this.client } : {}),
      ...(this.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.retryAfterSeconds } : {}),
    });
  }
}

/** The stream and the sending client as the request names them (see AuditEntry.client). */
function requestIdentity(req: Request): { stream?: string; client?: string } {
  const stream = typeof req.params?.stream === 'string' ? req.params.stream : undefined;
  const dcr = typeof req.params?.immutableId === 'string' ? req.params.immutableId : undefined;
  if (dcr !== undefined) return { stream, client: `dcr ${dcr}` };
  const sharedKey = /^SharedKey\s+([^:\s]+):/i.exec(req.get('authorization')?.trim() ?? '');
  return sharedKey ? { client: `workspace ${sharedKey[1]!.toLowerCase()}` } : {};
}

export function trackRequest(lab: LabContext, route: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const tracker = new RequestTracker(lab, lab.nextRequestId(), route, req);
    res.locals.tracker = tracker;
    res.on('close', () => tracker.finish(res.headersSent ? res.statusCode : 0));
    next();
  };
}

export function trackerOf(res: Response): RequestTracker | undefined {
  return res.locals.tracker as RequestTracker | undefined;
}

export function sendServiceError(req: Request, res: Response, err: ServiceError, outcome?: RequestOutcome): void {
  const tracker = trackerOf(res);
  if (tracker) {
    tracker.errorCode = err.code;
    tracker.message = err.message;
    const retryAfter = Number(Object.entries(err.headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1] ?? NaN);
    if (Number.isFinite(retryAfter)) tracker.retryAfterSeconds = retryAfter;
    if (outcome) tracker.outcome = outcome;
    tracker.finish(err.status);
  }
  res.status(err.status).set(err.headers).type('application/json; charset=utf-8');
  sendDiscardingUnreadBody(req, res, Buffer.from(JSON.stringify(err.body()), 'utf8'), tracker?.lab.unreadBodyLimits);
}

export function sendEmpty(req: Request, res: Response, status: number, outcome?: RequestOutcome): void {
  const tracker = trackerOf(res);
  if (res.locals.dropAfterStore === true && status >= 200 && status < 300) {
    // Fault `store-then-drop`: the rows are stored, the client gets a network error instead of the
    // answer (the classic source of duplicates). Audited with status 0, as for any dropped connection.
    if (tracker) {
      if (outcome) tracker.outcome = outcome;
      tracker.flags.push(`answer ${status} not sent: connection dropped after the request was handled (fault store-then-drop)`);
      tracker.finish(0);
    }
    req.socket.destroy();
    return;
  }
  if (tracker) {
    if (outcome) tracker.outcome = outcome;
    tracker.finish(status);
  }
  res.status(status);
  sendDiscardingUnreadBody(req, res, Buffer.alloc(0), tracker?.lab.unreadBodyLimits);
}

/**
 * The last step of an ingestion route: runs `handle` with the request's tracker. A ServiceError it
 * throws is the service's answer; anything else is logged and answered with `unexpected()` when no
 * response has gone out yet.
 */
export function serviceHandler(
  lab: LabContext,
  route: string,
  unexpected: () => ServiceError,
  handle: (req: Request, res: Response, tracker: RequestTracker) => Promise<void>,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const tracker = trackerOf(res)!;
    try {
      await handle(req, res, tracker);
    } catch (err) {
      if (err instanceof ServiceError) {
        sendServiceError(req, res, err);
        return;
      }
      lab.logger.error({ err, route }, 'unexpected error while ingesting');
      if (!res.headersSent) sendServiceError(req, res, unexpected());
    }
  };
}
