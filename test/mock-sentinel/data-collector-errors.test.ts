// Every documented answer of POST /api/logs (azure-ingestion.md A3, A4, A8, A10), over real HTTP.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  PRIMARY_KEY,
  SECONDARY_KEY,
  WORKSPACE_ID,
  getJson,
  postLogs,
  rawRequest,
  signature,
  startMock,
} from './helpers.ts';

let url: string;
beforeEach(async () => {
  ({ url } = await startMock());
});

const record = [{ msg: 'hello' }];

function expectError(res: { status: number; json: any; headers: Record<string, unknown> }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ Error: code, Message: expect.any(String) });
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
}

describe('success', () => {
  it('200 with an empty body for a signed array of records', async () => {
    const res = await postLogs(url, record);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });
  it('a single object body is one record', async () => {
    expect((await postLogs(url, { msg: 'one' })).status).toBe(200);
    expect((await getJson(url, '/_lab/tables'))[0].rowCount).toBe(1);
  });
  it('[] answers 200 and stores nothing', async () => {
    expect((await postLogs(url, [])).status).toBe(200);
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
  });
});

describe('MissingApiVersion / InvalidApiVersion', () => {
  it('MissingApiVersion without api-version', async () => {
    expectError(await postLogs(url, record, { apiVersion: null }), 400, 'MissingApiVersion');
  });
  it('InvalidApiVersion for an unknown version', async () => {
    expectError(await postLogs(url, record, { apiVersion: '2023-01-01' }), 400, 'InvalidApiVersion');
  });
});

describe('InvalidCustomerId', () => {
  it('a workspace id that is not a GUID', async () => {
    expectError(await postLogs(url, record, { workspaceId: 'not-a-guid' }), 400, 'InvalidCustomerId');
  });
  it('a <CustomerId>.ods.opinsights.azure.com host that is not a GUID', async () => {
    expectError(await postLogs(url, record, { headers: { Host: 'nope.ods.opinsights.azure.com' } }), 400, 'InvalidCustomerId');
  });
  it('a host naming another workspace than the signature is InvalidAuthorization', async () => {
    const res = await postLogs(url, record, { headers: { Host: '11111111-2222-4333-8444-555555555555.ods.opinsights.azure.com' } });
    expectError(res, 403, 'InvalidAuthorization');
  });
  it('the host form naming the right workspace is accepted', async () => {
    const res = await postLogs(url, record, { headers: { Host: `${WORKSPACE_ID}.ods.opinsights.azure.com` } });
    expect(res.status).toBe(200);
  });
});

describe('MissingContentType / UnsupportedContentType', () => {
  it('MissingContentType without Content-Type', async () => {
    expectError(await postLogs(url, record, { contentType: null }), 400, 'MissingContentType');
  });
  it('UnsupportedContentType for text/plain', async () => {
    expectError(await postLogs(url, record, { contentType: 'text/plain' }), 400, 'UnsupportedContentType');
  });
});

describe('MissingLogType / InvalidLogType', () => {
  it('MissingLogType without Log-Type', async () => {
    expectError(await postLogs(url, record, { logType: null }), 400, 'MissingLogType');
  });
  it('InvalidLogType for a dot, a dash, a space, and 101 characters', async () => {
    for (const logType of ['my.table', 'my-table', 'my table', 'a'.repeat(101)]) {
      expectError(await postLogs(url, record, { logType }), 400, 'InvalidLogType');
    }
  });
  it('letters, digits, underscore, a leading underscore and exactly 100 characters are valid', async () => {
    for (const logType of ['darktrace_model_alerts', 'Table2', '_lead', 'b'.repeat(100)]) {
      expect((await postLogs(url, record, { logType })).status).toBe(200);
    }
    const names = (await getJson(url, '/_lab/tables')).map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['darktrace_model_alerts_CL', 'Table2_CL', '_lead_CL', `${'b'.repeat(100)}_CL`]));
  });
  it('policy invalidLogType=drop: 200 and nothing stored, flagged in the audit log', async () => {
    const { url: dropUrl } = await startMock({ dataCollector: { invalidLogType: 'drop' } });
    expect((await postLogs(dropUrl, record, { logType: 'my.table' })).status).toBe(200);
    expect(await getJson(dropUrl, '/_lab/tables')).toEqual([]);
    const [entry] = await getJson(dropUrl, '/_lab/requests');
    expect(entry.flags.join()).toMatch(/invalid Log-Type/);
  });
});

describe('header names are case-insensitive', () => {
  it('accepts lower-case log-type, time-generated-field and x-ms-azureresourceid (as Vector sends them)', async () => {
    const body = JSON.stringify([{ msg: 'x' }]);
    const date = new Date().toUTCString();
    const sig = signature(PRIMARY_KEY, Buffer.byteLength(body), 'application/json', date);
    const res = await rawRequest(
      url,
      'POST',
      '/api/logs?api-version=2016-04-01',
      {
        'content-type': 'application/json',
        'log-type': 'lower',
        'x-ms-date': date,
        authorization: `SharedKey ${WORKSPACE_ID}:${sig}`,
        'x-ms-azureresourceid': '/subscriptions/s/resourceGroups/r',
        'time-generated-field': '',
      },
      Buffer.from(body),
    );
    expect(res.status).toBe(200);
    const [row] = await getJson(url, '/_lab/tables/lower_CL/rows');
    expect(row._ResourceId).toBe('/subscriptions/s/resourceGroups/r');
  });
});

describe('InvalidAuthorization', () => {
  it('no Authorization header', async () => {
    const res = await postLogs(url, record, { authorization: null });
    expectError(res, 403, 'InvalidAuthorization');
    expect(res.json.Message).toBe('No Authorization header was specified');
  });
  it('a scheme other than SharedKey', async () => {
    const res = await postLogs(url, record, { authorization: `Bearer ${WORKSPACE_ID}:abc` });
    expect(res.json).toEqual({ Error: 'InvalidAuthorization', Message: 'An invalid scheme was specified in the Authorization header' });
  });
  it('a literal "Authorization:" inside the header value (pitfall A9.4)', async () => {
    const res = await postLogs(url, record, { authorization: `Authorization: SharedKey ${WORKSPACE_ID}:abc` });
    expect(res.json).toEqual({ Error: 'InvalidAuthorization', Message: 'An invalid scheme was specified in the Authorization header' });
  });
  it('an unknown, well-formed workspace', async () => {
    const res = await postLogs(url, record, { workspaceId: '11111111-2222-4333-8444-555555555555' });
    expect(res.status).toBe(403);
    expect(res.json.Error).toBe('InvalidAuthorization');
  });
  it('a signature made with another key (rotated key, pitfall A9.5)', async () => {
    const res = await postLogs(url, record, { key: Buffer.alloc(64, 7).toString('base64') });
    expect(res.json).toEqual({ Error: 'InvalidAuthorization', Message: 'An invalid signature was specified in the Authorization header' });
  });
  it('the secondary key is accepted', async () => {
    expect((await postLogs(url, record, { key: SECONDARY_KEY })).status).toBe(200);
  });
  it('x-ms-date outside the ±15 min skew, in the past and in the future', async () => {
    for (const offset of [-16, 16]) {
      const date = new Date(Date.now() + offset * 60_000).toUTCString();
      const res = await postLogs(url, record, { date });
      expectError(res, 403, 'InvalidAuthorization');
      expect(res.json.Message).toMatch(/15 minutes/);
    }
    expect((await postLogs(url, record, { date: new Date(Date.now() - 14 * 60_000).toUTCString() })).status).toBe(200);
  });
  it('the skew is configurable', async () => {
    const { url: strict } = await startMock({ dataCollector: { clockSkewMinutes: 1 } });
    const res = await postLogs(strict, record, { date: new Date(Date.now() - 2 * 60_000).toUTCString() });
    expect(res.status).toBe(403);
  });
  it('an x-ms-date that is not RFC 1123 GMT (pitfall A9.3), and none at all', async () => {
    const iso = new Date().toISOString();
    expectError(await postLogs(url, record, { date: iso }), 403, 'InvalidAuthorization');
    const utc = new Date().toUTCString().replace('GMT', 'UTC');
    expectError(await postLogs(url, record, { date: utc }), 403, 'InvalidAuthorization');
    const body = JSON.stringify(record);
    const res = await rawRequest(url, 'POST', '/api/logs?api-version=2016-04-01', {
      'Content-Type': 'application/json',
      'Log-Type': 'LabTest',
      Authorization: `SharedKey ${WORKSPACE_ID}:${signature(PRIMARY_KEY, body.length, 'application/json', '')}`,
    }, Buffer.from(body));
    expectError(res, 403, 'InvalidAuthorization');
  });
});

describe('spec A4 expected outcomes for the 22-byte body', () => {
  const body = '[{"msg":"héllo ✓"}]';
  it('application/json with the byte-length signature → 200', async () => {
    expect((await postLogs(url, body)).status).toBe(200);
  });
  it('application/json with the character-count signature → 403 invalid signature (pitfall A9.1)', async () => {
    const res = await postLogs(url, body, { signedLength: 19 });
    expect(res.json).toEqual({ Error: 'InvalidAuthorization', Message: 'An invalid signature was specified in the Authorization header' });
  });
  it('charset in Content-Type, client signed the literal application/json → 403 invalid signature (pitfall A9.2)', async () => {
    const res = await postLogs(url, body, { contentType: 'application/json; charset=utf-8', signedContentType: 'application/json' });
    expect(res.json).toEqual({ Error: 'InvalidAuthorization', Message: 'An invalid signature was specified in the Authorization header' });
  });
  it('charset in Content-Type, client signed what it sent → 200 (default policy contentTypeParameters=accept)', async () => {
    expect((await postLogs(url, body, { contentType: 'application/json; charset=utf-8' })).status).toBe(200);
  });
  it('policy contentTypeParameters=reject turns that last case into 403', async () => {
    const { url: strict } = await startMock({ dataCollector: { contentTypeParameters: 'reject' } });
    expect((await postLogs(strict, body, { contentType: 'application/json; charset=utf-8' })).status).toBe(403);
  });
  it('the exact request of the spec (fixed clock at the vector date) is accepted with the vector signature', async () => {
    const { url: fixed } = await startMock({ now: () => new Date('2016-04-04T08:05:00Z') });
    const res = await rawRequest(fixed, 'POST', '/api/logs?api-version=2016-04-01', {
      'Content-Type': 'application/json',
      'Log-Type': 'Vector',
      'x-ms-date': 'Mon, 04 Apr 2016 08:00:00 GMT',
      Authorization: `SharedKey ${WORKSPACE_ID}:+4GnF2wxIZ2q7x9AEd50+77lrDxe9ig3RXwSdy5E+Jo=`,
    }, Buffer.from(body, 'utf8'));
    expect(res.status).toBe(200);
  });
});

describe('InvalidDataFormat', () => {
  it('invalid JSON', async () => {
    expectError(await postLogs(url, '[{"msg": '), 400, 'InvalidDataFormat');
  });
  it('an array element that is not an object', async () => {
    expectError(await postLogs(url, [1, 2]), 400, 'InvalidDataFormat');
  });
  it.each(['tenant', 'TimeGenerated', 'RawData'])('reserved property %s rejects the whole request', async (name) => {
    const res = await postLogs(url, [{ ok: 1 }, { [name]: 'x' }]);
    expectError(res, 400, 'InvalidDataFormat');
    expect(res.json.Message).toContain(name);
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
  });
});

describe('InactiveCustomer', () => {
  it('a closed workspace answers 400 InactiveCustomer', async () => {
    const { url: closed } = await startMock({ workspaces: [{ id: WORKSPACE_ID, primaryKey: PRIMARY_KEY, inactive: true }] });
    expectError(await postLogs(closed, record), 400, 'InactiveCustomer');
  });
});

describe('order of checks (A10)', () => {
  it('header checks come before the signature, so each 400 is reachable unsigned', async () => {
    expectError(await postLogs(url, record, { apiVersion: null, contentType: null, logType: null, authorization: null }), 400, 'MissingApiVersion');
    expectError(await postLogs(url, record, { contentType: null, logType: null, authorization: null }), 400, 'MissingContentType');
    expectError(await postLogs(url, record, { logType: null, authorization: 'SharedKey x' }), 400, 'MissingLogType');
  });
  it('the signature is checked before the JSON is parsed', async () => {
    expectError(await postLogs(url, 'not json', { authorization: null }), 403, 'InvalidAuthorization');
  });
});

describe('secrets', () => {
  it('no key or signature appears in any error body or the audit log', async () => {
    await postLogs(url, record, { key: SECONDARY_KEY, signedLength: 1 });
    await postLogs(url, record, { authorization: 'SharedKey nope:zzz' });
    const audit = JSON.stringify(await getJson(url, '/_lab/requests'));
    for (const secret of [PRIMARY_KEY, SECONDARY_KEY]) expect(audit).not.toContain(secret);
    expect(audit).not.toContain('zzz');
  });
});

describe('unknown URLs', () => {
  it('404 for another path', async () => {
    const res = await rawRequest(url, 'POST', '/api/other?api-version=2016-04-01', {});
    expect(res.status).toBe(404);
  });
});
