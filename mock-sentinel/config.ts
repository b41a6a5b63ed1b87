// Options of a mock instance and the documented policies for what the real service leaves
// undocumented (azure-ingestion.md A10; docs/reference/mock-sentinel.md lists each one).
import type { AuthenticationPolicy } from './authentication/dataCollectorAuthenticator.ts';
import type { WorkspaceConfig } from './authentication/workspaces.ts';
import type { FaultConfig } from './faults/faultRules.ts';
import { DEFAULT_MAX_JSON_DEPTH } from './ingestion/json-depth.ts';
import type { TypingPolicy } from './ingestion/recordTyping.ts';
import type { ColumnDef } from './persistence/columnTypes.ts';
import type { AppSpec } from './entra/apps.ts';
import type { AnalyticsOptions } from './analytics/analytics-engine.ts';
import type { LogsIngestionOptions } from './logs-ingestion/options.ts';
import type { LabTlsOptions } from './tls/lab-tls.ts';
import type { UnreadBodyLimits } from './middlewares/discard-unread-body.ts';
import type { AdminAccess } from '../shared-lib/admin-guard.ts';

export interface DataCollectorPolicy extends TypingPolicy, AuthenticationPolicy {
  apiVersions: readonly string[];
  /** Body limit in bytes as received (30 MB); over it the answer is 404. */
  maxBodyBytes: number;
  /** Log-Type with characters outside [A-Za-z0-9_]: 400 InvalidLogType, or 200 and silently dropped. */
  invalidLogType: 'reject' | 'drop';
  /** Properties that reject the request with 400 InvalidDataFormat (matched case-insensitively). */
  reservedProperties: readonly string[];
  /** `time-generated-field` values are used within [received − past, received + future]. */
  timeGeneratedPastMs: number;
  timeGeneratedFutureMs: number;
  /**
   * Most fraction-of-second digits a `time-generated-field` value may have to be used (A7, A9.7:
   * nanosecond timestamps silently fall back to ingestion time). 7 = .NET's 100-ns ticks.
   */
  timeGeneratedMaxFractionDigits: number;
  /** Whether the named time field also lands as its own column (typed as usual). */
  keepTimeGeneratedField: boolean;
  /** Value of the `SourceSystem` standard column. */
  sourceSystem: string;
  /**
   * Deepest nesting of objects and arrays a body may have, counted from the body itself (`[{}]` is 2);
   * deeper → 400 InvalidDataFormat. Undocumented for the real service: policy (README).
   */
  maxJsonDepth: number;
}

export const DEFAULT_UNSUFFIXED_COLUMNS: readonly ColumnDef[] = [
  { name: 'Computer', type: 'string' },
  { name: 'SourceIP', type: 'string' },
  { name: 'Message', type: 'string' },
  { name: 'Category', type: 'string' },
  { name: 'Severity', type: 'double' },
];

export const DEFAULT_DATA_COLLECTOR_POLICY: DataCollectorPolicy = {
  apiVersions: ['2016-04-01'],
  clockSkewMinutes: 15,
  contentTypeParameters: 'accept',
  maxBodyBytes: 31_457_280,
  invalidLogType: 'reject',
  reservedProperties: ['tenant', 'TimeGenerated', 'RawData'],
  timeGeneratedPastMs: 2 * 24 * 3600_000,
  timeGeneratedFutureMs: 24 * 3600_000,
  timeGeneratedMaxFractionDigits: 7,
  keepTimeGeneratedField: true,
  sourceSystem: 'RestAPI',
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
  nested: 'json-string',
  unsuffixedColumns: DEFAULT_UNSUFFIXED_COLUMNS,
  duplicateKeys: 'last-wins',
  maxValueBytes: 32_768,
  maxColumns: 500,
  maxColumnNameLength: 45,
};

export interface MockSentinelOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port); the CLI defaults to 4780. */
  port?: number;
  /** DuckDB file; omitted → in memory. */
  dbPath?: string;
  /** Default: the documented test-only workspace (docs/decisions/0001). */
  workspaces?: WorkspaceConfig[];
  dataCollector?: Partial<DataCollectorPolicy>;
  /** Fault rules in force at start. */
  faults?: FaultConfig;
  /** Honour `Prefer: code=429`-style headers (off by default: real clients never send them). */
  preferHeaderFaults?: boolean;
  /** Audit log capacity (entries kept). Default 10,000. */
  auditCapacity?: number;
  /** Clock for x-ms-date skew and TimeGenerated (tests). Default: real time. */
  now?: () => Date;
  /** Log level of the pino logger (default 'silent' for the library; the CLI uses 'info'). */
  logLevel?: string;
  /** Where the pino logger writes its JSON lines (default stdout). */
  logDestination?: { write(line: string): unknown };
  // Reserved for the surfaces that come next (Entra token, Logs Ingestion, query, web page):
  /**
   * An HTTPS listener next to HTTP, serving the same app (the Azure SDKs send bearer tokens over HTTPS
   * only): `true` generates a CA + certificate at listen() in a temporary folder removed by close();
   * `{ dir }` keeps one CA across runs; or give PEMs / files (see LabTlsOptions).
   */
  tls?: boolean | LabTlsOptions;
  /** Port of the HTTPS listener (default 0; the CLI uses 4781). */
  httpsPort?: number;
  /** DCR definition files the Logs Ingestion route loads (besides the shipped Darktrace DCR). */
  dcrFiles?: string[];
  /** Entra applications the token endpoint accepts; default the documented test app. */
  apps?: AppSpec[];
  /** Logs Ingestion and mock Entra policies (docs/reference/logs-ingestion.md). */
  logsIngestion?: LogsIngestionOptions;
  /** Open query surface (no bearer token). */
  noQueryAuth?: boolean;
  /**
   * A body answered before it was read (over the size limit, or refused first) is read to its end and
   * thrown away, so a client that writes it all before reading gets the answer: at most `maxBytes`
   * (default 100 MiB) within `maxMs` (default 30 s), then the connection is dropped.
   */
  unreadBody?: Partial<UnreadBodyLimits>;
  /** Analytic rules and the clock they run on (docs/reference/analytics.md). */
  analytics?: AnalyticsOptions;
  /**
   * Who may use the /_lab admin API: requests whose Host is a loopback name or address or one of
   * `allowedHosts` (else 421), with `Authorization: Bearer <token>` when `token` is set (else 401).
   */
  admin?: AdminAccess;
  /** The query API's limits (docs/decisions/0011-query-limits.md); each defaults to the real service's. */
  query?: {
    /** Records returned before the result is cut with a PartialError (500,000). */
    maxRows?: number;
    /** Bytes of rows returned before the result is cut with a PartialError (64,000,000). */
    maxBytes?: number;
    /** Timeout without `Prefer: wait=N`, in ms (180,000: 3 minutes). */
    defaultTimeoutMs?: number;
    /** The most `Prefer: wait=N` can ask for, in ms (600,000: 10 minutes). */
    maxTimeoutMs?: number;
    /**
     * Order of a `$batch` answer's `responses`: the requests' order (default) or reversed. The real
     * API answers in completion order, so clients must pair answers with requests by `id`.
     */
    batchResponseOrder?: 'request' | 'reverse';
  };
  /**
   * Retention, ms: rows ingested longer ago than this are deleted from every table (and the alerts and
   * incidents the analytics raised are forgotten), checked every tenth of it (at most every minute), so
   * a long run's memory stays flat. Default 0: keep everything (the real workspace keeps 30 days or more).
   */
  retentionMs?: number;
  /** DuckDB's memory limit (`memory_limit`, e.g. '2GB'); default DuckDB's own, 80 % of RAM. */
  memoryLimit?: string;
}

export function resolveDataCollectorPolicy(partial: Partial<DataCollectorPolicy> = {}): DataCollectorPolicy {
  return { ...DEFAULT_DATA_COLLECTOR_POLICY, ...partial };
}
