// What the engine collected from the three services at the end of a run: the input of evaluate().
import type { AlertType } from '../scenario/types.ts';
import type { LatencySummary, TableInfo } from '../reports/model.ts';
import type { AnalyticsObservation } from './analytics-observer.ts';

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
}
