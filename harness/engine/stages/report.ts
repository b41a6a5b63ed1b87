// Stage 6: the run report (reports/model.ts) from what the stages collected.
import type { LatencySummary, RunReport } from '../../reports/model.ts';
import { alertCounts } from '../evaluate.ts';
import type { Evaluation } from './evaluate.ts';
import { landedPerSecond } from './evaluate.ts';
import type { RunState } from './run-state.ts';
import type { AnalyticsObservation } from '../analytics-observer.ts';
import { alertLatencyByRule } from '../analytics-latency.ts';

export function buildReport(state: RunState, startedAt: Date, latency: LatencySummary, ev: Evaluation, runError: string | undefined): RunReport {
  const s = state.scenario;
  const { tracker, sampler, connector, mock } = state;
  const rate = landedPerSecond(tracker);
  const byStatus: Record<string, number> = {};
  for (const r of ev.requests) byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  return {
    scenario: s.name,
    file: s.file,
    description: s.description,
    seed: s.seed,
    passed: !runError && ev.expectations.length > 0 && ev.expectations.every((e) => e.passed),
    ...(runError ? { error: runError } : {}),
    startedAt: startedAt.toISOString(),
    wallSeconds: Math.round((performance.now() - state.wall0) / 10) / 100,
    simulated: { start: new Date(state.simStart).toISOString(), end: new Date(state.simNow).toISOString(), durationSeconds: (state.simNow - state.simStart) / 1000 },
    expectations: ev.expectations,
    alerts: tracker ? alertCounts({ sink: s.topology.sink, generated: tracker.generated, landedCounts: tracker.landedCounts, landedBySink: tracker.sinks }) : {},
    tables: ev.tables,
    latency,
    throughput: { landedPerSecond: Math.round(rate * 10) / 10, peakPerSecond: sampler?.peakPerSecond ?? 0, mockIngestRowsPerSecond: Math.round((mock?.ingestRate() ?? 0) * 10) / 10 },
    connector: {
      mode: connector?.mode ?? String(s.topology.connector),
      restarts: connector?.restarts ?? 0,
      ...(sampler?.rssMaxBytes !== undefined ? { rssMaxBytes: sampler.rssMaxBytes } : {}),
      ...(sampler?.cpuSeconds !== undefined ? { cpuSeconds: Math.round(sampler.cpuSeconds * 100) / 100 } : {}),
      ...(ev.deadLettered !== undefined ? { deadLettered: ev.deadLettered } : {}),
    },
    requests: { total: ev.requests.length, byStatus, injected: ev.requests.filter((r) => r.injectedFault).length },
    faults: state.faults,
    series: sampler?.points ?? [],
    ...(ev.analytics ? { analytics: analyticsReport(ev.analytics) } : {}),
  };
}

/** The report's analytics: each rule's counts and the latency of its alerts. */
function analyticsReport(obs: AnalyticsObservation): NonNullable<RunReport['analytics']> {
  const latency = alertLatencyByRule(obs.alerts);
  return {
    rules: obs.rules.map((r) => (latency.has(r.id) ? { ...r, latency: latency.get(r.id)! } : r)),
    incidents: obs.incidents.length,
  };
}
