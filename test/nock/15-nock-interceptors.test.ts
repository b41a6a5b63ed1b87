// darktrace-sentinel-lab/nock: the real Azure and Darktrace hostnames, intercepted by nock 14 and
// served in-process by the mock workspace and the simulator, through every transport a client uses:
// fetch, node:https, and Microsoft's SDKs. No ports, no certificates.
import { createHmac } from 'node:crypto';
import https from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { isAggregateLogsUploadError, LogsIngestionClient } from '@azure/monitor-ingestion';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { interceptDarktrace, interceptSentinel, type SentinelInterception } from '../../harness/nock/index.ts';
import { nockProblem } from '../../harness/nock/load-nock.ts';

const WORKSPACE_ID = '5f1a6c3e-2b7d-4e59-9c40-8a1b2c3d4e5f';
const SHARED_KEY = Buffer.from('a workspace key for the nock tests, 64 bytes long, base64 encoded!').toString('base64');
const DCE = 'https://dtlab-dce-a1b2.westeurope-1.ingest.monitor.azure.com';

/** A Data Collector API request as a connector builds it: SharedKey over the UTF-8 byte length. */
function signedLogsRequest(records: unknown[], key = SHARED_KEY, logType = 'nocktest') {
  const body = Buffer.from(JSON.stringify(records), 'utf8');
  const date = new Date().toUTCString();
  const toSign = `POST\n${body.length}\napplication/json\nx-ms-date:${date}\n/api/logs`;
  const signature = createHmac('sha256', Buffer.from(key, 'base64')).update(toSign, 'utf8').digest('base64');
  return {
    url: `https://${WORKSPACE_ID}.ods.opinsights.azure.com/api/logs?api-version=2016-04-01`,
    headers: { 'content-type': 'application/json', 'log-type': logType, 'x-ms-date': date, authorization: `SharedKey ${WORKSPACE_ID}:${signature}` },
    body,
  };
}

function httpsPost(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function modelAlert(pid: number): Record<string, unknown> {
  return {
    alertTime: '2024-01-15T09:30:00.000Z', alertUrl: `https://dt.example/#modelbreach/${pid}`, antigena: false, category: 'Suspicious',
    darktraceProduct: 'Policy Breach', description: 'Device scanned the network', deviceHostname: 'ws-042', modelName: 'Device::Network Scan',
    pid, score: 87, threatId: pid, uuid: '6b3c2a40-0000-4000-8000-000000000101',
  };
}

let open: { close(): Promise<void> }[] = [];
async function sentinel(options: Parameters<typeof interceptSentinel>[0] = {}): Promise<SentinelInterception> {
  const handle = await interceptSentinel({ workspaceId: WORKSPACE_ID, sharedKey: SHARED_KEY, ...options });
  open.push(handle);
  return handle;
}
afterEach(async () => {
  await Promise.all(open.map((h) => h.close()));
  open = [];
  nock.enableNetConnect();
});

describe('interceptSentinel: the Data Collector API at https://<workspace>.ods.opinsights.azure.com', () => {
  it('fetch: a signed post lands typed rows; rows() and requests() show them', async () => {
    const lab = await sentinel();
    const req = signedLogsRequest([{ pbid: 7, name: 'Device::Network Scan', seen: true }]);
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
    expect(res.status).toBe(200);
    expect(await lab.rows('nocktest_CL')).toEqual([expect.objectContaining({ pbid_d: 7, name_s: 'Device::Network Scan', seen_b: true, TenantId: WORKSPACE_ID })]);
    expect(lab.requests().map((r) => [r.route, r.status, r.table, r.records])).toEqual([['dataCollector', 200, 'nocktest_CL', 1]]);
  });

  it('concurrent requests each reach the mock with their own body (a persisted interceptor serves them all)', async () => {
    const lab = await sentinel();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const req = signedLogsRequest(Array.from({ length: i + 1 }, () => ({ pbid: i })));
        return (await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body })).status;
      }),
    );
    expect(statuses).toEqual(Array(20).fill(200));
    const counts = new Map<unknown, number>();
    for (const row of await lab.rows('nocktest_CL')) counts.set(row.pbid_d, (counts.get(row.pbid_d) ?? 0) + 1);
    expect([...counts].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(Array.from({ length: 20 }, (_, i) => [i, i + 1]));
  });

  it('node:https: a wrong key is refused with the real 403 InvalidAuthorization and stores nothing', async () => {
    const lab = await sentinel();
    const wrongKey = Buffer.from('not the workspace key').toString('base64');
    const req = signedLogsRequest([{ pbid: 8 }], wrongKey);
    const res = await httpsPost(req.url, req.headers, req.body);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ Error: 'InvalidAuthorization' });
    expect(await lab.rows('nocktest_CL')).toEqual([]);
    const good = signedLogsRequest([{ pbid: 9 }]);
    expect((await httpsPost(good.url, good.headers, good.body)).status).toBe(200);
    expect((await lab.rows('nocktest_CL')).map((r) => r.pbid_d)).toEqual([9]);
  });
});

describe('interceptSentinel: Entra and the Logs Ingestion API with Microsoft’s SDK, unmodified', () => {
  const sdk = (lab: SentinelInterception, secret = 'dtlab-test-secret') =>
    new LogsIngestionClient(DCE, new ClientSecretCredential(lab.tenantId, lab.clientId, secret));

  it('ClientSecretCredential gets its token from login.microsoftonline.com and the upload lands', async () => {
    const lab = await sentinel();
    await sdk(lab).upload(lab.dcrImmutableId, 'Custom-DarktraceModelAlerts', [modelAlert(101), modelAlert(102)]);
    await lab.assertLanded({ table: 'DarktraceModelAlerts_CL', count: 2, rows: [{ pid: 101 }, { pid: 102, score: 87 }] });
    expect(lab.requests().map((r) => `${r.route} ${r.status}`)).toEqual(['token 200', 'logsIngestion 204']);
  });

  it('an injected 429 is seen by the SDK, which retries after Retry-After and lands the rows once', async () => {
    const lab = await sentinel();
    lab.faults.next(2, { status: 429, retryAfter: 0, route: 'logsIngestion' });
    await sdk(lab).upload(lab.dcrImmutableId, 'Custom-DarktraceModelAlerts', [modelAlert(103)]);
    const ingestion = lab.requests().filter((r) => r.route === 'logsIngestion');
    expect(ingestion.map((r) => [r.status, r.injectedFault])).toEqual([
      [429, 'rule-1:429'],
      [429, 'rule-1:429'],
      [204, null],
    ]);
    expect(lab.faults.list().rules[0]).toMatchObject({ fault: 429, count: 2, fired: 2 });
    await lab.assertLanded({ table: 'DarktraceModelAlerts_CL', count: 1 });
  });

  it('a wrong client secret fails with Entra’s AADSTS7000215 inside the SDK’s error', async () => {
    const lab = await sentinel();
    const err: unknown = await sdk(lab, 'wrong-secret').upload(lab.dcrImmutableId, 'Custom-DarktraceModelAlerts', [modelAlert(104)]).then(() => undefined, (e: unknown) => e);
    expect(isAggregateLogsUploadError(err)).toBe(true);
    expect((err as { errors: { cause: Error }[] }).errors[0]!.cause.message).toContain('AADSTS7000215');
    expect(await lab.rows('DarktraceModelAlerts_CL')).toEqual([]);
  });
});

describe('interceptSentinel: Entra and the query API with fetch', () => {
  it('a client-credentials token from login.microsoftonline.com is one api.loganalytics.io verifies as the mock Entra’s', async () => {
    const lab = await sentinel();
    const token = async (scope: string) => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: lab.clientId, client_secret: lab.clientSecret, scope });
      const res = await fetch(`https://login.microsoftonline.com/${lab.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const queryWith = async (bearer: string) => {
      const res = await fetch(`https://api.loganalytics.io/v1/workspaces/${WORKSPACE_ID}/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'nocktest_CL | count' }),
      });
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    // A token of this tenant for another resource is refused for its audience, a forged one as invalid.
    expect(await queryWith(await token('https://monitor.azure.com/.default'))).toEqual([403, 'InvalidAuthenticationTokenAudience']);
    expect(await queryWith('not-a-token')).toEqual([403, 'InvalidAuthenticationToken']);
    expect(lab.requests().map((r) => `${r.route} ${r.status}`)).toEqual(['token 200', 'query 403', 'query 403']);
  });
});

describe('interceptSentinel: your own Entra app', () => {
  it('tenantId, clientId and clientSecret replace the test app; the handle names them', async () => {
    const tenantId = '0b7e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4';
    const clientId = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
    const lab = await sentinel({ tenantId, clientId, clientSecret: 'my-secret' });
    expect([lab.tenantId, lab.clientId, lab.clientSecret]).toEqual([tenantId, clientId, 'my-secret']);
    const token = (id: string, secret: string) =>
      fetch(`https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: 'https://monitor.azure.com/.default' }),
      });
    expect((await token(clientId, 'my-secret')).status).toBe(200);
    const refused = await token('d7a1b000-0000-4000-8000-000000000002', 'dtlab-test-secret');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error_codes: number[] }).error_codes).toEqual([700016]);
  });
});

describe('interceptSentinel: the handle', () => {
  it('faults.next: a 503 for the next request in the route’s own error shape, then normal service', async () => {
    const lab = await sentinel();
    lab.faults.next(1, { status: 503, retryAfter: 7 });
    const first = signedLogsRequest([{ pbid: 1 }]);
    const res = await fetch(first.url, { method: 'POST', headers: first.headers, body: first.body });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({ Error: 'ServiceUnavailable' });
    const second = signedLogsRequest([{ pbid: 2 }]);
    expect((await fetch(second.url, { method: 'POST', headers: second.headers, body: second.body })).status).toBe(200);
    expect(() => lab.faults.next(0, { status: 429 })).toThrow(/count/);
  });

  it('faults.next with drop: the client sees a reset connection, nothing is stored', async () => {
    const lab = await sentinel();
    lab.faults.next(1, { status: 'drop', route: 'dataCollector' });
    const req = signedLogsRequest([{ pbid: 3 }]);
    await expect(fetch(req.url, { method: 'POST', headers: req.headers, body: req.body })).rejects.toThrow();
    expect(await lab.rows('nocktest_CL')).toEqual([]);
  });

  it('faults.next with store-then-drop: the rows land but the client sees a reset connection', async () => {
    const lab = await sentinel();
    lab.faults.next(1, { status: 'store-then-drop', route: 'dataCollector' });
    const req = signedLogsRequest([{ pbid: 5 }]);
    await expect(fetch(req.url, { method: 'POST', headers: req.headers, body: req.body })).rejects.toThrow();
    await lab.assertLanded({ table: 'nocktest_CL', rows: [{ pbid_d: 5 }] });
  });

  it('assertLanded fails with the missing rows, the closest landed row and the refused requests', async () => {
    const lab = await sentinel();
    const good = signedLogsRequest([{ pbid: 1, name: 'a' }]);
    await fetch(good.url, { method: 'POST', headers: good.headers, body: good.body });
    const bad = signedLogsRequest([{ pbid: 2, name: 'b' }], Buffer.from('wrong').toString('base64'));
    await fetch(bad.url, { method: 'POST', headers: bad.headers, body: bad.body });

    await expect(lab.assertLanded({ table: 'nocktest_CL', count: 1, rows: [{ pbid_d: 1 }] })).resolves.toBeUndefined();
    const failure = await lab.assertLanded({ table: 'nocktest_CL', count: 2, rows: [{ pbid_d: 1 }, { pbid_d: 2, name_s: 'b' }] }).then(() => undefined, (e: Error) => e);
    expect(failure?.name).toBe('AssertionError');
    expect(failure?.message).toContain('nocktest_CL has 1 row, expected 2.');
    expect(failure?.message).toContain('1 of 2 expected rows did not land in nocktest_CL:\n  {"pbid_d":2,"name_s":"b"}');
    expect(failure?.message).toContain('closest landed row differs in pbid_d: 1 (expected 2), name_s: "a" (expected "b")');
    expect(failure?.message).toMatch(/Requests for nocktest_CL: 1 accepted, 1 refused:\n  \S+ POST \/api\/logs → 403 InvalidAuthorization — An invalid signature/);
    const missingTable = await lab.assertLanded({ table: 'Other_CL', count: 1 }).then(() => undefined, (e: Error) => e);
    // The shipped DCR's Darktrace*_CL tables are listed too: they exist from the start (issue 12).
    expect(missingTable?.message).toMatch(/There is no table Other_CL; tables: (\w+, )*nocktest_CL\./);
  });

  it('tables(), faults.set/list/clear, reset() and close()', async () => {
    const lab = await interceptSentinel({ workspaceId: WORKSPACE_ID, sharedKey: SHARED_KEY });
    const post = async (pbid: number) => {
      const req = signedLogsRequest([{ pbid }]);
      return (await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body })).status;
    };
    expect(await post(1)).toBe(200);
    const tables = await lab.tables();
    expect(tables.filter((t) => t.rowCount > 0)).toEqual([expect.objectContaining({ name: 'nocktest_CL', rowCount: 1, columns: expect.arrayContaining([{ name: 'pbid_d', type: 'double' }]) })]);
    lab.faults.set([{ route: 'dataCollector', fault: 500 }]);
    expect(await post(2)).toBe(500);
    expect(lab.faults.list().rules).toEqual([expect.objectContaining({ fault: 500, fired: 1 })]);
    expect(() => lab.faults.set([{ fault: 418 as 500 }])).toThrow(/invalid fault rules/);
    lab.faults.clear();
    expect(await post(3)).toBe(200);
    await lab.reset();
    expect(await lab.rows('nocktest_CL')).toEqual([]);
    expect(lab.requests()).toEqual([]);
    await lab.close();
    nock.disableNetConnect();
    await expect(post(4)).rejects.toThrow();
  });

  it('restore() hands the hostnames back to nock: with net connect disabled, the request is refused', async () => {
    const lab = await sentinel();
    lab.restore();
    nock.disableNetConnect();
    const req = signedLogsRequest([{ pbid: 4 }]);
    await expect(fetch(req.url, { method: 'POST', headers: req.headers, body: req.body })).rejects.toThrow();
    expect(lab.requests()).toEqual([]);
  });

  it('the interceptors are optional: they never make the test’s own nock.isDone() fail', async () => {
    await sentinel();
    expect(nock.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
    // …and they are registered on the test's own nock instance, not a copy of it.
    expect(nock.activeMocks().filter((m) => m.includes(`${WORKSPACE_ID}.ods.opinsights.azure.com`))).toHaveLength(7); // one per method
  });

  it('a missing or older nock is refused with the command that installs nock 14', () => {
    expect(nockProblem('14.0.17')).toBeUndefined();
    expect(nockProblem(undefined)).toMatch(/needs nock 14 in your project \(a peer dependency\): npm install --save-dev nock@14$/);
    expect(nockProblem('13.5.6')).toMatch(/found nock 13\.5\.6: npm install --save-dev nock@14$/);
  });
});

describe('interceptDarktrace: https://<appliance>/… served by the simulator, DTAPI signatures checked', () => {
  const HOST = 'darktrace.example.com';
  /** A DTAPI-signed GET, as a Darktrace client signs it: HMAC-SHA1 over path+query, public token and date. */
  function dtapiGet(pathQuery: string, publicToken: string, privateToken: string): Promise<Response> {
    const date = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
    const signature = createHmac('sha1', privateToken).update(`${pathQuery}\n${publicToken}\n${date}`).digest('hex');
    return fetch(`https://${HOST}${pathQuery}`, { headers: { 'DTAPI-Token': publicToken, 'DTAPI-Date': date, 'DTAPI-Signature': signature } });
  }

  it('a signed /modelbreaches returns the simulator’s breaches; a wrong private token gets API SIGNATURE ERROR', async () => {
    const dt = interceptDarktrace({ host: HOST, simulator: { seed: 7, backfill: '2h' } });
    open.push(dt);
    const truth = dt.simulator.engine.truth.filter((t) => t.type === 'modelBreach');
    expect(truth.length).toBeGreaterThan(0);
    const start = Date.now() - 3 * 3600_000;
    const res = await dtapiGet(`/modelbreaches?starttime=${start}&endtime=${Date.now() + 60_000}`, dt.publicToken, dt.privateToken);
    expect(res.status).toBe(200);
    const breaches = (await res.json()) as { pbid: number }[];
    expect(breaches.map((b) => String(b.pbid)).sort()).toEqual(truth.map((t) => t.id).sort());

    const refused = await dtapiGet('/aianalyst/incidentevents', dt.publicToken, 'f'.repeat(40));
    expect(refused.status).toBe(400);
    expect(Object.values((await refused.json()) as object)).toContain('API SIGNATURE ERROR');
    expect(dt.requests().map((r) => [r.url.split('?')[0], r.status])).toEqual([
      ['/modelbreaches', 200],
      ['/aianalyst/incidentevents', 400],
    ]);
  });

  it('node:https reaches /agemail/… with the caller’s own token pair', async () => {
    const dt = interceptDarktrace({ host: HOST, publicToken: 'pub-token-for-tests', privateToken: 'priv-token-for-tests', simulator: { backfill: '1h' } });
    open.push(dt);
    const pathQuery = '/agemail/api/v1.0/resources/tags';
    const date = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
    const signature = createHmac('sha1', 'priv-token-for-tests').update(`${pathQuery}\npub-token-for-tests\n${date}`).digest('hex');
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get(`https://${HOST}${pathQuery}`, { headers: { 'DTAPI-Token': 'pub-token-for-tests', 'DTAPI-Date': date, 'DTAPI-Signature': signature } }, (r) => {
          let body = '';
          r.setEncoding('utf8').on('data', (c: string) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(expect.arrayContaining([expect.objectContaining({ name: expect.any(String) })]));
    expect(dt.requests()).toEqual([{ method: 'GET', url: pathQuery, status: 200 }]);
    await dt.close();
    const plain = interceptDarktrace({ host: 'dt.internal:8080', protocol: 'http', simulator: { backfill: 0 } });
    open.push(plain);
    expect(plain.url).toBe('http://dt.internal:8080');
    expect((await fetch(`${plain.url}/modelbreaches`)).status).toBe(400); // unsigned: refused by the simulator, not the network
    expect(plain.requests()).toEqual([expect.objectContaining({ url: '/modelbreaches', status: 400 })]);
    nock.disableNetConnect();
    await expect(fetch(`https://${HOST}${pathQuery}`)).rejects.toThrow();
  });
});
