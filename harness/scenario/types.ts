// The scenario file as the schema (scenarios/scenario.schema.json) allows it, and its normalised form.
/** A connector sink: the legacy Data Collector API or the Logs Ingestion API. */
export type Sink = 'dataCollector' | 'logsIngestion';

export type AlertType = 'modelBreach' | 'aiAnalyst' | 'systemAlert' | 'email';
export const ALERT_TYPES: readonly AlertType[] = ['modelBreach', 'aiAnalyst', 'systemAlert', 'email'];

/** `250ms`, `30s`, `5m`, `1h`; the schema allows a bare number only for 0. */
export type DurationInput = number | string;
/** A number per second, or `10/s`, `30/min`, `2/h`. */
export type RateInput = number | string;

export interface Bound {
  min?: number;
  max?: number;
  equals?: number;
}

export type FaultName =
  | 'mock.status'
  | 'mock.latency'
  | 'mock.drop'
  | 'mock.rotateKey'
  | 'mock.storeThenDrop'
  | 'mock.roleMissing'
  | 'connector.kill'
  | 'connector.pause'
  | 'connector.clockSkew'
  | 'connector.sink'
  | 'simulator.authError'
  | 'simulator.status'
  | 'simulator.slow';

export interface FaultInput {
  at: DurationInput;
  fault: FaultName;
  for?: DurationInput;
  count?: number;
  status?: number;
  probability?: number;
  retryAfter?: number;
  route?: 'dataCollector' | 'logsIngestion' | 'any';
  latency?: DurationInput;
  restartAfter?: DurationInput;
  skew?: string;
  /** connector.sink: the connector sink's name (the harness names each after its mode). */
  sink?: string;
  enabled?: boolean;
}

export type WhereValue =
  | string
  | number
  | boolean
  | null
  | { eq?: unknown; ne?: unknown; contains?: string; startsWith?: string; gt?: number; lt?: number; in?: unknown[]; exists?: boolean };

export interface QueryExpectation {
  name: string;
  table?: string;
  where?: Record<string, WhereValue>;
  kql?: string;
  count?: number | Bound | { generated: AlertType };
  rows?: unknown[][];
  /** The query must fail with this error code (the query API's `innererror.code`, e.g. SemanticError, or its `code`). */
  error?: string;
}

export type ColumnType = 'string' | 'double' | 'boolean' | 'datetime' | 'guid' | 'int' | 'long' | 'dynamic';

/** An expectation on what one analytic rule raised (alerts) or the incidents it created. */
export interface AnalyticsExpectation {
  /** Rule name or id (case-insensitive). */
  rule: string;
  name?: string;
  /** How many matching alerts/incidents (default: at least one). */
  count?: number | Bound | { generated: AlertType };
  severity?: 'Informational' | 'Low' | 'Medium' | 'High';
  /** A regular expression the display name (incident: title) must match. */
  displayName?: string;
  /** An entity that must be present (incident: in one of its alerts): `Type` and identifiers. */
  entity?: Record<string, string>;
}

/** `requests`: counts of the mock's audit log entries matching every filter given. */
export interface RequestsExpectation extends Bound {
  name?: string;
  status?: number;
  error?: string;
  injected?: boolean;
  /** The mock's route name: dataCollector, logsIngestion, query, token, … */
  route?: string;
  /** The table the request wrote to (Data Collector: `<Log-Type>_CL`). */
  table?: string;
  /** The Logs Ingestion stream posted to. */
  stream?: string;
}

/** The mock's audit notes (mock-sentinel/audit/audit-notes.ts), counted over the run. */
export type AuditFlag = 'truncated' | 'timeGeneratedReplaced' | 'conversionError' | 'droppedProperty' | 'renamedProperty';

/** `auditFlags`: values the mock flagged, summed over the audit log, per table and column. */
export interface AuditFlagExpectation extends Bound {
  name?: string;
  flag: AuditFlag;
  table?: string;
  column?: string;
}

/** A bound on a fraction, 0..1. */
export interface RatioBound {
  min?: number;
  max?: number;
}

/** `connector`: the connector's state once the run has drained. */
export interface ConnectorExpectation {
  /** Records still in the spool. */
  spooled?: Bound;
  /** Dead-lettered alerts/records, all or those whose reason contains `reason`; a count bound and/or a ratio of the alerts generated. */
  deadLetters?: Array<Bound & { name?: string; reason?: string; ratio?: RatioBound }>;
  /** GET /health: its status, and a reason that must be among its reasons (substring). */
  health?: { status?: 'ok' | 'degraded'; reason?: string };
}

/** `retryAfter`: every attempt after a 429/503 carrying Retry-After waited at least that long. */
export interface RetryAfterExpectation {
  /** Only answers on this mock route (default: every route). */
  route?: string;
  /** How many such answers followed by another attempt must have happened (default 1): nothing checked is a failure. */
  minThrottled?: number;
}

/** `nullRate`: the fraction of a table's rows whose column is null or absent. */
export interface NullRateExpectation extends RatioBound {
  name?: string;
  table: string;
  column: string;
}

/** `landed` in its long form: the types, and which of them may have been generated zero times. */
export interface LandedExpectation {
  types: 'all' | AlertType[];
  /** true: any type may be generated zero times; or the types that may. Default: none may. */
  allowZero?: boolean | AlertType[];
}

export interface Expectations {
  landed?: 'all' | AlertType[] | LandedExpectation;
  nothingLost?: true;
  duplicates?: Bound;
  rejected?: 'injectedOnly' | Bound;
  requests?: RequestsExpectation[];
  auditFlags?: AuditFlagExpectation[];
  connector?: ConnectorExpectation;
  retryAfter?: RetryAfterExpectation;
  nullRate?: NullRateExpectation[];
  deadLettered?: Bound;
  columns?: 'default' | { table: string; columns?: 'default' | Record<string, ColumnType>; forbid?: string[] };
  latency?: Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max', DurationInput>>;
  throughput?: { min: RateInput };
  queries?: QueryExpectation[];
  /** Sentinel analytics: the alerts and incidents the rules raised. */
  analytics?: { alerts?: AnalyticsExpectation[]; incidents?: AnalyticsExpectation[] };
  /** The first spelling of `analytics.alerts`, still accepted. */
  alerts?: AnalyticsExpectation[];
  /** The first spelling of `analytics.incidents`, still accepted. */
  incidents?: AnalyticsExpectation[];
}

export interface ScenarioInput {
  name: string;
  description?: string;
  seed?: number;
  world?: { users?: number };
  clock?: { mode: 'real' | 'accelerated' | 'stepped'; speed?: number; step?: DurationInput; interval?: DurationInput; start?: string };
  duration: DurationInput;
  drainTimeout?: DurationInput;
  traffic?: {
    rates?: Partial<Record<AlertType, RateInput>>;
    /** New attack surface findings (polled by a connector with `poll.sources.asm`); the simulator's default is 2/h. */
    asmFindings?: RateInput;
    bursts?: Array<{ at: DurationInput; type: AlertType; count: number }>;
    stories?: Array<{ at: DurationInput; story: string; params?: Record<string, unknown> }>;
    malformed?: Array<{ at: DurationInput; count: number; kind?: MalformedKind }>;
    inject?: InjectInput[];
  };
  topology?: {
    simulator?: 'in-process' | { url: string; publicToken?: string; privateToken?: string };
    mock?: 'in-process' | { url: string; workspaceId?: string; sharedKey?: string };
    connector?: 'in-process' | 'child-process' | { url: string };
    source?: 'poll' | 'push' | 'both';
    sink?: Sink;
    /** Several sinks side by side (a dual run), instead of `sink`. */
    sinks?: Sink[];
    connectorConfig?: Record<string, unknown>;
    mockPolicy?: MockPolicy;
  };
  faults?: FaultInput[];
  /** Analytic rules of an in-process mock: rule files or folders (relative to the scenario file), and whether the shipped Darktrace rules load too (default true). */
  analytics?: { rules?: string[]; defaultRules?: boolean };
  expect?: Expectations;
}

/** The mock's documented policies a scenario may set (schema: topology.mockPolicy). */
export interface MockPolicy {
  maxBodyBytes?: number;
  clockSkewMinutes?: number;
  maxValueBytes?: number;
  timeGeneratedPast?: DurationInput;
  timeGeneratedFuture?: DurationInput;
  timeGeneratedMaxFractionDigits?: number;
  keepTimeGeneratedField?: boolean;
  contentTypeParameters?: 'accept' | 'reject';
  invalidLogType?: 'reject' | 'drop';
  nested?: 'json-string' | 'flatten';
  duplicateKeys?: 'last-wins' | 'first-wins';
  maxColumns?: number;
  maxColumnNameLength?: number;
  maxJsonDepth?: number;
}

/**
 * An `inject:` entry: alerts through the simulator with fields set or removed (to: simulator), or a
 * post straight to the mock as a third-party client would send it (to: mock). Values may be
 * generators (harness/engine/inject/values.ts).
 */
export interface InjectInput {
  at: DurationInput;
  to?: 'simulator' | 'mock';
  type?: AlertType;
  count?: number;
  set?: Record<string, unknown>;
  remove?: string[];
  logType?: string;
  stream?: string;
  dcr?: string;
  records?: unknown[];
  record?: unknown;
  headers?: Record<string, string>;
  auth?: InjectAuth;
}

export type InjectAuth = 'valid' | 'none' | 'invalid';

/** Alerts of a type emitted by the simulator, each with the entry's fields set or removed. */
export interface SimulatorInject {
  atMs: number;
  to: 'simulator';
  type: AlertType;
  count: number;
  set: Record<string, unknown>;
  remove: string[];
}

/** A post to the mock: Data Collector (logType) or Logs Ingestion (stream); `single`: one object, not an array. */
export interface MockInject {
  atMs: number;
  to: 'mock';
  api: { kind: 'dataCollector'; logType: string } | { kind: 'logsIngestion'; stream: string; dcr: string | undefined };
  records: unknown[];
  single: boolean;
  count: number;
  headers: Record<string, string>;
  auth: InjectAuth;
}

export type Inject = SimulatorInject | MockInject;

export type MalformedKind = 'not-an-object' | 'missing-dtProduct' | 'unknown-dtProduct' | 'bad-types';

/** Durations in milliseconds, rates per second: what the engine works with. */
export interface Fault {
  atMs: number;
  fault: FaultName;
  forMs?: number;
  count?: number;
  status?: number;
  probability?: number;
  retryAfter?: number;
  route: 'dataCollector' | 'logsIngestion' | 'any';
  latencyMs?: number;
  restartAfterMs: number;
  skewMs?: number;
  sink?: string;
  enabled?: boolean;
}

export interface Scenario {
  file: string;
  name: string;
  description: string;
  seed: number;
  world: { users?: number };
  clock: { mode: 'real' | 'accelerated' | 'stepped'; speed: number; stepMs: number; intervalMs: number; start?: string };
  durationMs: number;
  drainTimeoutMs: number;
  rates: Partial<Record<AlertType, number>>;
  /** New attack surface findings per second, when the scenario sets it. */
  asmFindings?: number;
  bursts: Array<{ atMs: number; type: AlertType; count: number }>;
  stories: Array<{ atMs: number; story: string; params: Record<string, unknown> }>;
  malformed: Array<{ atMs: number; count: number; kind: MalformedKind }>;
  injects: Inject[];
  topology: {
    simulator: 'in-process' | { url: string; publicToken?: string; privateToken?: string };
    mock: 'in-process' | { url: string; workspaceId?: string; sharedKey?: string };
    connector: 'in-process' | 'child-process' | { url: string };
    source: 'poll' | 'push' | 'both';
    /** The first of `sinks`: the one a single-sink run has. */
    sink: Sink;
    /** Every sink of the run, each a connector sink named after its mode. */
    sinks: Sink[];
    connectorConfig: Record<string, unknown>;
    mockPolicy: MockPolicy;
  };
  faults: Fault[];
  analytics: { rules?: string[]; defaultRules?: boolean };
  expect: Expectations;
  /** True when the file had no `expect` key and the standard set applies. */
  defaultExpectations: boolean;
}
