// Alert latency per analytic rule: for each Sentinel alert, simulated ms from the earliest Darktrace
// alert it holds (StartTime, the rows' TimeGenerated) to the alert itself (TimeGenerated, the rule run
// that raised it), in an HDR histogram per rule (harness/measure/latency.ts). Both ends are simulated
// times, so a seed gives the same figures whatever the machine's speed.
import type { LatencySummary } from '../reports/model.ts';
import { LatencyRecorder } from '../measure/latency.ts';
import type { ObservedAlert } from './analytics-observer.ts';

/** Per rule id, the latency summary of its alerts (rules that raised none are absent). */
export function alertLatencyByRule(alerts: readonly ObservedAlert[]): Map<string, LatencySummary> {
  const recorders = new Map<string, LatencyRecorder>();
  for (const a of alerts) {
    const raised = Date.parse(a.timeGenerated ?? '');
    const first = Date.parse(a.startTime ?? '');
    if (!Number.isFinite(raised) || !Number.isFinite(first)) continue;
    let recorder = recorders.get(a.ruleId);
    if (!recorder) recorders.set(a.ruleId, (recorder = new LatencyRecorder()));
    recorder.record(Math.max(0, raised - first));
  }
  return new Map([...recorders].map(([id, r]) => [id, r.summary()]));
}
