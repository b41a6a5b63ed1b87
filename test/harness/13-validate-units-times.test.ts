// Issue 13: durations without units (`poll.interval: 10` was accepted, and the connector read it as
// 10 ms) and times outside the duration are errors before the run, at FILE:LINE:COL.
import { describe, it, expect } from 'vitest';
import { errorsOf, warningsOf } from './validate-helpers.ts';

const base = 'name: t\nduration: 1m\n';

describe('durations carry a unit', () => {
  it('a scenario duration without a unit', () => {
    expect(errorsOf('name: t\nduration: 90\nclock: { mode: stepped, step: 10, interval: 50ms }\n')).toEqual([
      'x.yaml:2:11  duration  is a duration without a unit: write 90s, 90ms or 90m (got 90)',
      'x.yaml:3:31  clock.step  is a duration without a unit: write 10s, 10ms or 10m (got 10)',
    ]);
  });

  it('0 needs no unit', () => {
    expect(warningsOf(base + 'faults:\n  - { at: 0, fault: mock.status, status: 503, for: 10s }\n')).toEqual([]);
  });

  it('poll.interval: 10 in the connector config, which the connector reads as milliseconds', () => {
    expect(errorsOf(base + 'topology:\n  connectorConfig:\n    poll: { interval: 10, lookahead: 0 }\n    sentinel: { timeout: 30 }\n')).toEqual([
      'x.yaml:5:23  topology.connectorConfig.poll.interval  is a duration without a unit (got 10): the connector reads a bare number as milliseconds; write 10ms or 10s',
      'x.yaml:6:26  topology.connectorConfig.sentinel.timeout  is a duration without a unit (got 30): the connector reads a bare number as milliseconds; write 30ms or 30s',
    ]);
  });

  it('the connector config is checked against the connector\'s own schema: unknown keys and bad values', () => {
    expect(errorsOf(base + 'topology:\n  connectorConfig:\n    poll: { intervall: 1s, overlap: soon }\n')).toEqual([
      'x.yaml:5:13  topology.connectorConfig.poll.intervall  unknown connector config key (allowed here: enabled, interval, overlap, initialLookback, lookahead, clock, backoffMax, sources, emailItemsPerPage)',
      'x.yaml:5:37  topology.connectorConfig.poll.overlap  must be a duration with its unit, such as 500ms, 30s or 5m (got "soon")',
    ]);
  });

  it('the Logs Ingestion sink\'s keys are the ones allowed under sentinel when the scenario uses that sink', () => {
    expect(errorsOf(base + 'topology:\n  sink: logsIngestion\n  connectorConfig:\n    sentinel: { maxConcurrency: 4, logType: x }\n')).toEqual([
      'x.yaml:6:36  topology.connectorConfig.sentinel.logType  unknown connector config key (allowed here: mode, endpoint, dcrImmutableId, tenantId, clientId, clientSecret, authorityHost, caFile, streams, customLabel, maxConcurrency, timeout, batch, retry, stuckAfter)',
    ]);
  });
});

describe('times lie within the duration', () => {
  it('every timed entry: bursts, stories, malformed, faults', () => {
    const text = [
      base.trimEnd(),
      'traffic:',
      '  bursts: [{ at: 61s, type: email, count: 1 }]',
      '  stories: [{ at: 2m, story: connector-test }]',
      '  malformed: [{ at: 1h, count: 1 }]',
      'faults:',
      '  - { at: 90s, fault: mock.drop }',
      '  - { at: 60s, fault: mock.drop }',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      "x.yaml:4:18  traffic.bursts[0].at  is after the scenario's duration (1m)",
      "x.yaml:5:19  traffic.stories[0].at  is after the scenario's duration (1m)",
      "x.yaml:6:21  traffic.malformed[0].at  is after the scenario's duration (1m)",
      "x.yaml:8:11  faults[0].at  is after the scenario's duration (1m)",
    ]);
  });
});
