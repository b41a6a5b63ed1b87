// A connector's unit test with the lab's nock interceptors: no ports, no certificates, no Azure or
// Darktrace account. The client code under test talks to the real hostnames; nock routes them to
// the lab's in-process mock workspace and Darktrace simulator.
import { createHmac } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import nock from 'nock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { interceptDarktrace, interceptSentinel, type DarktraceInterception, type SentinelInterception } from '../../harness/nock/index.ts';

// The code under test (yours): pull breaches from Darktrace, post them to the Data Collector API.
async function fetchBreaches(baseUrl: string, publicToken: string, privateToken: string, since: number) {
  const pathQuery = `/modelbreaches?starttime=${since}&endtime=${Date.now()}`;
  const date = new Date().toISOString().slice(0, 19).replace(/[-:]/g, ''); // 20240115T093000
  const signature = createHmac('sha1', privateToken).update(`${pathQuery}\n${publicToken}\n${date}`).digest('hex');
  const res = await fetch(baseUrl + pathQuery, { headers: { 'DTAPI-Token': publicToken, 'DTAPI-Date': date, 'DTAPI-Signature': signature } });
  if (!res.ok) throw new Error(`Darktrace answered ${res.status}`);
  return (await res.json()) as { pbid: number; score: number; model: { name: string } }[];
}

async function postToSentinel(workspaceId: string, sharedKey: string, logType: string, records: object[]) {
  const body = Buffer.from(JSON.stringify(records), 'utf8');
  const date = new Date().toUTCString();
  const toSign = `POST\n${body.length}\napplication/json\nx-ms-date:${date}\n/api/logs`;
  const signature = createHmac('sha256', Buffer.from(sharedKey, 'base64')).update(toSign).digest('base64');
  const res = await fetch(`https://${workspaceId}.ods.opinsights.azure.com/api/logs?api-version=2016-04-01`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'log-type': logType, 'x-ms-date': date, authorization: `SharedKey ${workspaceId}:${signature}` },
    body,
  });
  if (res.status !== 200) throw new Error(`Sentinel answered ${res.status}: ${await res.text()}`);
}

let sentinel: SentinelInterception;
let darktrace: DarktraceInterception;

beforeEach(async () => {
  nock.disableNetConnect(); // anything not intercepted fails instead of reaching the network
  sentinel = await interceptSentinel(); // the lab's documented test workspace, key and Entra app
  darktrace = interceptDarktrace({ host: 'darktrace.example.com', simulator: { seed: 1, backfill: '1h' } });
});

afterEach(async () => {
  await sentinel.close();
  await darktrace.close();
  nock.enableNetConnect();
});

it('forwards every Darktrace breach to the Data Collector API', async () => {
  const { url, publicToken, privateToken } = darktrace;
  const breaches = await fetchBreaches(url, publicToken, privateToken, Date.now() - 3600_000);
  expect(breaches.length).toBeGreaterThan(0);

  await postToSentinel(sentinel.workspaceId, sentinel.sharedKey, 'DarktraceBreach', breaches.map((b) => ({ pbid: b.pbid, model: b.model.name, score: b.score })));

  await sentinel.assertLanded({ table: 'DarktraceBreach_CL', count: breaches.length, rows: [{ pbid_d: breaches[0]!.pbid }] });
});

it('uploads with Microsoft’s SDK and rides out a 429', async () => {
  sentinel.faults.next(1, { status: 429, retryAfter: 0, route: 'logsIngestion' });
  const credential = new ClientSecretCredential(sentinel.tenantId, sentinel.clientId, sentinel.clientSecret);
  const client = new LogsIngestionClient('https://my-dce-a1b2.westeurope-1.ingest.monitor.azure.com', credential);

  await client.upload(sentinel.dcrImmutableId, 'Custom-DarktraceModelAlerts', [{ alertTime: new Date().toISOString(), pid: 42, score: 87, modelName: 'Device::Network Scan' }]);

  expect(sentinel.requests().map((r) => `${r.route} ${r.status}`)).toEqual(['token 200', 'logsIngestion 429', 'logsIngestion 204']);
  await sentinel.assertLanded({ table: 'DarktraceModelAlerts_CL', rows: [{ pid: 42, score: 87 }] });
});
