// Observations built in a test, for expectations evaluated without a run: nothing generated or
// landed unless given, no requests, no rows.
import type { Observations } from '../../harness/engine/observations.ts';
import { emptyLatency } from '../../harness/reports/model.ts';

export function emptyObservations(over: Partial<Observations> = {}): Observations {
  return {
    sink: 'dataCollector',
    generated: [],
    landedCounts: new Map(),
    unmatchedRows: 0,
    tables: [],
    rows: async () => [],
    kql: async () => ({ columns: [], rows: [] }),
    requests: [],
    deadLettered: 0,
    latency: emptyLatency(),
    landedPerSecond: 0,
    ...over,
  };
}
