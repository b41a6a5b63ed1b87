// A run report with every section filled, for the report writers' tests.
import type { RunReport } from '../../harness/reports/model.ts';

export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  const series = Array.from({ length: 20 }, (_, i) => ({
    t: i * 0.5,
    generated: (i + 1) * 50,
    landed: i * 48,
    landedPerSecond: i === 0 ? 0 : 96 + (i % 3) * 4,
    latencyP50: 120 + i * 3,
    latencyMax: 400 + i * 10,
    rssBytes: (80 + i) * 1048576,
  }));
  return {
    scenario: 'sample <&> "quoted"',
    file: 'scenarios/sample.yaml',
    description: 'A sample run used by the report writers\' tests.',
    seed: 7,
    passed: false,
    startedAt: '2026-01-15T09:30:00.123Z',
    wallSeconds: 9.5,
    simulated: { start: '2026-01-15T08:00:00.000Z', end: '2026-01-15T08:05:00.000Z', durationSeconds: 300 },
    expectations: [
      { name: 'landed: modelBreach', passed: true, expected: '= 600 generated', measured: '600' },
      { name: 'duplicates', passed: true, expected: '≤ 0', measured: '0' },
      { name: 'latency p99', passed: false, expected: '≤ 100ms', measured: '460ms', message: 'p99 latency 460ms is over the bound 100ms' },
    ],
    alerts: {
      'Policy Breach': { generated: 600, landed: 600, duplicates: 0, lost: 0 },
      'Antigena Email': { generated: 400, landed: 390, duplicates: 0, lost: 10 },
    },
    tables: [
      {
        name: 'darktrace_model_alerts_CL',
        rowCount: 990,
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'dtProduct_s', type: 'string' },
          { name: 'score_d', type: 'double' },
          { name: 'uuid_g', type: 'guid' },
        ],
      },
    ],
    latency: { unit: 'ms', count: 990, min: 20, mean: 150.5, p50: 130, p90: 300, p95: 350, p99: 460, p999: 590, max: 600 },
    throughput: { landedPerSecond: 104.2, peakPerSecond: 104, mockIngestRowsPerSecond: 2500 },
    connector: { mode: 'child-process', restarts: 2, rssMaxBytes: 99 * 1048576, cpuSeconds: 1.25 },
    requests: { total: 40, byStatus: { '200': 36, '503': 4 }, injected: 4 },
    faults: [{ atMs: 30_000, fault: 'mock.status', detail: '503 for 30s', appliedAt: 1.2 }],
    series,
    ...overrides,
  };
}
