// The `statistics` member of a Query API answer (`Prefer: include-statistics=true`), in the shape
// Log Analytics sends it (`statistics.query.{executionTime, resourceUsage, inputDatasetStatistics,
// datasetStatistics}`, camelCase). Kusto's engine reports much more (cache hits, extents, shards,
// network, peak memory per node); the lab reports only what it measures (docs/reference/query.md):
// - executionTime: seconds of wall time of the query's DuckDB work, to its last row read;
// - resourceUsage.cpu: the process's user and kernel CPU time over that span (process.cpuUsage(),
//   which counts DuckDB's worker threads too, and any other work of the process meanwhile);
// - inputDatasetStatistics.rows: rows of the tables the query reads (`total`: the workspace's;
//   `scanned`: those within the request's timespan), counted on the query's own connection;
// - datasetStatistics: rows of each result table and their size as the byte limit estimates it.
import { estimatedJsonBytes } from './limits.ts';
import { timespanText } from './json-values.ts';

export interface QueryStatistics {
  query: {
    executionTime: number;
    resourceUsage: { cpu: { user: string; kernel: string; totalCpu: string } };
    inputDatasetStatistics: { rows: { total: number; scanned: number } };
    datasetStatistics: { tableRowCount: number; tableSize: number }[];
  };
}

/** What was measured around one query's work. */
export interface QueryMeasurements {
  seconds: number;
  /** process.cpuUsage(start) at the end: microseconds of user and system CPU over the query. */
  cpu: NodeJS.CpuUsage;
  inputRows: { total: number; scanned: number };
  tables: { rows: readonly (readonly unknown[])[] }[];
}

/** Microseconds as a Kusto timespan ("00:00:00.0468750"), as the real answer writes CPU times. */
const cpuTime = (us: number): string => timespanText(BigInt(Math.max(0, Math.round(us))));

export function queryStatistics(m: QueryMeasurements): QueryStatistics {
  return {
    query: {
      executionTime: m.seconds,
      resourceUsage: { cpu: { user: cpuTime(m.cpu.user), kernel: cpuTime(m.cpu.system), totalCpu: cpuTime(m.cpu.user + m.cpu.system) } },
      inputDatasetStatistics: { rows: m.inputRows },
      datasetStatistics: m.tables.map((t) => ({ tableRowCount: t.rows.length, tableSize: t.rows.reduce((n: number, r) => n + estimatedJsonBytes(r), 0) })),
    },
  };
}
