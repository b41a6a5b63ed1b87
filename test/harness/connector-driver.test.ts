// The harness reads the connector's /metrics: a labelled counter that has counted nothing yet is 0.
import { describe, it, expect } from 'vitest';
import { metricSum } from '../../harness/engine/connector-driver.ts';

describe('metricSum', () => {
  const text = [
    '# HELP dtconnector_records_dead_lettered_total Records dead-lettered.',
    '# TYPE dtconnector_records_dead_lettered_total counter',
    '# HELP dtconnector_alerts_received_total Alerts received.',
    '# TYPE dtconnector_alerts_received_total counter',
    'dtconnector_alerts_received_total{source="modelbreaches"} 3',
    'dtconnector_alerts_received_total{source="push"} 4',
    '',
  ].join('\n');

  it('sums every sample of the metric over its labels', () => {
    expect(metricSum(text, 'dtconnector_alerts_received_total')).toBe(7);
  });

  it('a declared counter with no samples yet is 0', () => {
    expect(metricSum(text, 'dtconnector_records_dead_lettered_total')).toBe(0);
  });

  it('a metric the connector does not export is unknown', () => {
    expect(metricSum(text, 'dtconnector_spool_pending_records')).toBeUndefined();
  });
});
