// A mock workspace over HTTP and HTTPS, with the Azure SDK clients pointed at it.
import https from 'node:https';
import { afterEach } from 'vitest';
import { ClientSecretCredential } from '@azure/identity';
import { LogsIngestionClient } from '@azure/monitor-ingestion';
import { Agent, fetch } from 'undici';
import { createMockSentinel, type MockSentinel, type MockSentinelOptions } from '../../mock-sentinel/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from '../../mock-sentinel/entra/index.ts';

export const WORKSPACE_ID = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
export const DCR_ID = 'dcr-d7a1b000000040008000000000000001';
export const MODEL_ALERTS = 'Custom-DarktraceModelAlerts';

export interface LabMock {
  mock: MockSentinel;
  url: string;
  httpsUrl: string;
  caPath: string;
  /** https.Agent trusting the lab CA, for the SDK's `agent` option. */
  agent: https.Agent;
  /** undici dispatcher trusting the lab CA, for fetch. */
  dispatcher: Agent;
}

const open: LabMock[] = [];
afterEach(async () => {
  for (const m of open.splice(0)) {
    m.agent.destroy();
    await m.dispatcher.close();
    await m.mock.close();
  }
});

export async function startLabMock(options: MockSentinelOptions = {}): Promise<LabMock> {
  const mock = createMockSentinel({ tls: true, ...options });
  const { url, httpsUrl, caPath } = await mock.listen();
  const { readFile } = await import('node:fs/promises');
  const ca = await readFile(caPath!, 'utf8');
  const lab: LabMock = {
    mock,
    url,
    httpsUrl: httpsUrl!,
    caPath: caPath!,
    agent: new https.Agent({ ca, keepAlive: true }),
    dispatcher: new Agent({ connect: { ca } }),
  };
  open.push(lab);
  return lab;
}

/** The official SDK client, unmodified: only the endpoint, the authority host and the CA differ from production. */
export function sdkClient(lab: LabMock, secret = DEFAULT_CLIENT_SECRET, clientId = DEFAULT_CLIENT_ID): LogsIngestionClient {
  const credential = new ClientSecretCredential(DEFAULT_TENANT_ID, clientId, secret, {
    authorityHost: lab.httpsUrl,
    disableInstanceDiscovery: true,
    agent: lab.agent,
  });
  return new LogsIngestionClient(lab.httpsUrl, credential, { agent: lab.agent });
}

export async function tokenFor(lab: LabMock, clientId = DEFAULT_CLIENT_ID, opts: { audience?: string; lifetimeSeconds?: number } = {}): Promise<string> {
  const { entraFor } = await import('../../mock-sentinel/entra/lab-entra.ts');
  return entraFor(lab.mock.lab).issueToken(clientId, { origin: lab.httpsUrl, ...opts });
}

export interface UploadOptions {
  token?: string | null;
  path?: string;
  query?: string;
  contentType?: string | null;
  contentEncoding?: string;
  body?: Buffer | string;
}

/** A raw upload without the SDK (HTTPS, lab CA trusted). */
export async function rawUpload(lab: LabMock, opts: UploadOptions = {}) {
  const token = opts.token === undefined ? await tokenFor(lab) : opts.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.contentEncoding) headers['content-encoding'] = opts.contentEncoding;
  const path = opts.path ?? `/dataCollectionRules/${DCR_ID}/streams/${MODEL_ALERTS}`;
  const res = await fetch(`${lab.httpsUrl}${path}?${opts.query ?? 'api-version=2023-01-01'}`, {
    method: 'POST',
    headers,
    body: opts.body ?? '[]',
    dispatcher: lab.dispatcher,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as { error: { code: string; message: string } }) : undefined };
}

export async function getJson(lab: LabMock, path: string): Promise<any> {
  const res = await fetch(`${lab.url}${path}`);
  return res.json();
}

/** A model-alert record in the shape of the Custom-DarktraceModelAlerts stream (sentinel-table.md §8.1). */
export function modelAlert(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alertTime: '2024-01-15T09:30:00.000Z',
    alertUrl: 'https://dt.example/#modelbreach/101',
    antigena: false,
    category: 'Suspicious',
    cSensor: false,
    compliance: false,
    darktraceProduct: 'Policy Breach',
    description: 'Device scanned the network',
    destIp: '10.0.0.9',
    destPort: '443',
    deviceId: 12,
    deviceHostname: 'ws-042',
    latitude: 51.5,
    longitude: -0.12,
    mitreTechniques: [{ techniqueId: 'T1046', techniqueName: 'Network Service Discovery' }],
    modelName: 'Device::Network Scan',
    modelTags: ['AP: Recon'],
    pid: 101,
    score: 87,
    sid: 3,
    sourceIp: '10.0.0.42',
    threatId: 101,
    uuid: '6b3c2a40-0000-4000-8000-000000000101',
    ...overrides,
  };
}

export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID };
