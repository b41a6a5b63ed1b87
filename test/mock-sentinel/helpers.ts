// A Data Collector client written from the spec (azure-ingestion.md A4), independent of the mock's
// code, plus helpers to start a mock on 127.0.0.1:0 and read its admin API.
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { afterEach } from 'vitest';
import { createMockSentinel, type MockSentinel, type MockSentinelOptions } from '../../mock-sentinel/index.ts';
import { resolveDataCollectorPolicy } from '../../mock-sentinel/config.ts';
import { ingestRecords } from '../../mock-sentinel/ingestion/ingestRecords.ts';
import type { WorkspaceStore } from '../../mock-sentinel/persistence/workspaceStore.ts';

export const WORKSPACE_ID = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
export const PRIMARY_KEY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';
export const SECONDARY_KEY = 'PQotrdhE7hJx0w+bvR5Q5I4LnofH6be8xEvJ3s3p7L585P8F/HSU6PFMAD1jh93I5Xp+oFVPFVtmekWK06ZLZg==';

export function signature(key: string, length: number, contentType: string, date: string): string {
  const stringToSign = `POST\n${length}\n${contentType}\nx-ms-date:${date}\n/api/logs`;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

export interface PostOptions {
  logType?: string | null;
  key?: string;
  workspaceId?: string;
  /** Sent Content-Type; null omits the header. */
  contentType?: string | null;
  /** Content-Type used in the signature (default: the one sent). */
  signedContentType?: string;
  /** Length used in the signature (default: UTF-8 byte length). */
  signedLength?: number;
  date?: string;
  /** Full Authorization header value; null omits it. */
  authorization?: string | null;
  apiVersion?: string | null;
  path?: string;
  headers?: Record<string, string>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export function rawRequest(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts `body` (a string is sent as is; anything else as JSON) to /api/logs, signed per the spec. */
export function postLogs(url: string, body: unknown, options: PostOptions = {}): Promise<HttpResult> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const bytes = Buffer.from(text, 'utf8');
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  const date = options.date ?? new Date().toUTCString();
  const workspaceId = options.workspaceId ?? WORKSPACE_ID;
  const sig = signature(
    options.key ?? PRIMARY_KEY,
    options.signedLength ?? bytes.length,
    options.signedContentType ?? contentType ?? '',
    date,
  );
  const headers: Record<string, string> = { 'x-ms-date': date, ...options.headers };
  if (contentType !== null) headers['Content-Type'] = contentType;
  const logType = options.logType === undefined ? 'LabTest' : options.logType;
  if (logType !== null) headers['Log-Type'] = logType;
  const authorization = options.authorization === undefined ? `SharedKey ${workspaceId}:${sig}` : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  const apiVersion = options.apiVersion === undefined ? '2016-04-01' : options.apiVersion;
  const path = options.path ?? (apiVersion === null ? '/api/logs' : `/api/logs?api-version=${apiVersion}`);
  return rawRequest(url, 'POST', path, headers, bytes);
}

export async function getJson(url: string, path: string): Promise<any> {
  const res = await rawRequest(url, 'GET', path, {});
  if (res.status !== 200) throw new Error(`GET ${path} → ${res.status} ${res.text}`);
  return res.json;
}

export async function columnsOf(url: string, table: string): Promise<Record<string, string>> {
  const tables: { name: string; columns: { name: string; type: string }[] }[] = await getJson(url, '/_lab/tables');
  const found = tables.find((t) => t.name === table);
  if (!found) throw new Error(`no table ${table}`);
  return Object.fromEntries(found.columns.map((c) => [c.name, c.type]));
}

export async function rowsOf(url: string, table: string): Promise<Record<string, unknown>[]> {
  return getJson(url, `/_lab/tables/${table}/rows?limit=1000`);
}

const running: MockSentinel[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((m) => m.close()));
});

/** Starts a mock on 127.0.0.1:0; closed after the test. */
export async function startMock(options: MockSentinelOptions = {}): Promise<{ mock: MockSentinel; url: string }> {
  // Without the shipped Darktrace DCR unless asked: its tables exist from the start (issue 12), and
  // these tests tell "nothing stored" by the workspace having no tables at all.
  const mock = createMockSentinel({ host: '127.0.0.1', port: 0, ...options, logsIngestion: { defaultDcr: false, ...options.logsIngestion } });
  running.push(mock);
  const { url } = await mock.listen();
  return { mock, url };
}

/** Stores `records` in `table` through the Data Collector typing path (no HTTP), as the route would. */
export function storeRecords(store: WorkspaceStore, table: string, records: Record<string, unknown>[], receivedAt = new Date('2026-01-01T00:00:00Z')) {
  return ingestRecords(store, resolveDataCollectorPolicy(), { table, workspaceId: WORKSPACE_ID, records, timeGeneratedField: undefined, resourceId: undefined, receivedAt });
}
