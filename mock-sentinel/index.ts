// createMockSentinel(opts): a mock Azure Log Analytics workspace — the HTTP Data Collector API over a
// DuckDB workspace store, with the /_lab admin API, fault injection, an audit log and typed events.
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { Express } from 'express';
import { pino } from 'pino';
import { AnalyticsEngine } from './analytics/analytics-engine.ts';
import { buildApp } from './app.ts';
import { AuditLog } from './audit/auditLog.ts';
import { DEFAULT_WORKSPACE, WorkspaceRegistry, type WorkspaceKeyUpdate } from './authentication/workspaces.ts';
import { resolveDataCollectorPolicy, type MockSentinelOptions } from './config.ts';
import { createEvents, type MockSentinelEvents } from './events.ts';
import { FaultEngine } from './faults/faultEngine.ts';
import { LabContext } from './labContext.ts';
import { deployDcrTables, logsIngestionFor } from './logs-ingestion/index.ts';
import { WorkspaceStore } from './persistence/workspaceStore.ts';
import { prepareLabTls, type LabTls } from './tls/lab-tls.ts';
import { isLoopbackHost } from '../shared-lib/admin-guard.ts';

export interface MockSentinel {
  readonly events: MockSentinelEvents;
  readonly audit: AuditLog;
  readonly faults: FaultEngine;
  readonly app: Express;
  /** Analytic rules: their state, runDue(T) to step the analytics clock, the alerts and incidents raised. */
  readonly analytics: AnalyticsEngine;
  /** Shared state for routers (store, workspaces, clock, …). */
  readonly lab: LabContext;
  /** The workspace store; open between listen() and close(). */
  readonly store: WorkspaceStore;
  /** `http://HOST:PORT` once listening. */
  readonly url: string | undefined;
  /** `https://HOST:PORT` once listening with `tls`. */
  readonly httpsUrl: string | undefined;
  /** The CA (PEM file) HTTPS clients must trust, once listening with `tls`. */
  readonly caPath: string | undefined;
  /**
   * Rotates a workspace's keys (base64, as the portal shows them; `secondary: null` removes it), as
   * `PUT /_lab/workspaces/:id/keys` does. Throws on an unknown workspace or an invalid key (the message
   * names the field, never the key).
   */
  setWorkspaceKeys(id: string, keys: WorkspaceKeyUpdate): void;
  /**
   * Opens the workspace store without a listener, so `app` serves requests handed to it in-process
   * (the nock interceptors do); listen() calls it too. close() closes the store.
   */
  open(): Promise<void>;
  listen(): Promise<{ url: string; httpsUrl?: string; caPath?: string }>;
  close(): Promise<void>;
}

export function createMockSentinel(options: MockSentinelOptions = {}): MockSentinel {
  const now = options.now ?? (() => new Date());
  const workspaces = new WorkspaceRegistry(options.workspaces ?? [DEFAULT_WORKSPACE]);
  const faults = new FaultEngine(() => now().getTime());
  if (options.faults) faults.set(options.faults);
  const events = createEvents();
  const audit = new AuditLog(options.auditCapacity);
  const logger = pino({ name: 'mock-sentinel', level: options.logLevel ?? 'silent' }, options.logDestination);
  const lab = new LabContext(
    options,
    workspaces,
    resolveDataCollectorPolicy(options.dataCollector),
    faults,
    audit,
    events,
    logger,
    now,
    options.preferHeaderFaults ?? false,
  );
  lab.analytics = new AnalyticsEngine(
    {
      store: () => lab.store,
      workspaceIds: () => workspaces.ids(),
      now,
      logger,
      onRun: (outcome) => events.emit('analytics:run', outcome),
    },
    options.analytics,
  );
  const app = buildApp(lab);
  let server: Server | undefined;
  let url: string | undefined;
  let httpsServer: Server | undefined;
  let httpsUrl: string | undefined;
  let caPath: string | undefined;
  let tlsMaterial: LabTls | undefined;
  let store: WorkspaceStore | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;
  const retentionMs = options.retentionMs ?? 0;
  if (!(retentionMs >= 0)) throw new Error('retentionMs must be a non-negative number of ms');
  const startRetention = (opened: WorkspaceStore) => {
    if (retentionMs === 0) return;
    retentionTimer = setInterval(() => {
      const cutoff = now().getTime() - retentionMs;
      lab.analytics.forgetBefore(cutoff);
      opened.purgeIngestedBefore(new Date(cutoff)).then((rows) => events.emit('retention:purged', { cutoff: new Date(cutoff), rows }), (err: unknown) => logger.warn({ err }, 'retention: purging old rows failed; retried at the next interval'));
    }, Math.min(retentionMs / 10, 60_000));
    retentionTimer.unref();
  };
  // One store per open, however many callers ask at once.
  let opening: Promise<void> | undefined;
  const open = (): Promise<void> =>
    (opening ??= WorkspaceStore.open(options.dbPath, { now, memoryLimit: options.memoryLimit }).then(async (opened) => {
      store = opened;
      lab.attachStore(opened);
      await deployDcrTables(opened, logsIngestionFor(lab).dcrs);
      lab.analytics.start();
      startRetention(opened);
    }, (err: unknown) => {
      opening = undefined; // a failed open can be retried
      throw err;
    }));

  return {
    events,
    audit,
    faults,
    app,
    lab,
    analytics: lab.analytics,
    get store() {
      return lab.store;
    },
    get url() {
      return url;
    },
    get httpsUrl() {
      return httpsUrl;
    },
    get caPath() {
      return caPath;
    },
    setWorkspaceKeys(id, keys) {
      workspaces.replaceKeys(id, keys);
    },
    open,
    async listen() {
      if (url) return { url, ...(httpsUrl ? { httpsUrl, caPath } : {}) };
      await open();
      const host = options.host ?? '127.0.0.1';
      server = createServer(app);
      url = await listenAt(server, options.port ?? 0, host, 'http');
      if (options.tls) {
        // HTTPS next to HTTP, same app: the Azure SDKs send bearer tokens over HTTPS only (spec B1).
        const tls = (tlsMaterial = await prepareLabTls(options.tls === true ? {} : options.tls));
        httpsServer = createHttpsServer({ cert: tls.cert, key: tls.key }, app);
        httpsUrl = await listenAt(httpsServer, options.httpsPort ?? 0, host, 'https');
        caPath = tls.caPath;
      }
      logger.info({ url, httpsUrl, workspaces: workspaces.ids() }, 'mock-sentinel listening');
      if (!isLoopbackHost(host) && !options.admin?.token) {
        logger.warn({ host }, 'the /_lab admin API (empty tables, rotate keys) is reachable from the network without an admin token: set one (--admin-token)');
      }
      return { url, ...(httpsUrl ? { httpsUrl, caPath } : {}) };
    },
    async close() {
      clearInterval(retentionTimer);
      retentionTimer = undefined;
      await lab.analytics.stop();
      if (server) {
        await closeNow(server);
        server = undefined;
      }
      url = undefined;
      if (httpsServer) {
        await closeNow(httpsServer);
        httpsServer = undefined;
        httpsUrl = undefined;
      }
      if (tlsMaterial) {
        // A generated CA in a temporary folder goes with the instance (a kept --tls-dir stays).
        await tlsMaterial.dispose();
        tlsMaterial = undefined;
        caPath = undefined;
      }
      if (store) {
        await store.close();
        lab.attachStore(undefined);
        store = undefined;
      }
      opening = undefined;
    },
  };
}

export type { MockSentinelOptions, DataCollectorPolicy } from './config.ts';
export { DEFAULT_DATA_COLLECTOR_POLICY, DEFAULT_UNSUFFIXED_COLUMNS } from './config.ts';
export { DEFAULT_WORKSPACE, UnknownWorkspaceError, type WorkspaceConfig, type WorkspaceKeyUpdate } from './authentication/workspaces.ts';
export type { MockSentinelEventMap, MockSentinelEvents, RequestEndEvent, RequestStartEvent, RowsStoredEvent } from './events.ts';
export type { AuditEntry } from './audit/auditLog.ts';
export type { AuditNote, AuditNoteKind } from './audit/audit-notes.ts';
export { AUDIT_NOTE_KINDS } from './audit/audit-notes.ts';
export { loadFaultFile, parseFaultConfig, type FaultConfig, type FaultRuleInput } from './faults/faultRules.ts';
export { WorkspaceStore, type TableInfo } from './persistence/workspaceStore.ts';
export type { ColumnDef, LaType } from './persistence/columnTypes.ts';
export { ServiceError, type FaultErrorFactory, type InjectedErrorSpec } from './errors/serviceError.ts';
export { LabContext } from './labContext.ts';
export { loadRuleFiles, parseRuleText } from './analytics/load-rules.ts';
export { DARKTRACE_RULES_DIR } from './analytics/shipped-rules.ts';
export { RuleLoadError, type RuleProblem } from './analytics/rule-load-error.ts';
export type { AnalyticRule } from './analytics/rule-model.ts';
export type { AnalyticsOptions, AnalyticsEngine, RunOutcome, RuleStatus } from './analytics/analytics-engine.ts';
export type { RaisedAlert } from './analytics/alert-builder.ts';
export type { Incident } from './analytics/incident-grouping.ts';
export { entraFor } from './entra/lab-entra.ts';
export { logsIngestionFor, DEFAULT_DCR_IMMUTABLE_ID, type LogsIngestionOptions, type DcrSummary } from './logs-ingestion/index.ts';
export { DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, MONITOR_AUDIENCE, parseAppSpec, type AppSpec } from './entra/index.ts';
export type { LabTlsOptions } from './tls/lab-tls.ts';
export type { AdminAccess } from '../shared-lib/admin-guard.ts';

/** Listens on host:port; resolves to the URL it serves (an IPv6 address in brackets). */
async function listenAt(server: NetServer, port: number, host: string, scheme: 'http' | 'https'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${shownHost}:${address.port}`;
}

/** Stops listening and drops open (keep-alive) connections, so close does not wait on idle clients. */
async function closeNow(server: Server): Promise<void> {
  const closing = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closing;
}
