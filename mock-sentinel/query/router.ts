// POST /v1/workspaces/:workspaceId/query  { "query", "timespan"? }   (Log Analytics Query API)
// GET  /v1/workspaces/:workspaceId/query?query=…&timespan=…
// Pipeline, top to bottom: track (audit log, events) → faults → authorize → workspace → body →
// run the KQL on a read connection of its own (interrupted on timeout or when the client leaves),
// restricted to the workspace's rows, within the result limits → JSON.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { LabContext } from '../labContext.ts';
import { injectFaults } from '../middlewares/injectFaults.ts';
import { sendServiceError, trackRequest, trackerOf } from '../middlewares/requestTracking.ts';
import { defaultAuthorizer, type QueryAuthorizer } from './authentication.ts';
import { invalidRequest, QueryError, queryRouteErrors } from './errors.ts';
import { DEFAULT_QUERY_BODY_BYTES, queryJsonBody } from './json-body.ts';
import { queryExecutor } from './query-execution.ts';
import type { DynamicRendering } from './json-values.ts';

export const QUERY_ROUTE = 'query';
/** The abort reason when the client closed the connection before its answer. */
const CLIENT_GONE = new Error('the client disconnected before the answer');
const PATH = '/v1/workspaces/:workspaceId/query';

export interface QueryRouterOptions {
  /** Who may query (default: a bearer token of the lab's Entra, or open with `noQueryAuth`). */
  authorize?: QueryAuthorizer;
  /** Dynamic values as JSON text (the real API, default) or as parsed JSON. */
  dynamic?: DynamicRendering;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

export function queryRouter(lab: LabContext, options: QueryRouterOptions = {}): Router {
  const router = Router();
  const authorize = options.authorize ?? defaultAuthorizer(lab);

  const checkAccess = async (req: Request, res: Response, next: NextFunction) => {
    const tracker = trackerOf(res);
    const workspaceId = String(req.params.workspaceId);
    if (tracker) tracker.workspace = workspaceId;
    const denied = await authorize(req);
    if (denied) return sendServiceError(req, res, denied);
    if (!lab.workspaces.get(workspaceId)) return sendServiceError(req, res, queryRouteErrors.workspaceNotFound(workspaceId));
    next();
  };

  const execute = queryExecutor(lab, { dynamic: options.dynamic });

  const answer = async (req: Request, res: Response, input: { query: unknown; timespan: unknown }) => {
    const tracker = trackerOf(res);
    // The query's DuckDB work is interrupted when it runs past its timeout or its client leaves.
    const clientGone = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) clientGone.abort(CLIENT_GONE);
    };
    res.on('close', onClose);
    try {
      const workspaceId = lab.workspaces.get(String(req.params.workspaceId))!.id;
      const result = await execute(
        { workspaceId, query: input.query, timespan: input.timespan, prefer: req.get('prefer') },
        {
          signal: clientGone.signal,
          onStart: () => tracker && lab.events.emit('query:start', { id: tracker.id }),
          onCancelled: (reason) => tracker && lab.events.emit('query:cancelled', { id: tracker.id, reason }),
        },
      );
      if (tracker) {
        tracker.records = result.body.tables[0]?.rows.length ?? 0;
        tracker.flags.push(`query: ${String(input.query).slice(0, 200)}`);
        if (result.body.error) tracker.flags.push(`partial: ${result.body.error.details[0]!.innererror.message}`);
        tracker.finish(200);
      }
      if (result.preferenceApplied) res.set('preference-applied', result.preferenceApplied);
      res.status(200).json(result.body);
    } catch (err) {
      if (err === CLIENT_GONE) return; // nobody to answer; the audit entry says 'dropped'
      if (!(err instanceof QueryError)) throw err;
      if (tracker && typeof input.query === 'string') tracker.flags.push(`query: ${input.query.slice(0, 200)}`);
      sendServiceError(req, res, err);
    } finally {
      res.off('close', onClose);
    }
  };

  const track = trackRequest(lab, QUERY_ROUTE);
  const faults = injectFaults(lab, QUERY_ROUTE, queryRouteErrors.fault);
  const body = queryJsonBody(options.maxBodyBytes ?? DEFAULT_QUERY_BODY_BYTES, (detail) => invalidRequest(`The request body is not valid JSON: ${detail}`));

  router.post(PATH, track, faults, checkAccess, ...body, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { query?: unknown; timespan?: unknown };
    return answer(req, res, { query: body.query, timespan: body.timespan ?? undefined });
  });
  router.get(PATH, track, faults, checkAccess, (req: Request, res: Response) =>
    answer(req, res, { query: req.query.query, timespan: req.query.timespan }),
  );
  return router;
}
