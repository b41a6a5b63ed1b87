// What the engine collected from the three services at the end of a run: the input of evaluate().
import type { AlertType } from '../scenario/types.ts';
import type { LatencySummary, TableInfo } from '../reports/model.ts';
import type { AnalyticsObservation } from './analytics-observer.ts';
import type { AuditNote } from '../../mock-sentinel/index.ts';

export interface GeneratedItem {
  type: AlertType;
  id: string;
  status?: string;
}

export interface RequestRecord {
  status: number;
  errorCode: string | null;
  injectedFault: string | null;
  route: string;
  /** When the request started, ms since the epoch (the mock's clock). */
  time?: number;
  durationMs?: number;
  table?: string | null;
  stream?: string | null;
  /** The mock's audit `client` (`workspace <id>`, `dcr <id>`). */
  client?: string | null;
  retryAfterSeconds?: number | null;
  /** The policies the request met, per kind, table and column. */
  notes?: AuditNote[];
}

/** The connector once the run has drained (each part undefined when it could not be read). */
export interface ConnectorState {
  /** GET /health. */
  health?: { status: string; reasons: string[] };
  /** Records still in the spool. */
  spooled?: number;
  /** Dead-lettered alerts/records per reason, read from its dead-letter file (a connector the run started). */
  deadLetters?: Array<{ reason: string; count: number }>;
}

export interface QueryOutcome {
  columns: string[];
  rows: unknown[][];
}

export interface Observations {
  sink: 'dataCollector' | 'logsIngestion';
  /** Ground truth from the simulator, one item per generated alert. */
  generated: GeneratedItem[];
  /** alertKey → number of rows that carry it. */
  landedCounts: Map<string, number>;
  /**
   * With several sinks (a dual run): each sink's rows per alert key, and whether it was still enabled
   * at the end (a cutover disables one). Absent: the one `sink` with `landedCounts`.
   */
  landedBySink?: Array<{ sink: 'dataCollector' | 'logsIngestion'; landedCounts: Map<string, number>; enabled: boolean }>;
  /** Rows of the Darktrace tables that match no generated alert (e.g. a connector test alert). */
  unmatchedRows: number;
  tables: TableInfo[];
  /** Every row of each table, for `where` queries. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  /** Runs KQL through the mock's query API. */
  kql(query: string): Promise<QueryOutcome>;
  requests: RequestRecord[];
  /** From the connector's metrics; undefined when they could not be read. */
  deadLettered: number | undefined;
  /**
   * Requests the connector may have abandoned mid-flight by being killed (kill -9 closes its sockets
   * before an answer): the kills applied × the requests the sink keeps in flight at most. The mock
   * logs such a request with status 0; up to this many are not counted as rejections.
   */
  abandonedByKills?: number;
  latency: LatencySummary;
  landedPerSecond: number;
  /** Rules, alerts and incidents of the mock's analytics after the run; undefined when it has none. */
  analytics?: AnalyticsObservation;
  /** The connector's spool, dead letters and health after the drain. */
  connector?: ConnectorState;
  /** Alert types the scenario's own traffic asks for (rates, bursts, injections): `landed: all` expects each. */
  declaredTypes?: AlertType[];
}
