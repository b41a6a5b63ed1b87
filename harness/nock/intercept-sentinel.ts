// interceptSentinel(): the real Azure hostnames a Sentinel connector talks to, routed by nock to an
// in-process mock workspace (the same express app `dtlab sentinel` serves), so a connector's unit
// tests run unchanged: no ports, no certificates, no endpoint overrides.
import {
  createMockSentinel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_DCR_IMMUTABLE_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_WORKSPACE,
  type AuditEntry,
  parseFaultConfig,
  type FaultConfig,
  type FaultRuleInput,
  type MockSentinel,
  type MockSentinelOptions,
  type TableInfo,
  type WorkspaceConfig,
} from '../../mock-sentinel/index.ts';
import { InMemoryHttp } from './in-memory-http.ts';
import { assertRowsLanded, type LandedExpectation } from './landed-assertion.ts';
import { routeOrigin, type NockRoute } from './nock-route.ts';

/** Any Data Collection Endpoint or DCR ingestion endpoint: `https://<name>.<region>-1.ingest.monitor.azure.com`. */
export const LOGS_INGESTION_ORIGIN = /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.ingest\.monitor\.azure\.com(:443)?$/i;
export const ENTRA_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const LOG_ANALYTICS_QUERY_ORIGIN = 'https://api.loganalytics.io';

export interface InterceptSentinelOptions {
  /** The workspace the Data Collector API serves (default the lab's documented test workspace). */
  workspaceId?: string;
  /** Its primary key, base64 (default the documented test key; with another workspaceId, required). */
  sharedKey?: string;
  secondaryKey?: string;
  /** More workspaces, each at `https://<id>.ods.opinsights.azure.com`. */
  workspaces?: WorkspaceConfig[];
  /** The Entra app the token endpoint accepts (default the documented test app, allowed on every DCR). */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Entra's origin (default `https://login.microsoftonline.com`, what @azure/identity uses unless told otherwise). */
  authorityHost?: string;
  /** Logs Ingestion endpoints routed to the mock (default every `https://*.ingest.monitor.azure.com`). */
  ingestionEndpoint?: string | RegExp;
  /** Everything else the mock takes: DCR files, Data Collector policies, Entra options, fault rules, a clock. */
  mock?: Omit<MockSentinelOptions, 'host' | 'port' | 'tls' | 'httpsPort' | 'workspaces'>;
}

export interface InjectedFault {
  /**
   * 429, 500, 503; `drop` (the connection is reset before the request is handled: nothing stored);
   * `store-then-drop` (the rows are stored, then the connection is reset instead of the answer: the
   * client sees a network error for data that landed, the classic source of duplicates).
   */
  status: 429 | 500 | 503 | 'drop' | 'store-then-drop';
  /** `Retry-After` seconds (429, 503). */
  retryAfter?: number;
  /** `dataCollector`, `logsIngestion`, `token`, `query`, or `*` (default) for every route. */
  route?: string;
}

export interface SentinelFaults {
  /** The next `count` requests (on `route`) are answered with the fault, in the route's own error shape. */
  next(count: number, fault: InjectedFault): void;
  /** Replaces every rule (the `--faults FILE` / `PUT /_lab/faults` format). */
  set(config: FaultConfig | FaultRuleInput[]): void;
  clear(): void;
  /** The rules in force, with how often each matched and fired. */
  list(): ReturnType<MockSentinel['faults']['list']>;
}

export interface SentinelInterception {
  /** The in-process mock workspace (its store, audit log, events, fault engine, express app). */
  readonly mock: MockSentinel;
  /** The Data Collector workspace and its primary key (test-only values: what the client under test is configured with). */
  readonly workspaceId: string;
  readonly sharedKey: string;
  /** The Entra app the token endpoint accepts, and the shipped Darktrace DCR it may ingest into. */
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly dcrImmutableId: string;
  /** Rows of a table as `GET /_lab/tables/:name/rows` returns them (every workspace; `TenantId` tells them apart); [] before the table exists. */
  rows(table: string, page?: { limit?: number; offset?: number }): Promise<Record<string, unknown>[]>;
  /** Tables with row counts and typed columns, as `GET /_lab/tables`. */
  tables(): Promise<TableInfo[]>;
  /** The audit log, oldest first: every request with its route, status, error code and message. */
  requests(): AuditEntry[];
  readonly faults: SentinelFaults;
  /** Fails, with what is missing and why (the refused requests for the table), unless the rows landed. */
  assertLanded(expectation: LandedExpectation): Promise<void>;
  /** Empties every table and the audit log; the interceptors stay. */
  reset(): Promise<void>;
  /** Removes the nock interceptors (the mock stays open for inspection). */
  restore(): void;
  /** restore() and close the mock. */
  close(): Promise<void>;
}

const MAX_ROWS_PER_CALL = 10_000;

export async function interceptSentinel(options: InterceptSentinelOptions = {}): Promise<SentinelInterception> {
  const primary = primaryWorkspace(options);
  const workspaces = [primary, ...(options.workspaces ?? [])];
  const tenantId = options.tenantId ?? options.mock?.logsIngestion?.tenantId ?? DEFAULT_TENANT_ID;
  const apps = options.mock?.apps?.length ? options.mock.apps : [{ tenantId, clientId: options.clientId ?? DEFAULT_CLIENT_ID, clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET }];
  const app = apps[0]!; // the one the handle names
  const mock = createMockSentinel({
    ...options.mock,
    workspaces,
    apps,
    logsIngestion: { ...options.mock?.logsIngestion, tenantId },
  });
  await mock.open();

  const http = new InMemoryHttp(mock.app);
  const routes: NockRoute[] = [
    ...workspaces.map((w) => routeOrigin(`https://${w.id}.ods.opinsights.azure.com`, http, true)),
    routeOrigin(options.ingestionEndpoint ?? LOGS_INGESTION_ORIGIN, http, true),
    routeOrigin(options.authorityHost ?? ENTRA_AUTHORITY_HOST, http, true),
    routeOrigin(LOG_ANALYTICS_QUERY_ORIGIN, http, true),
  ];
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    for (const route of routes) route.restore();
  };

  const rows = async (table: string, page: { limit?: number; offset?: number } = {}) =>
    mock.store.hasTable(table) ? mock.store.rows(table, page.limit ?? MAX_ROWS_PER_CALL, page.offset ?? 0) : [];
  const requests = () => mock.audit.list(Number.MAX_SAFE_INTEGER);

  return {
    mock,
    workspaceId: primary.id,
    sharedKey: primary.primaryKey,
    tenantId: app.tenantId ?? tenantId,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    dcrImmutableId: DEFAULT_DCR_IMMUTABLE_ID,
    rows,
    tables: () => mock.store.listTables(),
    requests,
    faults: {
      next(count, fault) {
        const rule: FaultRuleInput = { route: fault.route ?? '*', fault: fault.status, count, ...(fault.retryAfter === undefined ? {} : { retryAfter: fault.retryAfter }) };
        mock.faults.add(parseFaultConfig([rule]).rules[0]!);
      },
      set(config) {
        mock.faults.set(parseFaultConfig(config));
      },
      clear: () => mock.faults.clear(),
      list: () => mock.faults.list(),
    },
    async assertLanded(expectation) {
      assertRowsLanded(expectation, await rows(expectation.table), requests(), (await mock.store.listTables()).map((t) => t.name));
    },
    async reset() {
      await mock.store.clear();
      mock.audit.clear();
    },
    restore,
    async close() {
      restore();
      await mock.close();
    },
  };
}

function primaryWorkspace(options: InterceptSentinelOptions): WorkspaceConfig {
  if (options.workspaceId === undefined || options.workspaceId.toLowerCase() === DEFAULT_WORKSPACE.id) {
    return { ...DEFAULT_WORKSPACE, ...(options.sharedKey ? { primaryKey: options.sharedKey, secondaryKey: options.secondaryKey } : {}) };
  }
  if (!options.sharedKey) throw new Error('interceptSentinel: sharedKey is required with a workspaceId other than the lab default');
  return { id: options.workspaceId, primaryKey: options.sharedKey, ...(options.secondaryKey ? { secondaryKey: options.secondaryKey } : {}) };
}
