// What one scenario run produced: the input of every report writer (terminal, JSON, JUnit, HTML).

export interface ExpectationResult {
  /** Stable, readable name: `landed: modelBreach`, `duplicates`, `query: breaches from the beacon`. */
  name: string;
  passed: boolean;
  /** What the scenario asked for, as text (`= 120`, `≤ 0`, `p99 ≤ 5s`). */
  expected: string;
  /** What the run measured, as text. */
  measured: string;
  /** Why it failed, in a sentence naming what to look at (only when it failed). */
  message?: string;
  /** Up to five rows, requests or alerts that show why it failed (only when it failed and there are some). */
  samples?: Sample[];
}

/** One row, request or alert shown for a failed expectation: field → value, flat. */
export type Sample = Record<string, string | number | boolean | null>;

/** Most samples one expectation carries. */
export const MAX_SAMPLES = 5;

export interface AlertCounts {
  generated: number;
  landed: number;
  duplicates: number;
  lost: number;
}

export interface TableInfo {
  name: string;
  rowCount: number;
  columns: Array<{ name: string; type: string }>;
}

export interface LatencySummary {
  unit: 'ms';
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** One sample of the run, taken every sampling interval (wall time). */
export interface SeriesPoint {
  /** Seconds since the traffic started (wall). */
  t: number;
  /** Seconds of the scenario's own clock since its start (absent in reports from before issue 13). */
  sim?: number;
  /** 'drain': taken after the traffic, while the connector drained (absent: during the traffic). */
  phase?: 'drain';
  /** Cumulative alerts generated / rows landed. */
  generated: number;
  landed: number;
  /** Rows landed per second over the last interval. */
  landedPerSecond: number;
  /** Latency of the alerts that landed in the last interval (ms); absent when none landed. */
  latencyP50?: number;
  latencyMax?: number;
  /** Connector process resident memory and CPU (child-process topology only). */
  rssBytes?: number;
  cpuPercent?: number;
}

export interface FaultRecord {
  /** Simulated offset into the scenario, ms. */
  atMs: number;
  fault: string;
  detail: string;
  /** Wall seconds since start when applied. */
  appliedAt: number;
}

export interface RunReport {
  scenario: string;
  file: string;
  description: string;
  seed: number;
  passed: boolean;
  /** Set when the run itself broke (a service failed to start…); every expectation then fails. */
  error?: string;
  startedAt: string;
  wallSeconds: number;
  simulated: { start: string; end: string; durationSeconds: number };
  expectations: ExpectationResult[];
  alerts: Record<string, AlertCounts>;
  tables: TableInfo[];
  latency: LatencySummary;
  throughput: {
    /** Rows landed per wall second, averaged over the run from the first generated alert to the last landed row. */
    landedPerSecond: number;
    peakPerSecond: number;
    /** Rows the mock stored per second of its busy time. */
    mockIngestRowsPerSecond: number;
  };
  connector: { mode: string; restarts: number; rssMaxBytes?: number; cpuSeconds?: number; deadLettered?: number };
  requests: { total: number; byStatus: Record<string, number>; injected: number };
  faults: FaultRecord[];
  series: SeriesPoint[];
  /**
   * Per analytic rule of the mock: runs, alerts raised, incidents created, last error, and the alert
   * latency (absent without analytics): simulated ms from the earliest Darktrace alert a Sentinel alert
   * holds (its StartTime: the rows' TimeGenerated, the Darktrace alert's time) to the Sentinel alert
   * (its TimeGenerated: the rule run that raised it). Absent for a rule that raised none.
   */
  analytics?: {
    rules: Array<{ id: string; name: string; runs: number; alertsRaised: number; incidentsCreated: number; lastError: string | null; latency?: LatencySummary }>;
    incidents: number;
  };
}

export function emptyLatency(): LatencySummary {
  return { unit: 'ms', count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
}
