// POST /v1/$batch — several queries in one request, as the Log Analytics Query API's batch page
// documents it (https://learn.microsoft.com/azure/azure-monitor/logs/api/batch-queries):
//   { "requests": [ { "id", "workspace", "path": "/query", "method"?, "headers"?, "body"? } ] }
//   → 200 { "responses": [ { "id", "status", "headers"?, "body" } ] }
// The whole batch fails only when its body is not JSON, the caller is not authenticated, or a
// member lacks a required property or repeats an id; otherwise each member succeeds or fails on
// its own (its error in its body, its status in `status`). A member's `headers.Prefer` is honoured
// as on the single-query route (timeout, statistics, render). Members run a few at a time, each on a read
// connection of its own; all are interrupted when the client leaves.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { LabContext } from '../labContext.ts';
import { injectFaults } from '../middlewares/injectFaults.ts';
import { sendServiceError, trackRequest, trackerOf } from '../middlewares/requestTracking.ts';
import { defaultAuthorizer } from './authentication.ts';
import { invalidRequest, QueryError, queryRouteErrors } from './errors.ts';
import { DEFAULT_QUERY_BODY_BYTES, queryJsonBody } from './json-body.ts';
import { queryExecutor, type QueryExecutor, type RunHooks } from './query-execution.ts';
import { QUERY_ROUTE, type QueryRouterOptions } from './router.ts';

export const BATCH_PATH = '/v1/$batch';
/** How many members of one batch run at once (lab policy: the store is one process's DuckDB). */
const CONCURRENT_MEMBERS = 4;
const CLIENT_GONE = new Error('the client disconnected before the answer');

/** One member of the batch, as checked: what to run, or the error it answers with. */
interface Member {
  id: string;
  workspace: string;
  method: string;
  path: string;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

export interface MemberResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** The members of a batch body, or the QueryError that fails the whole batch. */
export function batchMembers(body: unknown): Member[] | QueryError {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return invalidRequest("The batch body has no 'requests' array");
  const seen = new Set<string>();
  const members: Member[] = [];
  for (const [i, raw] of requests.entries()) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return invalidRequest(`requests[${i}]: must be an object`);
    const r = raw as Record<string, unknown>;
    if (typeof r.id !== 'string' || r.id === '') return invalidRequest(`requests[${i}].id: is required (a non-empty string)`);
    if (seen.has(r.id)) return invalidRequest(`requests[${i}].id: '${r.id}' is used by another request of the batch`);
    seen.add(r.id);
    if (typeof r.workspace !== 'string' || r.workspace === '') return invalidRequest(`requests[${i}].workspace: is required (a workspace id)`);
    for (const key of ['headers', 'body'] as const) {
      if (r[key] !== undefined && r[key] !== null && (typeof r[key] !== 'object' || Array.isArray(r[key]))) return invalidRequest(`requests[${i}].${key}: must be an object`);
    }
    members.push({
      id: r.id,
      workspace: r.workspace,
      // "If no method is included, batching defaults to the GET method."
      method: typeof r.method === 'string' ? r.method.toUpperCase() : 'GET',
      path: typeof r.path === 'string' ? r.path : '',
      headers: (r.headers ?? {}) as Record<string, unknown>,
      body: (r.body ?? {}) as Record<string, unknown>,
    });
  }
  return members;
}

/** A header of a member, by case-insensitive name. */
function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

async function answerMember(lab: LabContext, execute: QueryExecutor, m: Member, hooks: RunHooks): Promise<MemberResponse> {
  try {
    const url = new URL(m.path, 'http://batch.invalid');
    if (url.pathname.toLowerCase() !== '/query' || (m.method !== 'GET' && m.method !== 'POST')) throw queryRouteErrors.pathNotFound();
    const workspace = lab.workspaces.get(m.workspace);
    if (!workspace) throw queryRouteErrors.failedToResolveResource();
    // "On GET requests, the API ignores the body parameter": the query is in the path's parameters.
    const input =
      m.method === 'GET'
        ? { query: url.searchParams.get('query') ?? undefined, timespan: url.searchParams.get('timespan') ?? undefined }
        : { query: m.body.query, timespan: m.body.timespan };
    const answer = await execute({ workspaceId: workspace.id, ...input, prefer: headerOf(m.headers, 'prefer') }, hooks);
    return { id: m.id, status: 200, ...(answer.preferenceApplied ? { headers: { 'Preference-Applied': answer.preferenceApplied } } : {}), body: answer.body };
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    return { id: m.id, status: err.status, body: err.body() };
  }
}

/** Runs `work` over `items`, at most `limit` at a time; results in the items' order. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function batchRouter(lab: LabContext, options: QueryRouterOptions = {}): Router {
  const router = Router();
  const authorize = options.authorize ?? defaultAuthorizer(lab);
  const execute = queryExecutor(lab, { dynamic: options.dynamic });
  // The real API answers in completion order; the lab answers in request order (deterministic), or
  // reversed to catch clients that pair answers with requests by position instead of by id.
  const reversed = lab.options.query?.batchResponseOrder === 'reverse';

  const checkAccess = async (req: Request, res: Response, next: NextFunction) => {
    const denied = await authorize(req);
    if (denied) return sendServiceError(req, res, denied);
    next();
  };

  const answer = async (req: Request, res: Response) => {
    const tracker = trackerOf(res);
    const members = batchMembers(req.body);
    if (members instanceof QueryError) return sendServiceError(req, res, members);
    const clientGone = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) clientGone.abort(CLIENT_GONE);
    };
    res.on('close', onClose);
    try {
      const hooks: RunHooks = {
        signal: clientGone.signal,
        onStart: () => tracker && lab.events.emit('query:start', { id: tracker.id }),
        onCancelled: (reason) => tracker && lab.events.emit('query:cancelled', { id: tracker.id, reason }),
      };
      let responses: MemberResponse[];
      try {
        responses = await pooled(members, CONCURRENT_MEMBERS, (m) => answerMember(lab, execute, m, hooks));
      } catch (err) {
        if (clientGone.signal.aborted) return; // nobody to answer; the audit entry says 'dropped'
        throw err;
      }
      if (tracker) {
        tracker.workspace = [...new Set(members.map((m) => m.workspace))].join(',');
        tracker.records = responses.reduce((n, r) => n + ((r.body as { tables?: { rows: unknown[] }[] }).tables?.[0]?.rows.length ?? 0), 0);
        for (const [i, m] of members.entries()) {
          const query = m.method === 'GET' ? m.path : String(m.body.query ?? '');
          tracker.flags.push(`batch ${m.id}: ${responses[i]!.status} query: ${query.slice(0, 200)}`);
        }
        tracker.finish(200);
      }
      if (reversed) responses.reverse();
      res.status(200).json({ responses });
    } finally {
      res.off('close', onClose);
    }
  };

  const track = trackRequest(lab, QUERY_ROUTE);
  const faults = injectFaults(lab, QUERY_ROUTE, queryRouteErrors.fault);
  const body = queryJsonBody(options.maxBodyBytes ?? DEFAULT_QUERY_BODY_BYTES, queryRouteErrors.batchBodyNotJson);
  router.post(BATCH_PATH, track, faults, checkAccess, ...body, answer);
  return router;
}
