// startMockSentinel(options): the mock Log Analytics workspace in this process, listening, with the
// credentials a client needs, an admin client and an HTTPS agent that trusts the lab's CA.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import {
  createMockSentinel,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_DCR_IMMUTABLE_ID,
  DEFAULT_TENANT_ID,
  DEFAULT_WORKSPACE,
  type MockSentinel,
  type MockSentinelOptions,
} from '../../mock-sentinel/index.ts';
import { SentinelAdmin } from './sentinel-admin.ts';

export interface StartMockSentinelOptions extends MockSentinelOptions {
  /**
   * HTTPS next to HTTP for the Logs Ingestion API and the mock Entra (Microsoft's SDKs send bearer
   * tokens over HTTPS only). Default true here: a CA and certificate are generated at start.
   */
  tls?: MockSentinelOptions['tls'];
}

/** What a Logs Ingestion client (`LogsIngestionClient` + `ClientSecretCredential`) needs. */
export interface LogsIngestionEndpoint {
  /** The Data Collection Endpoint: the mock's HTTPS URL. */
  endpoint: string;
  /** `authorityHost` for `ClientSecretCredential` (with `disableInstanceDiscovery: true`). */
  authorityHost: string;
  dcrImmutableId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface MockSentinelHandle {
  /** `http://HOST:PORT`: the Data Collector API (`/api/logs`), the query API, `/_lab` and the web page. */
  readonly url: string;
  /** `https://HOST:PORT` (with TLS): Logs Ingestion and the mock Entra. */
  readonly httpsUrl: string | undefined;
  /** The lab CA's PEM file (with TLS); or use `agent`. */
  readonly caPath: string | undefined;
  /** An HTTPS agent trusting the lab CA next to the public roots: pass it as `agent` to Azure SDK clients. */
  readonly agent: https.Agent | undefined;
  /** The first workspace and its SharedKey keys (base64). */
  readonly workspaceId: string;
  readonly sharedKey: string;
  readonly secondaryKey: string | undefined;
  /** The Logs Ingestion endpoint, DCR and Entra app (with TLS). */
  readonly logsIngestion: LogsIngestionEndpoint | undefined;
  /** The admin API: tables, rows, the request audit log, faults. */
  readonly admin: SentinelAdmin;
  /** The mock itself: its typed `events` (`rows:stored`, `request:end`), store and fault engine. */
  readonly mock: MockSentinel;
  /**
   * Resolves to the rows of `table` once it holds at least `count` (waits on the mock's `rows:stored`
   * events, never polls); rejects after `timeoutMs` (default 30 s) saying how many landed.
   */
  waitForRows(table: string, count: number, opts?: { timeoutMs?: number }): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startMockSentinel(options: StartMockSentinelOptions = {}): Promise<MockSentinelHandle> {
  const mock = createMockSentinel({ ...options, tls: options.tls ?? true });
  const { url, httpsUrl, caPath } = await mock.listen();
  const workspace = options.workspaces?.[0] ?? DEFAULT_WORKSPACE;
  const app = options.apps?.[0];
  const agent = caPath ? new https.Agent({ ca: [...rootCertificates, readFileSync(caPath, 'utf8')], keepAlive: true }) : undefined;
  const rowCount = async (table: string) => (mock.store.hasTable(table) ? mock.store.rowCount(table) : 0);
  const rowsOf = async (table: string, count: number) => (mock.store.hasTable(table) ? mock.store.rows(table, Math.max(count, await rowCount(table)), 0) : []);

  return {
    url,
    httpsUrl,
    caPath,
    agent,
    workspaceId: workspace.id,
    sharedKey: workspace.primaryKey,
    secondaryKey: workspace.secondaryKey,
    logsIngestion: httpsUrl
      ? {
          endpoint: httpsUrl,
          authorityHost: httpsUrl,
          dcrImmutableId: DEFAULT_DCR_IMMUTABLE_ID,
          tenantId: app?.tenantId ?? DEFAULT_TENANT_ID,
          clientId: app?.clientId ?? DEFAULT_CLIENT_ID,
          clientSecret: app?.clientSecret ?? DEFAULT_CLIENT_SECRET,
        }
      : undefined,
    admin: new SentinelAdmin(url, options.admin?.token),
    mock,
    waitForRows(table, count, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      return new Promise((resolve, reject) => {
        let settled = false;
        const finish = (err?: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          mock.events.off('rows:stored', onStored);
          if (err) reject(err);
          else rowsOf(table, count).then(resolve, reject);
        };
        const check = () =>
          rowCount(table).then(
            (n) => n >= count && finish(),
            (err: Error) => finish(err),
          );
        const onStored = (e: { table: string }) => {
          if (e.table === table) void check();
        };
        const timer = setTimeout(
          () =>
            void rowCount(table).then(
              (n) => finish(new Error(`waitForRows: ${table} holds ${n} row(s) after ${timeoutMs} ms, expected at least ${count}`)),
              (err: Error) => finish(err),
            ),
          timeoutMs,
        );
        // Listen first, then count: rows stored in between are seen either way.
        mock.events.on('rows:stored', onStored);
        void check();
      });
    },
    async close() {
      agent?.destroy();
      await mock.close();
    },
  };
}
