// A mock workspace holding the fixture rows, with Microsoft's query SDK (@azure/monitor-query-logs
// LogsQueryClient, unmodified) pointed at it over HTTPS with a token of the mock's Entra, and a raw
// request helper for what the SDK does not show (headers, bodies it never sends).
import { ClientSecretCredential } from '@azure/identity';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from '../../mock-sentinel/entra/index.ts';
import { LOG_ANALYTICS_AUDIENCE } from '../../mock-sentinel/entra/defaults.ts';
import type { MockSentinelOptions } from '../../mock-sentinel/index.ts';
import { startLabMock, tokenFor, type LabMock } from '../logs-ingestion/helpers.ts';
import { loadFixtureIntoStore } from './fixture.ts';

export async function startQueryLab(options: MockSentinelOptions = {}): Promise<{ lab: LabMock; client: LogsQueryClient }> {
  const lab = await startLabMock(options);
  await loadFixtureIntoStore(lab.mock.store);
  const credential = new ClientSecretCredential(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, {
    authorityHost: lab.httpsUrl,
    disableInstanceDiscovery: true,
    agent: lab.agent,
  });
  // Only the endpoint, the authority host and the CA differ from production.
  const client = new LogsQueryClient(credential, { endpoint: `${lab.httpsUrl}/v1`, agent: lab.agent });
  return { lab, client };
}

/** A raw request to the mock's query surface with a valid token: status, Preference-Applied and JSON body. */
export async function rawQuery(lab: LabMock, path: string, body: string | undefined, headers: Record<string, string> = {}, method = 'POST') {
  const token = await tokenFor(lab, DEFAULT_CLIENT_ID, { audience: LOG_ANALYTICS_AUDIENCE });
  const res = await fetch(lab.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, applied: res.headers.get('preference-applied'), json: (await res.json()) as any };
}

/** A timespan that holds every fixture row (the SDK requires one). */
export const ALL = { duration: 'P3650D' };
