// An `inject:` entry posted straight to the mock workspace, as a third-party client would send it:
// the Data Collector API (SharedKey over the body and headers exactly as sent) or the Logs Ingestion
// API (an Entra token of the lab app from the mock's token endpoint). Signed correctly unless the
// entry asks for no or a wrong signature, so a scenario can show what each client mistake costs.
import { createHash, createHmac } from 'node:crypto';
import type { MockInject } from '../../scenario/types.ts';
import { LAB_ENTRA } from '../connector-config.ts';
import type { MockDriver } from '../mock-driver.ts';
import { buildValue, type ValueContext } from './values.ts';

/** A base64 key that is not the workspace's: what `auth: invalid` signs with. */
const WRONG_KEY = createHash('sha512').update('dtlab inject: not the workspace key').digest('base64');
/** A bearer token the mock never issued (`auth: invalid` on Logs Ingestion). */
const FOREIGN_TOKEN = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL21vbml0b3IuYXp1cmUuY29tIn0.bm90LWEtc2lnbmF0dXJl';

/** The bodies of one entry: one JSON array of `count` × the records, or `count` single objects. */
export function injectBodies(inj: MockInject, base: Omit<ValueContext, 'index'>): string[] {
  if (inj.single) return Array.from({ length: inj.count }, (_, index) => JSON.stringify(buildValue(inj.records[0], { ...base, index }, 'record')));
  const n = inj.records.length;
  const records = Array.from({ length: inj.count * n }, (_, index) => buildValue(inj.records[index % n], { ...base, index }, `records[${index % n}]`));
  return [JSON.stringify(records)];
}

/** Case-insensitive lookup of a header the entry sets. */
function header(headers: Record<string, string>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name);
  return k === undefined ? undefined : headers[k];
}

/** `SharedKey <id>:<signature>` over what is sent (azure-ingestion.md A4). */
export function sharedKeyAuthorization(workspaceId: string, base64Key: string, contentLength: number, contentType: string, date: string): string {
  const toSign = `POST\n${contentLength}\n${contentType}\nx-ms-date:${date}\n/api/logs`;
  return `SharedKey ${workspaceId}:${createHmac('sha256', Buffer.from(base64Key, 'base64')).update(toSign, 'utf8').digest('base64')}`;
}

async function labToken(mockUrl: string): Promise<string> {
  const res = await fetch(`${mockUrl}/${LAB_ENTRA.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: LAB_ENTRA.clientId, client_secret: LAB_ENTRA.clientSecret, scope: 'https://monitor.azure.com/.default' }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!res.ok || !body.access_token) throw new Error(`the mock's token endpoint answered ${res.status} ${body.error ?? ''}`.trim());
  return body.access_token;
}

/** Posts the entry's bodies; resolves to what the mock answered, for the report. */
export async function postToMock(mock: MockDriver, inj: MockInject, base: Omit<ValueContext, 'index'>): Promise<string> {
  const bodies = injectBodies(inj, base);
  const statuses: string[] = [];
  const token = inj.api.kind === 'logsIngestion' ? (inj.auth === 'valid' ? await labToken(mock.url) : inj.auth === 'invalid' ? FOREIGN_TOKEN : undefined) : undefined;
  for (const body of bodies) {
    const headers: Record<string, string> = { 'content-type': header(inj.headers, 'content-type') ?? 'application/json' };
    let url: string;
    if (inj.api.kind === 'dataCollector') {
      url = `${mock.url}/api/logs?api-version=2016-04-01`;
      headers['log-type'] = inj.api.logType;
      headers['x-ms-date'] = header(inj.headers, 'x-ms-date') ?? new Date().toUTCString();
      if (inj.auth !== 'none') {
        const key = inj.auth === 'valid' ? mock.sharedKey : WRONG_KEY;
        headers.authorization = sharedKeyAuthorization(mock.workspaceId, key, Buffer.byteLength(body, 'utf8'), headers['content-type']!, headers['x-ms-date']);
      }
    } else {
      url = `${mock.url}/dataCollectionRules/${encodeURIComponent(inj.api.dcr ?? LAB_ENTRA.dcrImmutableId)}/streams/${encodeURIComponent(inj.api.stream)}?api-version=2023-01-01`;
      if (token) headers.authorization = `Bearer ${token}`;
    }
    // The entry's own headers win (an Authorization it sets included); names compare case-insensitively.
    for (const [k, v] of Object.entries(inj.headers)) {
      for (const h of Object.keys(headers)) if (h.toLowerCase() === k.toLowerCase()) delete headers[h];
      headers[k] = v;
    }
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    let code = '';
    try {
      const err = JSON.parse(text) as { Error?: string; error?: { code?: string } };
      code = err.Error ?? err.error?.code ?? '';
    } catch {
      // 200/204 bodies are empty.
    }
    statuses.push(code ? `${res.status} ${code}` : String(res.status));
  }
  const target = inj.api.kind === 'dataCollector' ? `Log-Type ${inj.api.logType}` : `stream ${inj.api.stream}`;
  const records = inj.single ? `${inj.count} single-object post${inj.count > 1 ? 's' : ''}` : `${inj.count * inj.records.length} records in one array`;
  return `${records} to ${target} (auth ${inj.auth}): mock answered ${summarise(statuses)}`;
}

/** `200 ×3, 400 InvalidDataFormat` */
function summarise(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => (n > 1 ? `${s} ×${n}` : s)).join(', ');
}
