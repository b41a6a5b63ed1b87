// Microsoft's SDK, unmodified (@azure/monitor-ingestion LogsIngestionClient + @azure/identity
// ClientSecretCredential), against the mock over HTTPS.
import { once } from 'node:events';
import { isAggregateLogsUploadError } from '@azure/monitor-ingestion';
import { describe, expect, it } from 'vitest';
import type { RequestEndEvent } from '../../mock-sentinel/index.ts';
import { DCR_ID, MODEL_ALERTS, WORKSPACE_ID, getJson, modelAlert, sdkClient, startLabMock } from './helpers.ts';

describe('@azure/monitor-ingestion against the mock over HTTPS', () => {
  it('a successful upload lands typed rows in DarktraceModelAlerts_CL', async () => {
    const lab = await startLabMock();
    await sdkClient(lab).upload(DCR_ID, MODEL_ALERTS, [modelAlert(), modelAlert({ pid: 102, score: 12, antigena: true })]);

    const tables = await getJson(lab, '/_lab/tables');
    const table = tables.find((t: { name: string }) => t.name === 'DarktraceModelAlerts_CL');
    expect(table.rowCount).toBe(2);
    const types = Object.fromEntries(table.columns.map((c: { name: string; type: string }) => [c.name, c.type]));
    expect(types).toMatchObject({
      TimeGenerated: 'datetime',
      TenantId: 'guid',
      Type: 'string',
      alertTime: 'datetime',
      antigena: 'boolean',
      latitude: 'double',
      mitreTechniques: 'dynamic',
      pid: 'int',
      destPort: 'string',
    });
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows[0]).toMatchObject({
      TenantId: WORKSPACE_ID,
      Type: 'DarktraceModelAlerts_CL',
      alertTime: '2024-01-15T09:30:00.000Z',
      antigena: false,
      latitude: 51.5,
      mitreTechniques: [{ techniqueId: 'T1046', techniqueName: 'Network Service Discovery' }],
      pid: 101,
      score: 87,
      destPort: '443',
      customLabel: null,
    });
    expect(rows[1]).toMatchObject({ pid: 102, score: 12, antigena: true });
    expect(rows[0].TimeGenerated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const audit = await getJson(lab, '/_lab/requests');
    const routes = audit.map((e: { route: string; status: number }) => `${e.route} ${e.status}`);
    expect(routes).toEqual(['token 200', 'logsIngestion 204']);
  });

  it('the SDK gzips every body (spec B7) and the mock decompresses it', async () => {
    const lab = await startLabMock();
    await sdkClient(lab).upload(DCR_ID, MODEL_ALERTS, [modelAlert()]);
    const entry = (await getJson(lab, '/_lab/requests')).find((e: { route: string }) => e.route === 'logsIngestion');
    expect(entry.status).toBe(204);
    expect(entry.flags.join('\n')).toMatch(/gzip body: \d+ bytes on the wire, \d+ decompressed/);
    expect(await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows')).toHaveLength(1);
  });

  it('a wrong secret fails with the SDK’s own error (AADSTS7000215) and nothing is uploaded', async () => {
    const lab = await startLabMock();
    const err = await sdkClient(lab, 'wrong-secret').upload(DCR_ID, MODEL_ALERTS, [modelAlert()]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAggregateLogsUploadError(err)).toBe(true);
    const cause = (err as { errors: { cause: Error }[] }).errors[0]!.cause;
    expect(cause.name).toMatch(/Authentication(Required)?Error/);
    expect(cause.message).toContain('AADSTS7000215');
    const audit = await getJson(lab, '/_lab/requests');
    expect(audit.map((e: { route: string; status: number; errorCode: string }) => [e.route, e.status, e.errorCode])).toEqual([
      ['token', 401, 'AADSTS7000215'],
    ]);
  });

  it('a single record over 1 MB is sent alone by the SDK and gets 413 ContentLengthLimitExceeded', async () => {
    const lab = await startLabMock();
    const big = modelAlert({ description: 'x'.repeat(1_100_000) });
    const failed: unknown[][] = [];
    const err = await sdkClient(lab)
      .upload(DCR_ID, MODEL_ALERTS, [modelAlert(), big], { onError: (e) => failed.push(e.failedLogs) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isAggregateLogsUploadError(err)).toBe(true);
    const cause = (err as { errors: { cause: { statusCode: number; code: string; message: string } }[] }).errors[0]!.cause;
    expect(cause.statusCode).toBe(413);
    expect(cause.code).toBe('ContentLengthLimitExceeded');
    expect(cause.message).toMatch(/^Maximum allowed content length: 1048576 bytes \(1 MB\)\. Provided content length: \d+ bytes\.$/);
    expect(failed).toEqual([[big]]);
    // The small record went in its own chunk and landed.
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows).toHaveLength(1);
  });

  it('a 429 with Retry-After is retried by the SDK (fault rule count 1) and the upload lands', async () => {
    const lab = await startLabMock({ faults: { rules: [{ route: 'logsIngestion', fault: 429, retryAfter: 1, count: 1 }] } });
    const ends: RequestEndEvent[] = [];
    lab.mock.events.on('request:end', (e) => ends.push(e));
    await sdkClient(lab).upload(DCR_ID, MODEL_ALERTS, [modelAlert()]);
    const ingest = ends.filter((e) => e.route === 'logsIngestion');
    expect(ingest.map((e) => [e.status, e.errorCode ?? null])).toEqual([
      [429, 'TooManyRequests'],
      [204, null],
    ]);
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows).toHaveLength(1);
  });

  it('a 429 without Retry-After is not retried by the SDK (spec B7): one request, AggregateLogsUploadError', async () => {
    const lab = await startLabMock({ faults: { rules: [{ route: 'logsIngestion', fault: 429, count: 1 }] } });
    const ends: RequestEndEvent[] = [];
    lab.mock.events.on('request:end', (e) => ends.push(e));
    const err = await sdkClient(lab)
      .upload(DCR_ID, MODEL_ALERTS, [modelAlert()])
      .then(() => undefined, (e: unknown) => e);
    expect(isAggregateLogsUploadError(err)).toBe(true);
    const ingest = ends.filter((e) => e.route === 'logsIngestion');
    expect(ingest.map((e) => [e.status, e.errorCode ?? null])).toEqual([[429, 'TooManyRequests']]);
    expect(await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows')).toEqual([]);
  });

  it('a value that does not fit its declared column type is stored as null and reported in the audit log', async () => {
    const lab = await startLabMock();
    const stored = once(lab.mock.events, 'rows:stored');
    await sdkClient(lab).upload(DCR_ID, MODEL_ALERTS, [modelAlert({ score: 'high', alertTime: 'yesterday', unknownField: 1 })]);
    await stored;
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows[0]).toMatchObject({ score: null, alertTime: null, pid: 101 });
    expect(rows[0]).not.toHaveProperty('unknownField');
    const entry = (await getJson(lab, '/_lab/requests')).find((e: { route: string }) => e.route === 'logsIngestion');
    expect(entry.status).toBe(204);
    expect(entry.flags).toEqual(
      expect.arrayContaining([
        `DCRLogErrors: record 0 column 'score' (int): string "high" cannot be converted to int; stored as null`,
        `DCRLogErrors: record 0 column 'alertTime' (datetime): string "yesterday" cannot be converted to datetime; stored as null`,
        'fields not declared in the stream, dropped: unknownField',
      ]),
    );
  });
});
