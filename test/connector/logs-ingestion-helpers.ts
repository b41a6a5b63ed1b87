// A connector with the Logs Ingestion sink against the real mock over HTTPS (lab CA trusted through
// `sentinel.caFile`), fed through its push receiver; logs captured so tests can read them.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createConnector, type Connector } from '../../connector/index.ts';
import { resolveConfig } from '../../connector/config/load.ts';
import { createMockSentinel, type MockSentinel, type MockSentinelOptions } from '../../mock-sentinel/index.ts';
import { DT_TOKENS, PUSH_TOKEN, tempState } from './helpers/connector-env.ts';

export const TENANT = 'd7a1b000-0000-4000-8000-000000000001';
export const CLIENT = 'd7a1b000-0000-4000-8000-000000000002';
export const SECRET = 'dtlab-test-secret';
export const DCR = 'dcr-d7a1b000000040008000000000000001';

export interface HttpsMock {
  mock: MockSentinel;
  url: string;
  httpsUrl: string;
  caPath: string;
}

export async function startHttpsMock(options: MockSentinelOptions = {}): Promise<HttpsMock> {
  const mock = createMockSentinel({ tls: true, ...options });
  const { url, httpsUrl, caPath } = await mock.listen();
  return { mock, url, httpsUrl: httpsUrl!, caPath: caPath! };
}

/** The raw `sentinel` section for the mock (test-only defaults of docs/decisions/0001). */
export function logsIngestionSection(m: HttpsMock, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: 'logsIngestion',
    endpoint: m.httpsUrl,
    dcrImmutableId: DCR,
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    authorityHost: m.httpsUrl,
    caFile: m.caPath,
    retry: { maxAttempts: 5, baseDelay: 1, maxDelay: 5, pause: 20 },
    ...over,
  };
}

export interface LiConnector {
  c: Connector;
  /** The receiver's base URL (`/push`, `/health`, `/metrics`). */
  url: string;
  state: string;
  /** Every pino line the connector logged so far, parsed. */
  logs: () => Array<Record<string, any>>;
  logText: () => string;
  push: (body: unknown) => Promise<Response>;
  close: () => Promise<void>;
}

/** Starts a connector (pollers off unless `darktraceUrl` is given) with the Logs Ingestion sink. */
export async function startLiConnector(m: HttpsMock, o: { sentinel?: Record<string, unknown>; darktraceUrl?: string; extra?: Record<string, any>; state?: string; now?: () => number } = {}): Promise<LiConnector> {
  const state = o.state ?? tempState();
  const raw: Record<string, any> = {
    darktrace: { url: o.darktraceUrl ?? 'http://127.0.0.1:9', ...DT_TOKENS, linkBase: 'https://sample', timeout: '5s' },
    sentinel: logsIngestionSection(m, o.sentinel),
    receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
    state,
    poll: o.darktraceUrl ? { interval: '1h', overlap: '10m', initialLookback: '3h', backoffMax: 50 } : { enabled: false },
    log: { level: 'debug' },
  };
  for (const [k, v] of Object.entries(o.extra ?? {})) raw[k] = typeof v === 'object' && !Array.isArray(v) ? { ...raw[k], ...v } : v;
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
  const logger = pino({ level: 'debug', redact: ['*.clientSecret', '*.sharedKey', '*.privateToken', '*.publicToken', '*.token'] }, sink);
  const c = createConnector(resolveConfig(raw), { logger, now: o.now });
  await c.start();
  const { url } = await c.listen();
  return {
    c,
    url,
    state,
    logs: () => lines.map((l) => JSON.parse(l) as Record<string, any>),
    logText: () => lines.join('\n'),
    push: (body) => fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify(body) }),
    close: () => c.close(),
  };
}

export async function getJson(m: HttpsMock, path: string): Promise<any> {
  return (await fetch(`${m.url}${path}`)).json();
}

/** All rows of a table (paged). */
export async function allRows(m: HttpsMock, table: string): Promise<Array<Record<string, any>>> {
  const rows: Array<Record<string, any>> = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(`${m.url}/_lab/tables/${table}/rows?limit=1000&offset=${offset}`);
    if (res.status === 404) return rows;
    const page = (await res.json()) as Array<Record<string, any>>;
    rows.push(...page);
    if (page.length < 1000) return rows;
  }
}

/** Declared column types of each stream's output table, from the mock's `GET /_lab/dcrs`. */
export async function declaredTables(m: HttpsMock): Promise<Record<string, Record<string, string>>> {
  const dcrs = (await getJson(m, '/_lab/dcrs')) as Array<{ immutableId: string; streams: Array<{ name: string; columns: Array<{ name: string; type: string }>; flows: Array<{ table: string }> }> }>;
  const out: Record<string, Record<string, string>> = {};
  for (const s of dcrs.find((d) => d.immutableId === DCR)!.streams) {
    out[s.flows[0]!.table] = Object.fromEntries(s.columns.map((c) => [c.name, c.type === 'real' ? 'double' : c.type]));
  }
  return out;
}
