// POST /api/logs?api-version=2016-04-01 — the HTTP Data Collector API (azure-ingestion.md part A).
// The checks run in the order of A10, top to bottom; each failure is the real service's answer.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { DataCollectorAuthenticator } from '../authentication/dataCollectorAuthenticator.ts';
import { GUID_PATTERN, type Workspace } from '../authentication/workspaces.ts';
import type { DataCollectorPolicy } from '../config.ts';
import { dataCollectorErrors } from '../errors/dataCollectorErrors.ts';
import { ingestRecords } from '../ingestion/ingestRecords.ts';
import { nestsDeeperThan } from '../ingestion/json-depth.ts';
import type { LabContext } from '../labContext.ts';
import { injectFaults } from '../middlewares/injectFaults.ts';
import { readBodyLimited } from '../middlewares/readBody.ts';
import { sendEmpty, serviceHandler, trackRequest, trackerOf, type RequestTracker } from '../middlewares/requestTracking.ts';

export const DATA_COLLECTOR_ROUTE = 'dataCollector';

const LOG_TYPE = /^[A-Za-z0-9_]{1,100}$/;
const HOST_WORKSPACE = /^([^.]+)\.ods\.opinsights\.azure\.(?:com|us|cn)(?::\d+)?$/i;

export function dataCollectorRouter(lab: LabContext): Router {
  const policy = lab.dataCollectorPolicy;
  const authenticator = new DataCollectorAuthenticator(lab.workspaces, policy, lab.now);
  const router = Router({ caseSensitive: false });
  router.post(
    '/api/logs',
    trackRequest(lab, DATA_COLLECTOR_ROUTE),
    auditTableFromHeader,
    injectFaults(lab, DATA_COLLECTOR_ROUTE, dataCollectorErrors.fromFault),
    serviceHandler(lab, DATA_COLLECTOR_ROUTE, dataCollectorErrors.unspecifiedError, (req, res, tracker) => handlePost(req, res, lab, policy, authenticator, tracker)),
  );
  return router;
}

/** The table a valid Log-Type names, in the audit entry before faults apply: an injected 429 is audited against the table it was meant for. */
const auditTableFromHeader: RequestHandler = (req, res, next) => {
  const logType = req.get('log-type');
  const tracker = trackerOf(res);
  if (tracker && logType !== undefined && LOG_TYPE.test(logType)) tracker.table = `${logType}_CL`;
  next();
};

async function handlePost(
  req: Request,
  res: Response,
  lab: LabContext,
  policy: DataCollectorPolicy,
  authenticator: DataCollectorAuthenticator,
  tracker: RequestTracker,
): Promise<void> {
  checkApiVersion(req, policy);
  const claimed = claimedWorkspaceIds(req);
  tracker.workspace = claimed.fromAuthorization ?? claimed.fromHost;
  const contentType = checkContentType(req);
  const table = tableFromLogType(req, policy, tracker);

  const body = await readBodyLimited(req, policy.maxBodyBytes, declaredLength(req));
  if (!body.ok) {
    tracker.bytes = body.bytesSeen;
    throw dataCollectorErrors.requestTooLarge(policy.maxBodyBytes);
  }
  tracker.bytes = body.body.length;

  const workspace: Workspace = authenticator.authenticate({
    authorization: req.get('authorization'),
    date: req.get('x-ms-date'),
    contentType,
    bodyLength: body.body.length,
    hostWorkspaceId: claimed.fromHost,
  });
  tracker.workspace = workspace.id;

  const records = parseRecords(body.body, policy);
  tracker.records = records.length;
  if (table === undefined) {
    // Policy 'drop' for an invalid Log-Type: accepted and silently dropped, as users observed.
    sendEmpty(req, res, 200, 'accepted');
    return;
  }

  const receivedAt = lab.now();
  const timeGeneratedField = req.get('time-generated-field')?.trim() || undefined;
  const result = await ingestRecords(lab.store, policy, {
    table,
    workspaceId: workspace.id,
    records,
    timeGeneratedField,
    resourceId: req.get('x-ms-azureresourceid') || undefined,
    receivedAt,
  });
  tracker.flags.push(...result.flags);
  tracker.notes.addAll(result.notes);
  if (result.stored > 0) {
    lab.events.emit('rows:stored', { table, workspace: workspace.id, count: result.stored, timestamp: lab.now() });
  }
  sendEmpty(req, res, 200, result.stored > 0 ? 'stored' : 'accepted');
}

function checkApiVersion(req: Request, policy: DataCollectorPolicy): void {
  const version = new URL(req.originalUrl, 'http://mock').searchParams.get('api-version');
  if (version === null || version === '') throw dataCollectorErrors.missingApiVersion();
  if (!policy.apiVersions.includes(version)) throw dataCollectorErrors.invalidApiVersion(version, policy.apiVersions);
}

/** The workspace the request names: the `<id>.ods.opinsights.azure.com` host and/or `SharedKey <id>:`. */
function claimedWorkspaceIds(req: Request): { fromHost?: string; fromAuthorization?: string } {
  const ids: { fromHost?: string; fromAuthorization?: string } = {};
  const host = HOST_WORKSPACE.exec(req.get('host') ?? '');
  if (host) {
    if (!GUID_PATTERN.test(host[1]!)) throw dataCollectorErrors.invalidCustomerId();
    ids.fromHost = host[1]!.toLowerCase();
  }
  const auth = /^SharedKey\s+([^:\s]*):/.exec(req.get('authorization')?.trim() ?? '');
  if (auth) {
    if (!GUID_PATTERN.test(auth[1]!)) throw dataCollectorErrors.invalidCustomerId();
    ids.fromAuthorization = auth[1]!.toLowerCase();
  }
  return ids;
}

/** Returns the Content-Type exactly as received (it is signed as is); the media type must be application/json. */
function checkContentType(req: Request): string {
  const contentType = req.headers['content-type'];
  if (contentType === undefined || contentType.trim() === '') throw dataCollectorErrors.missingContentType();
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw dataCollectorErrors.unsupportedContentType();
  return contentType;
}

/** `<Log-Type>_CL`, or undefined when an invalid Log-Type is to be dropped silently (policy). */
function tableFromLogType(req: Request, policy: DataCollectorPolicy, tracker: RequestTracker): string | undefined {
  const logType = req.get('log-type');
  if (logType === undefined || logType === '') throw dataCollectorErrors.missingLogType();
  if (!LOG_TYPE.test(logType)) {
    if (policy.invalidLogType === 'reject') throw dataCollectorErrors.invalidLogType();
    tracker.flags.push(`invalid Log-Type '${logType.slice(0, 120)}': request accepted and dropped (policy invalidLogType=drop)`);
    return undefined;
  }
  tracker.table = `${logType}_CL`;
  return tracker.table;
}

function declaredLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A JSON array of objects or a single object; reserved properties reject the whole request. */
function parseRecords(body: Buffer, policy: DataCollectorPolicy): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw dataCollectorErrors.invalidJson((err as Error).message);
  }
  if (nestsDeeperThan(parsed, policy.maxJsonDepth)) throw dataCollectorErrors.tooDeep(policy.maxJsonDepth);
  const records = Array.isArray(parsed) ? parsed : [parsed];
  const reserved = new Map(policy.reservedProperties.map((p) => [p.toLowerCase(), p]));
  records.forEach((record, index) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw dataCollectorErrors.notARecord(index);
    for (const key of Object.keys(record)) {
      const name = reserved.get(key.toLowerCase());
      if (name) throw dataCollectorErrors.reservedProperty(key, index);
    }
  });
  return records as Record<string, unknown>[];
}
