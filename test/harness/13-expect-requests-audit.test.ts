// Issue 13: expectations on the mock's audit log — requests filtered by route, table, stream, status
// and error code; audit flags counted per table and column; and retries that wait out Retry-After.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../harness/engine/evaluate.ts';
import type { RequestRecord } from '../../harness/engine/observations.ts';
import { emptyObservations } from './observations-fixture.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const req = (over: Partial<RequestRecord>): RequestRecord => ({ status: 200, errorCode: null, injectedFault: null, route: 'dataCollector', time: T0, durationMs: 10, ...over });

describe('requests', () => {
  const requests = [
    req({ table: 'A_CL' }),
    req({ table: 'A_CL', status: 400, errorCode: 'InvalidDataFormat' }),
    req({ table: 'B_CL', status: 400, errorCode: 'InvalidDataFormat' }),
    req({ route: 'logsIngestion', table: 'DarktraceModelAlerts_CL', stream: 'Custom-DarktraceModelAlerts', status: 204 }),
    req({ route: 'logsIngestion', table: 'DarktraceModelAlerts_CL', stream: 'Custom-DarktraceModelAlerts', status: 413, errorCode: 'ContentLengthLimitExceeded' }),
  ];
  it('counts the entries matching every filter given, with a label saying which', async () => {
    const results = await evaluate(
      {
        requests: [
          { route: 'dataCollector', table: 'A_CL', status: 400, error: 'InvalidDataFormat', equals: 1 },
          { stream: 'Custom-DarktraceModelAlerts', equals: 2 },
          { route: 'logsIngestion', error: 'ContentLengthLimitExceeded', max: 0 },
          { status: 400, min: 2 },
        ],
      },
      emptyObservations({ requests }),
    );
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([
      ['requests on dataCollector to A_CL answered 400 error InvalidDataFormat', true, '1'],
      ['requests stream Custom-DarktraceModelAlerts', true, '2'],
      ['requests on logsIngestion error ContentLengthLimitExceeded', false, '1'],
      ['requests answered 400', true, '2'],
    ]);
    // Too many: the samples are the requests over the bound.
    expect(results[2]!.samples).toEqual([{ time: '2026-01-01T00:00:00.000Z', route: 'logsIngestion', table: 'DarktraceModelAlerts_CL', stream: 'Custom-DarktraceModelAlerts', status: 413, error: 'ContentLengthLimitExceeded' }]);
  });
});

describe('audit flags', () => {
  const notes = (table: string, column: string, count: number, kind: 'truncated' | 'renamedProperty' = 'truncated') => [{ kind, table, column, count }];
  const requests = [req({ notes: notes('A_CL', 'text', 2) }), req({ notes: [...notes('A_CL', 'text', 3), ...notes('A_CL', 'other', 1)] }), req({ notes: notes('A_CL', 'odd-name', 4, 'renamedProperty') })];
  it('sums the values flagged per kind, table and column', async () => {
    const results = await evaluate(
      {
        auditFlags: [
          { flag: 'truncated', table: 'A_CL', column: 'text', equals: 5 },
          { flag: 'truncated', min: 7 },
          { flag: 'renamedProperty', column: 'odd-name', max: 0 },
          { flag: 'conversionError', max: 0 },
        ],
      },
      emptyObservations({ requests }),
    );
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([
      ['audit flag truncated on A_CL.text', true, '5 (A_CL.text×5)'],
      ['audit flag truncated', false, '6 (A_CL.text×5, A_CL.other×1)'],
      ['audit flag renamedProperty on odd-name', false, '4 (A_CL.odd-name×4)'],
      ['audit flag conversionError', true, '0'],
    ]);
    expect(results[2]!.samples).toEqual([{ time: '2026-01-01T00:00:00.000Z', route: 'dataCollector', status: 200, flag: 'renamedProperty', column: 'odd-name', values: 4 }]);
  });
});

describe('retryAfter', () => {
  const client = 'workspace w';
  const throttled = (at: number, retryAfter: number, over: Partial<RequestRecord> = {}) => req({ time: T0 + at, durationMs: 5, status: 429, errorCode: 'TooManyRequests', retryAfterSeconds: retryAfter, client, ...over });
  const attempt = (at: number, over: Partial<RequestRecord> = {}) => req({ time: T0 + at, durationMs: 5, client, ...over });

  it('passes when every next attempt of the client came at least Retry-After after the answer went out', async () => {
    const requests = [throttled(0, 2), attempt(2_005), throttled(3_000, 1), attempt(4_005)];
    const [r] = await evaluate({ retryAfter: {} }, emptyObservations({ requests }));
    expect(r).toMatchObject({ passed: true, measured: 'smallest gap 2s after Retry-After 2s (2 checked)' });
  });

  it('fails on an attempt that came sooner, with it as a sample; requests in flight when the answer went out and other clients do not count', async () => {
    const requests = [
      throttled(0, 2),
      attempt(1), // already in flight when the 429 went out (at 5 ms)
      attempt(500, { client: 'workspace other' }), // another client
      attempt(1_500), // 1.495 s after the answer: too soon
    ];
    const [r] = await evaluate({ retryAfter: {} }, emptyObservations({ requests }));
    expect(r).toMatchObject({ passed: false, message: '1 of 1 attempts came sooner than the Retry-After of the answer before them' });
    expect(r!.samples).toEqual([
      { time: '2026-01-01T00:00:00.000Z', route: 'dataCollector', status: 429, error: 'TooManyRequests', retryAfter: 2, nextAttempt: '2026-01-01T00:00:01.500Z', gapMs: 1495 },
    ]);
  });

  it('fails when nothing was throttled with Retry-After: there was nothing to check', async () => {
    const [r] = await evaluate({ retryAfter: { minThrottled: 1 } }, emptyObservations({ requests: [attempt(0), throttled(10, 1)] }));
    expect(r).toMatchObject({ passed: false, measured: '0 throttled answers with a next attempt (1 with Retry-After)' });
  });
});
