// POST /dataCollectionRules/{immutableId}/streams/{stream}?api-version=2023-01-01 — the Logs
// Ingestion API (azure-ingestion.md part B). The checks run top to bottom; each failure is an
// Azure.Core error with `x-ms-error-code`; success is 204 even when values had to be nulled
// (those land in the audit log, as DCRLogErrors would).
import { Router, type Request, type Response } from 'express';
import { nestsDeeperThan } from '../../ingestion/json-depth.ts';
import type { LabContext } from '../../labContext.ts';
import { injectFaults } from '../../middlewares/injectFaults.ts';
import { sendEmpty, serviceHandler, trackRequest, type RequestTracker } from '../../middlewares/requestTracking.ts';
import { authenticateBearer, authorizeDcr, forbiddenFor } from '../authentication/bearer-authenticator.ts';
import { ingestionErrors, SUPPORTED_API_VERSIONS } from '../errors/ingestion-error.ts';
import { LOGS_INGESTION_ROUTE, logsIngestionFor, type LogsIngestionService } from '../logs-ingestion-service.ts';
import { checkContentHeaders, queryParam, readUploadBody } from '../middlewares/read-upload-body.ts';
import { storeOutputRows } from '../persistence/store-output-rows.ts';
import { shapeRecords, type IngestionReport } from '../rows/shape-records.ts';

export function logsIngestionRouter(lab: LabContext): Router {
  const service = logsIngestionFor(lab);
  const router = Router({ caseSensitive: false });
  router.post(
    '/dataCollectionRules/:immutableId/streams/:stream',
    trackRequest(lab, LOGS_INGESTION_ROUTE),
    injectFaults(lab, LOGS_INGESTION_ROUTE, ingestionErrors.fromFault),
    serviceHandler(lab, LOGS_INGESTION_ROUTE, ingestionErrors.internalServerError, (req, res, tracker) => handleUpload(req, res, lab, service, tracker)),
  );
  return router;
}

async function handleUpload(req: Request, res: Response, lab: LabContext, service: LogsIngestionService, tracker: RequestTracker): Promise<void> {
  // 1. api-version (names percent-decoded: the SDK sends api%2Dversion).
  const version = queryParam(req, 'api-version');
  if (version === undefined || version === '') throw ingestionErrors.missingApiVersion();
  if (!(SUPPORTED_API_VERSIONS as readonly string[]).includes(version)) throw ingestionErrors.invalidApiVersion(version);

  // 2. Bearer token of this mock's Entra, for the monitor audience → else 401.
  const claims = await authenticateBearer(service, req.get('authorization'), lab.now());

  // 3. The DCR and the app's role on it → 404 / 403; then the stream → 404.
  const immutableId = String(req.params.immutableId);
  const dcr = service.dcrs.get(immutableId);
  if (!dcr) throw ingestionErrors.dcrNotFound(immutableId);
  authorizeDcr(service, claims, dcr);
  const roleFault = lab.faults.roleMissing(String(claims.appid ?? claims.azp ?? ''), dcr.immutableId);
  if (roleFault) {
    tracker.injectedFault = roleFault;
    tracker.outcome = 'faulted';
    throw forbiddenFor(claims, dcr);
  }
  const streamName = String(req.params.stream);
  const stream = dcr.streams.get(streamName);
  if (!stream) throw ingestionErrors.streamNotFound(streamName, immutableId);
  const tables = [...new Set(stream.flows.map((f) => f.table))];
  tracker.table = tables.join(',');
  tracker.workspace = stream.flows[0]?.workspaceIds[0];
  tracker.flags.push(`dcr ${immutableId} stream ${streamName} app ${String(claims.appid)}`);

  // 4. Headers, then the body: ≤ 1 MiB as received and after gunzip → else 413.
  const { gzip } = checkContentHeaders(req);
  const body = await readUploadBody(req, gzip, (n) => {
    tracker.bytes = n;
  });
  // Audited so a test can tell what the client sent (the SDK gzips every body, spec B7).
  if (body.gzip) tracker.flags.push(`gzip body: ${body.wireBytes} bytes on the wire, ${body.json.length} decompressed`);

  // 5. JSON; a non-array body is answered 204 and dropped, as observed (spec B3).
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.json.toString('utf8'));
  } catch (err) {
    throw ingestionErrors.invalidJson((err as Error).message);
  }
  if (nestsDeeperThan(parsed, service.maxJsonDepth)) {
    throw ingestionErrors.invalidJson(`objects and arrays nest deeper than ${service.maxJsonDepth} levels`);
  }
  if (!Array.isArray(parsed)) {
    tracker.flags.push(`non-array body (${parsed === null ? 'null' : typeof parsed}): answered 204, nothing stored (observed behaviour, spec B3)`);
    sendEmpty(req, res, 204, 'dropped');
    return;
  }
  tracker.records = parsed.length;

  // 6. Convert to the declared types, transform, store.
  const receivedAt = lab.now();
  // One TimeGenerated window for the workspace, whichever API the rows arrive by (spec A7).
  const policy = lab.dataCollectorPolicy;
  const window = { pastMs: policy.timeGeneratedPastMs, futureMs: policy.timeGeneratedFutureMs };
  const { tables: outputs, report } = await shapeRecords(stream, parsed, receivedAt, window);
  tracker.flags.push(...reportFlags(report));
  tracker.notes.addAll(report.notes.list());
  let stored = 0;
  for (const output of outputs) {
    for (const { workspace, count } of await storeOutputRows(lab.store, output)) {
      stored += count;
      lab.events.emit('rows:stored', { table: output.table, workspace, count, timestamp: lab.now() });
    }
  }
  sendEmpty(req, res, 204, stored > 0 ? 'stored' : 'accepted');
}

/** Audit-log lines for what the real service would write to DCRLogErrors (or silently apply). */
export function reportFlags(report: IngestionReport): string[] {
  const flags: string[] = [];
  for (const p of report.conversionErrors) {
    flags.push(`DCRLogErrors: record ${p.record} column '${p.column}' (${p.declaredType}): ${p.reason}; stored as null`);
  }
  if (report.conversionErrorCount > report.conversionErrors.length) {
    flags.push(`DCRLogErrors: ${report.conversionErrorCount - report.conversionErrors.length} more conversion errors not itemised`);
  }
  if (report.droppedFields.length > 0) {
    flags.push(`fields not declared in the stream, dropped: ${report.droppedFields.slice(0, 50).join(', ')}`);
  }
  for (const t of report.truncated) flags.push(`record ${t.record} column '${t.column}': ${t.bytes} bytes truncated to 64 KB`);
  if (report.nonObjectRecords > 0) flags.push(`${report.nonObjectRecords} array elements are not objects: skipped`);
  for (const [table, n] of Object.entries(report.filteredOut)) flags.push(`${n} records filtered out by the transform for ${table}`);
  for (const t of report.timeGeneratedReplaced) {
    flags.push(`record ${t.record} (${t.table}): TimeGenerated ${t.value} outside [received - 2 d, received + 1 d]; replaced with the received time`);
  }
  if (report.timeGeneratedReplacedCount > report.timeGeneratedReplaced.length) {
    flags.push(`${report.timeGeneratedReplacedCount - report.timeGeneratedReplaced.length} more TimeGenerated values replaced with the received time, not itemised`);
  }
  return flags;
}
