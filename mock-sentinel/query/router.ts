// POST /v1/workspaces/:workspaceId/query  { "query", "timespan"? }   (Log Analytics Query API)
// GET  /v1/workspaces/:workspaceId/query?query=…&timespan=…
// Pipeline, top to bottom: track (audit log, events) → faults → authorize → workspace → body →
// run the KQL on a read connection of its own (interrupted on timeout or when the client leaves),
// restricted to the workspace's rows, within the result limits → JSON.
import type { DuckDBConnection } from '@duckdb/node-api';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { LabContext } from '../labContext.ts';
import { injectFaults } from '../middlewares/injectFaults.ts';
import { sendServiceError, trackRequest, trackerOf } from '../middlewares/requestTracking.ts';
import { defaultAuthorizer, type QueryAuthorizer } from './authentication.ts';
import { runKql } from './engine.ts';
import { invalidRequest, QueryError, queryRouteErrors } from './errors.ts';
import {
  DEFAULT_QUERY_LIMITS,
  DEFAULT_QUERY_TIMEOUTS,
  queryTimedOut,
  requestedTimeoutMs,
  type QueryLimits,
  type QueryTimeouts,
} from './limits.ts';
import type { DynamicRendering } from './render.ts';
import { tablesOfStore } from './storeSchema.ts';

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

  const configured = lab.options.query ?? {};
  const limits: QueryLimits = {
    maxRows: configured.maxRows ?? DEFAULT_QUERY_LIMITS.maxRows,
    maxBytes: configured.maxBytes ?? DEFAULT_QUERY_LIMITS.maxBytes,
  };
  const timeouts: QueryTimeouts = {
    defaultMs: configured.defaultTimeoutMs ?? DEFAULT_QUERY_TIMEOUTS.defaultMs,
    maxMs: configured.maxTimeoutMs ?? DEFAULT_QUERY_TIMEOUTS.maxMs,
  };

  const answer = async (req: Request, res: Response, input: { query: unknown; timespan: unknown }) => {
    const tracker = trackerOf(res);
    // The query's DuckDB work is interrupted when it runs past its timeout or its client leaves.
    const timeoutMs = requestedTimeoutMs(req.get('prefer'), timeouts);
    const cancel = new AbortController();
    const timer = setTimeout(() => cancel.abort(queryTimedOut(timeoutMs)), timeoutMs);
    const clientGone = () => {
      if (!res.writableEnded) cancel.abort(CLIENT_GONE);
    };
    res.on('close', clientGone);
    let connection: DuckDBConnection | undefined;
    try {
      if (typeof input.query !== 'string') throw invalidRequest("The request has no 'query' (a non-empty KQL string is required)");
      if (input.timespan !== undefined && typeof input.timespan !== 'string') throw invalidRequest("'timespan' must be an ISO-8601 duration or interval string");
      const workspaceId = lab.workspaces.get(String(req.params.workspaceId))!.id;
      connection = await lab.store.openQueryConnection();
      const result = await runKql(
        connection,
        { query: input.query, timespan: input.timespan, workspaceId },
        {
          now: lab.now(),
          tables: tablesOfStore(lab.store),
          dynamic: options.dynamic,
          limits,
          signal: cancel.signal,
          onStart: () => tracker && lab.events.emit('query:start', { id: tracker.id }),
        },
      );
      if (tracker) {
        tracker.records = result.tables[0]?.rows.length ?? 0;
        tracker.flags.push(`query: ${input.query.slice(0, 200)}`);
        if (result.error) tracker.flags.push(`partial: ${result.error.details[0]!.innererror.message}`);
        tracker.finish(200);
      }
      res.status(200).json(result);
    } catch (err) {
      if (cancel.signal.aborted && err === cancel.signal.reason && tracker) {
        lab.events.emit('query:cancelled', { id: tracker.id, reason: err === CLIENT_GONE ? 'client-disconnected' : 'timeout' });
      }
      if (err === CLIENT_GONE) return; // nobody to answer; the audit entry says 'dropped'
      if (!(err instanceof QueryError)) throw err;
      if (tracker && typeof input.query === 'string') tracker.flags.push(`query: ${input.query.slice(0, 200)}`);
      sendServiceError(req, res, err);
    } finally {
      clearTimeout(timer);
      res.off('close', clientGone);
      connection?.closeSync();
    }
  };

  const track = trackRequest(lab, QUERY_ROUTE);
  const faults = injectFaults(lab, QUERY_ROUTE, queryRouteErrors.fault);
  const json = express.json({ limit: options.maxBodyBytes ?? 1_048_576, type: () => true });
  const badJson = (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 413) return sendServiceError(req, res, new QueryError({ status: 413, code: 'PayloadTooLargeError', message: 'The request body is too large' }));
    if (status === 400) return sendServiceError(req, res, invalidRequest(`The request body is not valid JSON: ${(err as Error).message}`));
    next(err);
  };

  router.post(PATH, track, faults, checkAccess, json, badJson, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { query?: unknown; timespan?: unknown };
    return answer(req, res, { query: body.query, timespan: body.timespan ?? undefined });
  });
  router.get(PATH, track, faults, checkAccess, (req: Request, res: Response) =>
    answer(req, res, { query: req.query.query, timespan: req.query.timespan }),
  );
  return router;
}
