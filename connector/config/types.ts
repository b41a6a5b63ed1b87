// The connector's resolved configuration: durations in ms, sizes in bytes, secrets substituted.
// The four alert types of the legacy table, then the three activity streams only the Logs Ingestion
// sink delivers (sentinel-table.md §8.5–8.7; their dtProduct values are the connector's choice).
export type AlertType = 'Policy Breach' | 'AI Analyst' | 'System Alert' | 'Antigena Email' | 'Response Action' | 'ASM' | 'Email Release';
export const ALERT_TYPES: AlertType[] = ['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email', 'Response Action', 'ASM', 'Email Release'];
export const ACTIVITY_TYPES: AlertType[] = ['Response Action', 'ASM', 'Email Release'];
export const LEGACY_TYPES: AlertType[] = ['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email'];

/** Default stream per alert type (§8.1–8.4); `sentinel.streams` overrides them. */
export const DEFAULT_STREAMS: Record<AlertType, string> = {
  'Policy Breach': 'Custom-DarktraceModelAlerts',
  'AI Analyst': 'Custom-DarktraceIncidents',
  'System Alert': 'Custom-DarktraceSystemStatusAlerts',
  'Antigena Email': 'Custom-DarktraceEMAIL',
  'Response Action': 'Custom-DarktraceResponseActions',
  ASM: 'Custom-DarktraceASM',
  // Not in the published DCR's stream list; the shipped DCR declares it (§8.7).
  'Email Release': 'Custom-DarktraceEMAILRelease',
};

export interface DarktraceConfig {
  url: string;
  publicToken: string;
  privateToken: string;
  /** Base of the links written into records (breachUrl, url); defaults to `url`. */
  linkBase: string;
  timeoutMs: number;
  /** Path prefix of the Darktrace/Email API. */
  emailPathPrefix: string;
}

export interface RetryConfig {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Wait before a batch whose attempts ran out is tried again (it never leaves the spool). */
  pauseMs: number;
}

export interface BatchConfig {
  maxBytes: number;
  maxRecords: number;
}

/** Data Collector API (legacy `/api/logs`). Other sinks join this union as `mode: ...` variants. */
export interface DataCollectorSinkConfig {
  mode: 'dataCollector';
  /** The sink's name (SinkConfig); the mode when unnamed. */
  name?: string;
  workspaceId: string;
  sharedKey: string;
  secondaryKey?: string;
  endpoint: string;
  logType: string;
  /** Name of the ISO-8601 field added to each record and named in `time-generated-field`; '' = none. */
  timeGeneratedField: string;
  azureResourceId?: string;
  timeoutMs: number;
  batch: BatchConfig;
  retry: RetryConfig;
  /** How long records refused for a configuration-like reason stay parked and retried before they are dead-lettered. */
  stuckAfterMs: number;
  /** Where this sink's keys are in the config file, for messages (`sentinel`; a `sinks:` entry's path). */
  configPath?: string;
}

/** Logs Ingestion API (DCR streams, Entra bearer tokens; azure-ingestion.md part B). */
export interface LogsIngestionSinkConfig {
  mode: 'logsIngestion';
  /** The sink's name (SinkConfig); the mode when unnamed. */
  name?: string;
  /** DCE or DCR logs-ingestion URL (the mock's HTTPS URL in the lab). */
  endpoint: string;
  dcrImmutableId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Entra authority; instance discovery is off when it is set (private clouds, the lab). */
  authorityHost?: string;
  /** PEM file of an extra CA to trust (the lab's), absolute. */
  caFile?: string;
  /** Stream per alert type. */
  streams: Record<AlertType, string>;
  /**
   * Streams `--check` probes: the four alert types', and an activity type's only when its source is
   * on (the published DCR has no EMAILRelease stream; a connector not polling it must not fail on it).
   */
  probeStreams?: string[];
  customLabel: string;
  maxConcurrency: number;
  /** Always `alertTime`: the spool's ISO alert time, which the rows' datetime columns read. */
  timeGeneratedField: string;
  timeoutMs: number;
  batch: BatchConfig;
  retry: RetryConfig;
  /** How long records refused for a configuration-like reason stay parked and retried before they are dead-lettered. */
  stuckAfterMs: number;
  /** Where this sink's keys are in the config file, for messages (`sentinel`; a `sinks:` entry's path). */
  configPath?: string;
}

export type SentinelConfig = DataCollectorSinkConfig | LogsIngestionSinkConfig;

/** One sink of `sinks:` (or the single `sentinel:`, named after its mode). */
export type SinkConfig = SentinelConfig & {
  /** Names its cursor (`<state>/spool/commit-<name>.dat`), its parked queues, its metrics label. */
  name: string;
  /** Whether it delivers from the start; switched at run time by the admin API or SIGHUP. */
  enabled: boolean;
};

export interface ReceiverConfig {
  listen: string;
  token: string;
  path: string;
  maxBodyBytes: number;
  /** Alerts (top-level array items) one push may hold; more → 413. */
  maxAlerts: number;
  /** Nesting depth (arrays and objects) a pushed body may have; deeper → 400, dead-lettered. */
  maxDepth: number;
  /** How long a push waits for spool space before a 503. */
  spoolWaitMs: number;
}

export interface PollConfig {
  enabled: boolean;
  intervalMs: number;
  overlapMs: number;
  initialLookbackMs: number;
  /** Added to `now` for the window end; lets a simulator clock that runs ahead be followed. */
  lookaheadMs: number;
  /**
   * Whose clock `now` is: the connector's (`local`) or the appliance's, read from `GET /status`
   * `time` once per poll cycle (`appliance`; docs/decisions/0023).
   */
  clock: 'local' | 'appliance';
  /** The last three feed only the Logs Ingestion sink's activity streams (default off). */
  sources: { modelBreaches: boolean; aiAnalyst: boolean; email: boolean; responseActions: boolean; asm: boolean; emailRelease: boolean };
  emailItemsPerPage: number;
  backoffMaxMs: number;
}

export interface FiltersConfig {
  alertTypes: AlertType[];
  minScore: number;
  modelNames: { include: string[]; exclude: string[] };
  minAiAnalystGroupScore: number;
}

export interface MappingConfig {
  /** `::` as the API writes model names, or ` / ` as the UI does. */
  modelNameSeparator: '::' | ' / ';
  /** Which breach time feeds `breachTime` and the time-generated field. */
  breachTimeField: 'time' | 'creationTime';
}

/** Who may use /health, /idle, /metrics and /debug/* (connector/server/admin-guard.ts). */
export interface AdminConfig {
  /** Bearer token the admin endpoints require; none when unset. */
  token?: string;
  /** Host names accepted besides the loopback ones. */
  allowedHosts: string[];
}

export interface ConnectorConfig {
  darktrace: DarktraceConfig;
  /** Every sink, in the order configured; each reads the one spool with its own cursor. */
  sinks: SinkConfig[];
  /** The first sink (what `--check` and single-sink tools read). */
  sentinel: SinkConfig;
  receiver?: ReceiverConfig;
  monitoring?: { listen: string };
  admin: AdminConfig;
  state: string;
  spool: { maxBytes: number; segmentBytes: number };
  poll: PollConfig;
  filters: FiltersConfig;
  mapping: MappingConfig;
  /** `summaryIntervalMs`: how often an info line sums up what was polled, spooled, landed… (0 = never). */
  log: { level: string; summaryIntervalMs: number };
  /** Test hooks; off unless `debug.enabled` (docs/reference/connector.md "Debug hooks"). */
  debug: { enabled: boolean; clockSkewMs: number };
}
