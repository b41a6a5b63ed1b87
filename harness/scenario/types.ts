// The scenario file as the schema (scenarios/scenario.schema.json) allows it, and its normalised form.
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

export interface Expectations {
  landed?: 'all' | AlertType[];
  nothingLost?: true;
  duplicates?: Bound;
  rejected?: 'injectedOnly' | Bound;
  requests?: Array<Bound & { name?: string; status: number; error?: string; injected?: boolean }>;
  deadLettered?: Bound;
  columns?: 'default' | { table: string; columns?: 'default' | Record<string, ColumnType>; forbid?: string[] };
  latency?: Partial<Record<'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max', DurationInput>>;
  throughput?: { min: RateInput };
  queries?: QueryExpectation[];
  alerts?: AnalyticsExpectation[];
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
    bursts?: Array<{ at: DurationInput; type: AlertType; count: number }>;
    stories?: Array<{ at: DurationInput; story: string; params?: Record<string, unknown> }>;
    malformed?: Array<{ at: DurationInput; count: number; kind?: MalformedKind }>;
  };
  topology?: {
    simulator?: 'in-process' | { url: string; publicToken?: string; privateToken?: string };
    mock?: 'in-process' | { url: string; workspaceId?: string; sharedKey?: string };
    connector?: 'in-process' | 'child-process' | { url: string };
    source?: 'poll' | 'push' | 'both';
    sink?: 'dataCollector' | 'logsIngestion';
    connectorConfig?: Record<string, unknown>;
    mockPolicy?: MockPolicy;
  };
  faults?: FaultInput[];
  /** Analytic rules of an in-process mock: rule files or folders (relative to the scenario file), and whether the shipped Darktrace rules load too (default true). */
  analytics?: { rules?: string[]; defaultRules?: boolean };
  expect?: Expectations;
}

export interface MockPolicy {
  maxBodyBytes?: number;
  clockSkewMinutes?: number;
}

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
  bursts: Array<{ atMs: number; type: AlertType; count: number }>;
  stories: Array<{ atMs: number; story: string; params: Record<string, unknown> }>;
  malformed: Array<{ atMs: number; count: number; kind: MalformedKind }>;
  topology: {
    simulator: 'in-process' | { url: string; publicToken?: string; privateToken?: string };
    mock: 'in-process' | { url: string; workspaceId?: string; sharedKey?: string };
    connector: 'in-process' | 'child-process' | { url: string };
    source: 'poll' | 'push' | 'both';
    sink: 'dataCollector' | 'logsIngestion';
    connectorConfig: Record<string, unknown>;
    mockPolicy: MockPolicy;
  };
  faults: Fault[];
  analytics: { rules?: string[]; defaultRules?: boolean };
  expect: Expectations;
  /** True when the file had no `expect` key and the standard set applies. */
  defaultExpectations: boolean;
}
