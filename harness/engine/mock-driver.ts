// The workspace side of a run: the in-process mock (default) or an external workspace at a URL.
// Faults go through the mock's own fault engine (PUT /_lab/faults semantics); landed rows are read
// in insertion order, and the mock's rows:stored events time each row's landing.
import { adminAuthorization } from './admin-token.ts';
import { createMockSentinel, DEFAULT_WORKSPACE, type AnalyticsOptions, type MockSentinel, type FaultRuleInput } from '../../mock-sentinel/index.ts';
import type { TableInfo } from '../reports/model.ts';
import type { MockPolicy } from '../scenario/types.ts';
import { mockPolicyOptions } from './mock-policy.ts';
import type { RequestRecord } from './observations.ts';
import { QueryFailure } from './query-failure.ts';
import type { AuditEntry } from '../../mock-sentinel/index.ts';

export interface MockDriver {
  readonly url: string;
  /** HTTPS URL and the CA clients must trust (in-process mock with TLS, for the Logs Ingestion sink). */
  readonly httpsUrl?: string;
  readonly caPath?: string;
  readonly workspaceId: string;
  readonly sharedKey: string;
  readonly secondaryKey: string | undefined;
  readonly inProcess: boolean;
  /** Rows of `table` from insertion index `offset` on, only the named columns, with the wall time each landed. */
  newRows(table: string, offset: number, columns: string[]): Promise<Array<{ row: Record<string, unknown>; landedAt: number }>>;
  allRows(table: string): Promise<Record<string, unknown>[]>;
  tables(): Promise<TableInfo[]>;
  requests(): Promise<RequestRecord[]>;
  /** Replaces the fault rules in force. */
  setFaults(rules: FaultRuleInput[]): Promise<void>;
  /** Replaces the workspace's primary key (base64) through the admin API: only the secondary key still signs. */
  rotatePrimaryKey(primary: string): Promise<void>;
  /** Resolves on the next rows:stored (in-process) or after `fallbackMs`. */
  nextStore(fallbackMs: number): Promise<void>;
  /** Rows the mock stored per second of the time between its first and last store. */
  ingestRate(): number;
  kql(query: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  close(): Promise<void>;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function startInProcessMock(seed: number, policy: MockPolicy = {}, tls = false, analytics?: AnalyticsOptions): Promise<MockDriver> {
  const workspace = { ...DEFAULT_WORKSPACE };
  const mock: MockSentinel = createMockSentinel({
    workspaces: [workspace],
    faults: { seed, rules: [] },
    noQueryAuth: true,
    ...mockPolicyOptions(policy),
    // HTTPS (self-signed CA) next to HTTP: Microsoft's SDK sends bearer tokens over HTTPS only.
    ...(tls ? { tls: true } : {}),
    auditCapacity: 100_000,
    ...(analytics ? { analytics } : {}),
  });
  const { url, httpsUrl, caPath } = await mock.listen();
  // Landing times: per table, the cumulative row count after each store and when it happened.
  const stores = new Map<string, Array<{ end: number; at: number }>>();
  const totals = new Map<string, number>();
  const requests: RequestRecord[] = [];
  let firstStore = 0;
  let lastStore = 0;
  let stored = 0;
  let waiters: Array<() => void> = [];
  mock.events.on('rows:stored', (e) => {
    const at = performance.now();
    const end = (totals.get(e.table) ?? 0) + e.count;
    totals.set(e.table, end);
    let list = stores.get(e.table);
    if (!list) stores.set(e.table, (list = []));
    list.push({ end, at });
    if (!firstStore) firstStore = at;
    lastStore = at;
    stored += e.count;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  mock.events.on('request:end', (e) => {
    requests.push({
      status: e.status,
      errorCode: e.errorCode ?? null,
      injectedFault: e.injectedFault ?? null,
      route: e.route,
      time: e.time.getTime(),
      durationMs: e.durationMs,
      table: e.table ?? null,
      stream: e.stream ?? null,
      client: e.client ?? null,
      retryAfterSeconds: e.retryAfterSeconds ?? null,
      notes: e.notes,
    });
  });
  const landedAt = (table: string, index: number): number => {
    const list = stores.get(table) ?? [];
    // Binary search for the first store whose cumulative end passes the row index.
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.end > index) hi = mid;
      else lo = mid + 1;
    }
    return list[lo]?.at ?? performance.now();
  };
  return {
    url,
    ...(httpsUrl ? { httpsUrl, caPath } : {}),
    workspaceId: workspace.id,
    sharedKey: workspace.primaryKey,
    secondaryKey: workspace.secondaryKey,
    inProcess: true,
    async newRows(table, offset, columns) {
      if (!mock.store.hasTable(table)) return [];
      const have = new Set((mock.store.columns(table) ?? []).map((c) => c.name));
      const cols = columns.filter((c) => have.has(c));
      if (!cols.length) return [];
      const r = await mock.store.runSql(`SELECT ${cols.map(quote).join(', ')} FROM ${quote(table)} ORDER BY rowid OFFSET ${Math.trunc(offset)}`);
      return r.rows.map((values, i) => ({
        row: Object.fromEntries(r.columns.map((c, j) => [c.name, values[j]])),
        landedAt: landedAt(table, offset + i),
      }));
    },
    async allRows(table) {
      if (!mock.store.hasTable(table)) return [];
      const count = await mock.store.rowCount(table);
      return mock.store.rows(table, count, 0);
    },
    tables: () => mock.store.listTables(),
    requests: async () => requests.slice(),
    async setFaults(rules) {
      mock.faults.set({ seed, rules });
    },
    rotatePrimaryKey: (primary) => rotateKeyOverHttp(url, workspace.id, primary),
    nextStore(fallbackMs) {
      return new Promise((resolve) => {
        const t = setTimeout(done, fallbackMs);
        function done() {
          clearTimeout(t);
          resolve();
        }
        waiters.push(done);
      });
    },
    ingestRate() {
      const span = (lastStore - firstStore) / 1000;
      return span > 0 ? stored / span : 0;
    },
    kql: (query) => kqlOverHttp(url, workspace.id, query),
    close: () => mock.close(),
  };
}

export async function kqlOverHttp(url: string, workspaceId: string, query: string): Promise<{ columns: string[]; rows: unknown[][] }> {
  const res = await fetch(`${url}/v1/workspaces/${workspaceId}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (!res.ok) throw QueryFailure.fromResponse(res.status, text);
  const body = JSON.parse(text) as { tables: Array<{ columns: Array<{ name: string }>; rows: unknown[][] }> };
  const t = body.tables[0]!;
  return { columns: t.columns.map((c) => c.name), rows: t.rows };
}

/** PUT /_lab/workspaces/:id/keys (docs/reference/mock-sentinel.md, Admin API): 204, or an error naming the answer. */
export async function rotateKeyOverHttp(url: string, workspaceId: string, primary: string): Promise<void> {
  const res = await fetch(`${url}/_lab/workspaces/${encodeURIComponent(workspaceId)}/keys`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...adminAuthorization('sentinel') },
    body: JSON.stringify({ primary }),
  });
  // The body never carries a key (the mock does not echo keys), so it is safe to quote.
  if (res.status !== 204) throw new Error(`PUT /_lab/workspaces/${workspaceId}/keys: ${res.status} ${(await res.text()).slice(0, 200)}`);
  await res.body?.cancel();
}

/** A workspace the user runs: only its admin API is used (no mock faults, no landing events; key rotation works). */
export async function externalMock(opts: { url: string; workspaceId?: string; sharedKey?: string }): Promise<MockDriver> {
  const url = opts.url.replace(/\/+$/, '');
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(url + path, { headers: adminAuthorization('sentinel') });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const health = await get<{ status: string }>('/_lab/health');
  if (health.status !== 'ok') throw new Error(`${url}/_lab/health is not ok`);
  const workspaceId = opts.workspaceId ?? DEFAULT_WORKSPACE.id;
  return {
    url,
    workspaceId,
    sharedKey: opts.sharedKey ?? DEFAULT_WORKSPACE.primaryKey,
    secondaryKey: opts.sharedKey ? undefined : DEFAULT_WORKSPACE.secondaryKey,
    inProcess: false,
    async newRows(table, offset) {
      const tables = await get<TableInfo[]>('/_lab/tables');
      if (!tables.some((t) => t.name === table)) return [];
      const rows = await get<Record<string, unknown>[]>(`/_lab/tables/${encodeURIComponent(table)}/rows?limit=10000&offset=${offset}`);
      const at = performance.now();
      return rows.map((row) => ({ row, landedAt: at }));
    },
    async allRows(table) {
      const out: Record<string, unknown>[] = [];
      for (;;) {
        const page = await get<Record<string, unknown>[]>(`/_lab/tables/${encodeURIComponent(table)}/rows?limit=10000&offset=${out.length}`);
        out.push(...page);
        if (page.length < 10000) return out;
      }
    },
    tables: () => get<TableInfo[]>('/_lab/tables'),
    async requests() {
      const entries = await get<Array<Partial<AuditEntry> & Pick<AuditEntry, 'status' | 'errorCode' | 'injectedFault' | 'route'>>>('/_lab/requests?limit=100000');
      return entries.map(requestFromAudit);
    },
    async setFaults(rules) {
      if (rules.length) throw new Error('faults need the in-process mock');
    },
    rotatePrimaryKey: (primary) => rotateKeyOverHttp(url, workspaceId, primary),
    nextStore: (ms) => new Promise((r) => setTimeout(r, ms)),
    ingestRate: () => 0,
    kql: (query) => kqlOverHttp(url, workspaceId, query),
    close: async () => {},
  };
}

/** An entry of GET /_lab/requests as the run observes it (fields an older mock lacks stay unset). */
export function requestFromAudit(e: Partial<AuditEntry> & Pick<AuditEntry, 'status' | 'errorCode' | 'injectedFault' | 'route'>): RequestRecord {
  const time = e.time === undefined ? NaN : Date.parse(e.time);
  return {
    status: e.status,
    errorCode: e.errorCode,
    injectedFault: e.injectedFault,
    route: e.route,
    ...(Number.isFinite(time) ? { time } : {}),
    ...(e.durationMs !== undefined ? { durationMs: e.durationMs } : {}),
    ...(e.table !== undefined ? { table: e.table } : {}),
    ...(e.stream !== undefined ? { stream: e.stream } : {}),
    ...(e.client !== undefined ? { client: e.client } : {}),
    ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
    ...(e.notes !== undefined ? { notes: e.notes } : {}),
  };
}
