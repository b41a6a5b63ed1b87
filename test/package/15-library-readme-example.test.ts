// The lab's mock workspace on a port, from your own test: post with plain fetch (SharedKey) and with
// Microsoft's SDK (Logs Ingestion over HTTPS, the mock's Entra), inject a 429, check what landed.
import { createHmac } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockSentinel, type MockSentinelHandle } from '../../harness/library/index.ts';

let sentinel: MockSentinelHandle;
beforeAll(async () => {
  sentinel = await startMockSentinel(); // free ports, the documented test workspace, key and Entra app
});
afterAll(() => sentinel.close());

// The code under test (yours): a signed Data Collector API post.
async function postRecords(endpoint: string, workspaceId: string, sharedKey: string, logType: string, records: object[]) {
  const body = Buffer.from(JSON.stringify(records), 'utf8');
  const date = new Date().toUTCString();
  const toSign = `POST\n${body.length}\napplication/json\nx-ms-date:${date}\n/api/logs`;
  const signature = createHmac('sha256', Buffer.from(sharedKey, 'base64')).update(toSign).digest('base64');
  return fetch(`${endpoint}/api/logs?api-version=2016-04-01`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'log-type': logType, 'x-ms-date': date, authorization: `SharedKey ${workspaceId}:${signature}` },
    body,
  });
}

it('lands signed Data Collector posts, and answers an injected 429 first', async () => {
  await sentinel.admin.faults.failNext(1, 429, { route: 'dataCollector', retryAfter: 2 });
  const records = [{ pbid: 1, score: 0.9 }, { pbid: 2, score: 0.4 }];

  const first = await postRecords(sentinel.url, sentinel.workspaceId, sentinel.sharedKey, 'DarktraceBreach', records);
  expect(first.status).toBe(429);
  expect(first.headers.get('retry-after')).toBe('2');
  const second = await postRecords(sentinel.url, sentinel.workspaceId, sentinel.sharedKey, 'DarktraceBreach', records);
  expect(second.status).toBe(200);

  const rows = await sentinel.waitForRows('DarktraceBreach_CL', 2);
  expect(rows.map((r) => r.pbid_d)).toEqual([1, 2]);
  const statuses = (await sentinel.admin.requests()).filter((r) => r.route === 'dataCollector').map((r) => r.status);
  expect(statuses).toEqual([429, 200]);
});

it('lands rows uploaded with @azure/monitor-ingestion', async () => {
  const li = sentinel.logsIngestion!;
  // The lab's HTTPS certificate is trusted through the handle's agent; nothing else changes.
  const credential = new ClientSecretCredential(li.tenantId, li.clientId, li.clientSecret, { authorityHost: li.authorityHost, disableInstanceDiscovery: true, agent: sentinel.agent });
  const client = new LogsIngestionClient(li.endpoint, credential, { agent: sentinel.agent });

  await client.upload(li.dcrImmutableId, 'Custom-DarktraceModelAlerts', [{ alertTime: new Date().toISOString(), pid: 42, score: 87, modelName: 'Device::Network Scan' }]);

  const rows = await sentinel.waitForRows('DarktraceModelAlerts_CL', 1);
  expect(rows[0]).toMatchObject({ pid: 42, score: 87 });
});
