// The Logs Ingestion route without the SDK: one test per documented answer (spec B5, B8).
import { gzipSync } from 'node:zlib';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { DCR_ID, MODEL_ALERTS, WORKSPACE_ID, getJson, modelAlert, rawUpload, startLabMock, tokenFor } from './helpers.ts';

const NO_ACCESS_APP = 'd7a1b000-0000-4000-8000-0000000000bb';

function expectAzureError(res: { status: number; headers: Headers; json?: { error: { code: string; message: string } } }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('x-ms-error-code')).toBe(code);
  expect(res.json?.error.code).toBe(code);
  expect(Object.keys(res.json!)).toEqual(['error']);
}

describe('api-version', () => {
  it('MissingApiVersionParameter: no api-version → 400', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { query: '' });
    expectAzureError(res, 400, 'MissingApiVersionParameter');
  });

  it('InvalidApiVersionParameter: an unknown version → 400 naming the supported ones', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { query: 'api-version=2020-01-01' });
    expectAzureError(res, 400, 'InvalidApiVersionParameter');
    expect(res.json!.error.message).toBe("The api-version '2020-01-01' is invalid. The supported versions are '2023-01-01,2021-11-01-preview,2023-04-01-preview'.");
  });

  it('percent-encoded query names are decoded: api%2Dversion=2023-01-01 (as the SDK sends it) → 204', async () => {
    const lab = await startLabMock();
    expect((await rawUpload(lab, { query: 'api%2Dversion=2023-01-01' })).status).toBe(204);
    expect((await rawUpload(lab, { query: 'api-version=2021-11-01-preview' })).status).toBe(204);
  });
});

describe('401: bearer token checks', () => {
  it('AuthenticationFailed: no Authorization header', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { token: null });
    expectAzureError(res, 401, 'AuthenticationFailed');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('InvalidAuthenticationToken: a token not signed by this mock', async () => {
    const lab = await startLabMock();
    const other = await startLabMock();
    const res = await rawUpload(lab, { token: await tokenFor(other) });
    expectAzureError(res, 401, 'InvalidAuthenticationToken');
    expectAzureError(await rawUpload(lab, { token: 'not.a.jwt' }), 401, 'InvalidAuthenticationToken');
  });

  it('ExpiredAuthenticationToken: an expired token', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { token: await tokenFor(lab, undefined, { lifetimeSeconds: -3600 }) });
    expectAzureError(res, 401, 'ExpiredAuthenticationToken');
  });

  it('InvalidAuthenticationTokenAudience: a token for another resource', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { token: await tokenFor(lab, undefined, { audience: 'https://api.loganalytics.io' }) });
    expectAzureError(res, 401, 'InvalidAuthenticationTokenAudience');
  });

  it('the token audience is configurable per cloud (spec B2: https://monitor.azure.cn)', async () => {
    const lab = await startLabMock({ logsIngestion: { audience: 'https://monitor.azure.cn' } });
    expectAzureError(await rawUpload(lab, { token: await tokenFor(lab, undefined, { audience: 'https://monitor.azure.com' }) }), 401, 'InvalidAuthenticationTokenAudience');
    expect((await rawUpload(lab, { token: await tokenFor(lab, undefined, { audience: 'https://monitor.azure.cn' }) })).status).toBe(204);
  });

  it('the 401 codes are configurable (spec B8)', async () => {
    const lab = await startLabMock({ logsIngestion: { unauthorizedCodes: { missing: 'Unauthorized' } } });
    expectAzureError(await rawUpload(lab, { token: null }), 401, 'Unauthorized');
  });
});

describe('403 OperationFailed', () => {
  it('an app without the role on the DCR gets the observed message', async () => {
    const lab = await startLabMock({
      apps: [
        { clientId: 'd7a1b000-0000-4000-8000-000000000002', clientSecret: 'dtlab-test-secret' },
        { clientId: NO_ACCESS_APP, clientSecret: 's', dcrAccess: [] },
      ],
    });
    const res = await rawUpload(lab, { token: await tokenFor(lab, NO_ACCESS_APP) });
    expectAzureError(res, 403, 'OperationFailed');
    expect(res.json!.error.message).toMatch(
      new RegExp(
        `^The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${DCR_ID}' PipelineAccessResult: AccessGranted: False, IsRbacPresent: False, IsDcrDceBindingValid: , DcrArmId: /subscriptions/.+/dataCollectionRules/DarktraceDCR, Message: Required authorization action was not found for tenantId d7a1b000-0000-4000-8000-000000000001 objectId [0-9a-f-]{36} on resourceId .+ ConfigurationId: ${DCR_ID}\\.\\.$`,
      ),
    );
  });
});

describe('404 NotFound', () => {
  it('an unknown DCR', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { path: `/dataCollectionRules/dcr-00000000000000000000000000000000/streams/${MODEL_ALERTS}` });
    expectAzureError(res, 404, 'NotFound');
    expect(res.json!.error.message).toBe("Data collection rule with immutable Id 'dcr-00000000000000000000000000000000' not found.");
  });

  it('a stream the DCR does not declare', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { path: `/dataCollectionRules/${DCR_ID}/streams/Custom-Nope` });
    expectAzureError(res, 404, 'NotFound');
    expect(res.json!.error.message).toBe(`Stream 'Custom-Nope' is not declared in the data collection rule with immutable Id '${DCR_ID}'.`);
  });
});

describe('413 ContentLengthLimitExceeded (1,048,576 bytes)', () => {
  it('a plain body over the limit, with the observed message stating the provided length', async () => {
    const lab = await startLabMock();
    const body = JSON.stringify([modelAlert({ description: 'x'.repeat(1_048_576) })]);
    const res = await rawUpload(lab, { body });
    expectAzureError(res, 413, 'ContentLengthLimitExceeded');
    expect(res.json!.error.message).toBe(`Maximum allowed content length: 1048576 bytes (1 MB). Provided content length: ${Buffer.byteLength(body)} bytes.`);
  });

  it('a body of exactly 1,048,576 bytes is accepted', async () => {
    const lab = await startLabMock();
    const base = JSON.stringify([modelAlert({ description: '' })]);
    const body = JSON.stringify([modelAlert({ description: 'y'.repeat(1_048_576 - Buffer.byteLength(base)) })]);
    expect(Buffer.byteLength(body)).toBe(1_048_576);
    expect((await rawUpload(lab, { body })).status).toBe(204);
  });

  it('a gzip body small on the wire but over the limit once decompressed', async () => {
    const lab = await startLabMock();
    const json = JSON.stringify([modelAlert({ description: 'z'.repeat(2_000_000) })]);
    const res = await rawUpload(lab, { body: gzipSync(json), contentEncoding: 'gzip' });
    expectAzureError(res, 413, 'ContentLengthLimitExceeded');
    expect(res.json!.error.message).toBe(`Maximum allowed content length: 1048576 bytes (1 MB). Provided content length: ${Buffer.byteLength(json)} bytes.`);
  });

  it('a chunked body without Content-Length is stopped while it streams', async () => {
    const lab = await startLabMock();
    const token = await tokenFor(lab);
    const { status, code } = await new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
      const url = new URL(`${lab.httpsUrl}/dataCollectionRules/${DCR_ID}/streams/${MODEL_ALERTS}?api-version=2023-01-01`);
      const req = request(url, { method: 'POST', agent: lab.agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, code: res.headers['x-ms-error-code'] as string | undefined });
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(code).toBe('ContentLengthLimitExceeded');
  });
});

describe('429 TooManyRequests (fault injection, spec B4/B8)', () => {
  it('a fault rule with retryAfter answers 429 with Retry-After in seconds, the Azure.Core shape, and stores nothing', async () => {
    const lab = await startLabMock({ faults: { rules: [{ route: 'logsIngestion', fault: 429, retryAfter: 7, count: 1 }] } });
    const res = await rawUpload(lab, { body: JSON.stringify([modelAlert()]) });
    expectAzureError(res, 429, 'TooManyRequests');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows')).toEqual([]);
    expect((await rawUpload(lab, { body: JSON.stringify([modelAlert()]) })).status).toBe(204);
  });

  it('a fault rule without retryAfter answers 429 with no Retry-After (the case the SDK does not retry, spec B7)', async () => {
    const lab = await startLabMock({ faults: { rules: [{ route: 'logsIngestion', fault: 429, count: 1 }] } });
    const res = await rawUpload(lab);
    expectAzureError(res, 429, 'TooManyRequests');
    expect(res.headers.get('retry-after')).toBeNull();
  });
});

describe('headers and body', () => {
  it('UnsupportedMediaType: a Content-Type other than application/json → 415', async () => {
    const lab = await startLabMock();
    expectAzureError(await rawUpload(lab, { contentType: 'text/plain' }), 415, 'UnsupportedMediaType');
    expectAzureError(await rawUpload(lab, { contentType: null }), 415, 'UnsupportedMediaType');
  });

  it('Content-Type application/json with a charset parameter is accepted (spec B3: JSON, UTF-8)', async () => {
    const lab = await startLabMock();
    expect((await rawUpload(lab, { contentType: 'application/json; charset=utf-8' })).status).toBe(204);
  });

  it('InvalidContentEncoding: an encoding other than gzip, or a body that is not gzip', async () => {
    const lab = await startLabMock();
    expectAzureError(await rawUpload(lab, { contentEncoding: 'br' }), 400, 'InvalidContentEncoding');
    expectAzureError(await rawUpload(lab, { contentEncoding: 'gzip', body: '[]' }), 400, 'InvalidContentEncoding');
  });

  it('InvalidJson: a body that is not JSON → 400', async () => {
    const lab = await startLabMock();
    expectAzureError(await rawUpload(lab, { body: '[{"a":' }), 400, 'InvalidJson');
  });

  it('a gzip body is decompressed and stored', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { body: gzipSync(JSON.stringify([modelAlert()])), contentEncoding: 'gzip' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows')).toHaveLength(1);
  });

  it('a non-array body → 204, nothing stored, flagged in the audit log (observed, spec B3)', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { body: JSON.stringify(modelAlert()) });
    expect(res.status).toBe(204);
    expect(await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows')).toEqual([]);
    const entry = (await getJson(lab, '/_lab/requests')).at(-1);
    expect(entry).toMatchObject({ route: 'logsIngestion', status: 204, records: 0 });
    expect(entry.flags.join('\n')).toContain('non-array body (object): answered 204, nothing stored');
  });

  it('an empty array → 204 (the health check Vector sends)', async () => {
    const lab = await startLabMock();
    expect((await rawUpload(lab, { body: '[]' })).status).toBe(204);
  });

  it('TimeGenerated is set to ingestion time when missing, and kept when sent', async () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const lab = await startLabMock({ now: () => now });
    await rawUpload(lab, { body: JSON.stringify([modelAlert(), modelAlert({ TimeGenerated: '2026-02-28T23:00:00Z' })]) });
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows.map((r: { TimeGenerated: string }) => r.TimeGenerated)).toEqual(['2026-03-01T12:00:00.000Z', '2026-02-28T23:00:00.000Z']);
  });

  it('string values over 64 KB are truncated and flagged (spec B4)', async () => {
    const lab = await startLabMock();
    await rawUpload(lab, { body: JSON.stringify([modelAlert({ details: 'd'.repeat(70_000) })]) });
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows[0].details).toHaveLength(65_536);
    const entry = (await getJson(lab, '/_lab/requests')).at(-1);
    expect(entry.flags).toContain("record 0 column 'details': 70000 bytes truncated to 64 KB");
  });

  it('is served on the plain HTTP listener too (same app)', async () => {
    const lab = await startLabMock();
    const res = await fetch(`${lab.url}/dataCollectionRules/${DCR_ID}/streams/${MODEL_ALERTS}?api-version=2023-01-01`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor(lab)}`, 'content-type': 'application/json' },
      body: JSON.stringify([modelAlert()]),
    });
    expect(res.status).toBe(204);
  });
});

describe('DCRs', () => {
  it('GET /_lab/dcrs lists the loaded DCRs with immutable ids, streams and output tables', async () => {
    const lab = await startLabMock();
    const dcrs = await getJson(lab, '/_lab/dcrs');
    expect(dcrs).toHaveLength(1);
    expect(dcrs[0].immutableId).toBe(DCR_ID);
    expect(dcrs[0].outputTables).toEqual([
      'DarktraceModelAlerts_CL',
      'DarktraceIncidents_CL',
      'DarktraceSystemStatusAlerts_CL',
      'DarktraceEMAIL_CL',
      'DarktraceResponseActions_CL',
      'DarktraceASM_CL',
      'DarktraceEMAILRelease_CL',
    ]);
    expect(dcrs[0].streams[0]).toMatchObject({ name: MODEL_ALERTS, flows: [{ table: 'DarktraceModelAlerts_CL', transformKql: 'source', workspaceIds: [WORKSPACE_ID] }] });
  });

  it('a --dcr file with an extend/project transform lands the transformed rows with the inferred types', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dcr-'));
    const file = path.join(dir, 'custom.json');
    const id = 'dcr-0123456789abcdef0123456789abcdef';
    await writeFile(
      file,
      JSON.stringify({
        name: 'CustomDCR',
        location: 'westeurope',
        properties: {
          immutableId: id,
          streamDeclarations: { 'Custom-Raw': { columns: [{ name: 'Time', type: 'datetime' }, { name: 'Host', type: 'string' }, { name: 'Context', type: 'string' }] } },
          destinations: { logAnalytics: [{ name: 'ws' }] },
          dataFlows: [
            {
              streams: ['Custom-Raw'],
              destinations: ['ws'],
              outputStream: 'Custom-Shaped_CL',
              transformKql: 'source | extend ctx = parse_json(Context) | project TimeGenerated = Time, Computer = Host, Code = toint(ctx.code)',
            },
          ],
        },
      }),
    );
    // Received within a day of Time, so the TimeGenerated window (spec A7) keeps it.
    const lab = await startLabMock({ dcrFiles: [file], now: () => new Date('2026-01-02T04:00:00Z') });
    const res = await rawUpload(lab, {
      path: `/dataCollectionRules/${id}/streams/Custom-Raw`,
      body: JSON.stringify([{ Time: '2026-01-02T03:04:05Z', Host: 'pc1', Context: '{"code":"7"}' }]),
    });
    expect(res.status).toBe(204);
    const table = (await getJson(lab, '/_lab/tables')).find((t: { name: string }) => t.name === 'Shaped_CL');
    expect(table.columns).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'TenantId', type: 'guid' },
      { name: 'Type', type: 'string' },
      { name: 'Computer', type: 'string' },
      { name: 'Code', type: 'int' },
    ]);
    expect(await getJson(lab, '/_lab/tables/Shaped_CL/rows')).toEqual([
      { TimeGenerated: '2026-01-02T03:04:05.000Z', TenantId: WORKSPACE_ID, Type: 'Shaped_CL', Computer: 'pc1', Code: 7 },
    ]);
  });

  it('a bad --dcr file makes createMockSentinel throw with the file and the path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dcr-'));
    const file = path.join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ properties: { immutableId: 'nope' } }));
    expect(() => createMockSentinel({ dcrFiles: [file] })).toThrow(new RegExp(`^${file.replaceAll('/', '\\/')}: invalid data collection rule:\\n  - properties\\.immutableId`));
  });
});

describe('token route in the audit log', () => {
  it('token requests are audited as route "token" with the AADSTS code, never the secret', async () => {
    const lab = await startLabMock();
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'd7a1b000-0000-4000-8000-000000000002',
      client_secret: 'wrong-secret-value',
      scope: 'https://monitor.azure.com//.default',
    });
    const res = await fetch(`${lab.url}/d7a1b000-0000-4000-8000-000000000001/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    expect(res.status).toBe(401);
    const entry = (await getJson(lab, '/_lab/requests')).at(-1);
    expect(entry).toMatchObject({ route: 'token', status: 401, errorCode: 'AADSTS7000215' });
    expect(JSON.stringify(entry)).not.toContain('wrong-secret-value');
  });
});
