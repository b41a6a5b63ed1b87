// Stage 5: evaluate. Step the mock's analytics to the simulated end, read what landed and what the
// mock and the connector saw, and judge every expectation of the scenario.
import type { ExpectationResult, LatencySummary, RunReport } from '../../reports/model.ts';
import { observeAnalytics, type AnalyticsObservation } from '../analytics-observer.ts';
import { evaluate } from '../evaluate.ts';
import type { LandingTracker } from '../landing-tracker.ts';
import type { MockDriver } from '../mock-driver.ts';
import type { Lab, RunState } from './run-state.ts';
import { readConnectorState } from '../connector-state.ts';
import { declaredAlertTypes } from '../declared-types.ts';

export interface Evaluation {
  expectations: ExpectationResult[];
  tables: RunReport['tables'];
  requests: Awaited<ReturnType<MockDriver['requests']>>;
  deadLettered: number | undefined;
  analytics: AnalyticsObservation | undefined;
}

export function emptyEvaluation(): Evaluation {
  return { expectations: [], tables: [], requests: [], deadLettered: undefined, analytics: undefined };
}

/** Rows landed per second between the first alert generated and the last row landed. */
export function landedPerSecond(t: LandingTracker | undefined): number {
  return t && t.firstGeneratedAt !== undefined && t.lastLandedAt !== undefined && t.lastLandedAt > t.firstGeneratedAt
    ? t.landedCount / ((t.lastLandedAt - t.firstGeneratedAt) / 1000)
    : 0;
}

export async function evaluateRun(state: RunState, lab: Lab, latency: LatencySummary, out: Evaluation): Promise<void> {
  const { mock, tracker, connector } = lab;
  // Every rule run due up to a minute past the simulated end (NRT rules run every minute); a mock
  // without the analytics admin API (an external one of an older version) has no analytics.
  out.analytics = await observeAnalytics(mock.url, new Date(state.simNow + 60_000)).catch(() => undefined);
  out.tables = await mock.tables();
  out.requests = await mock.requests();
  out.deadLettered = await connector.deadLettered();
  const connectorState = await readConnectorState(connector, lab.deadLetterFile);
  out.expectations = await evaluate(state.scenario.expect, {
    sink: state.scenario.topology.sink,
    generated: tracker.generated,
    landedCounts: tracker.landedCounts,
    landedBySink: tracker.sinks,
    unmatchedRows: tracker.unmatchedRows,
    tables: out.tables,
    rows: (t) => mock.allRows(t),
    kql: (q) => mock.kql(q),
    requests: out.requests,
    deadLettered: out.deadLettered,
    abandonedByKills: state.abandonedByKills,
    latency,
    landedPerSecond: landedPerSecond(tracker),
    analytics: out.analytics,
    connector: connectorState,
    declaredTypes: declaredAlertTypes(state.scenario),
  });
}
