// Issue 13: expectations on the connector's end state (spool, dead letters by reason, /health), on
// queries that must fail with an error code (through the mock's query API and its real error body),
// and on a column's null rate.
import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { evaluate } from '../../harness/engine/evaluate.ts';
import { deadLettersByReason } from '../../harness/engine/connector-state.ts';
import { startInProcessMock, type MockDriver } from '../../harness/engine/mock-driver.ts';
import { emptyObservations } from './observations-fixture.ts';

describe('connector state', () => {
  it('counts dead letters per reason: one per refused alert, one per record of a failed delivery, one per unreadable body', () => {
    const ndjson = [
      JSON.stringify({ kind: 'alerts', time: 't', source: 'push', reason: '2 alert(s) refused', alerts: [{ index: 0, reason: 'missing dtProduct', alert: {} }, { index: 1, reason: 'missing dtProduct', alert: {} }] }),
      JSON.stringify({ kind: 'delivery', time: 't', sink: 's', reason: 'HTTP 400 InvalidDataFormat', seqs: [1, 3], records: [{}, {}, {}] }),
      '{"kind":"body", torn',
      JSON.stringify({ kind: 'body', time: 't', source: 'push', reason: 'not JSON', body: 'x' }),
    ].join('\n');
    expect(deadLettersByReason(ndjson)).toEqual([
      { reason: 'missing dtProduct', count: 2 },
      { reason: 'HTTP 400 InvalidDataFormat', count: 3 },
      { reason: 'not JSON', count: 1 },
    ]);
  });

  it('judges spool, dead letters (count, reason, share of generated) and health', async () => {
    const obs = emptyObservations({
      generated: Array.from({ length: 10 }, (_, i) => ({ type: 'modelBreach' as const, id: String(i) })),
      connector: {
        spooled: 0,
        health: { status: 'degraded', reasons: ['delivery paused: 403 from the sink'] },
        deadLetters: [
          { reason: 'missing dtProduct', count: 2 },
          { reason: 'HTTP 400 InvalidDataFormat', count: 1 },
        ],
      },
    });
    const results = await evaluate(
      {
        connector: {
          spooled: { equals: 0 },
          deadLetters: [{ reason: 'dtProduct', equals: 2 }, { ratio: { max: 0.2 } }, { reason: 'InvalidDataFormat', max: 0 }],
          health: { status: 'degraded', reason: '403' },
        },
      },
      obs,
    );
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([
      ['connector: records still spooled', true, '0'],
      ['connector: dead letters with reason ~ "dtProduct"', true, '2'],
      ['connector: dead letters', false, '3 (30% of 10)'],
      ['connector: dead letters with reason ~ "InvalidDataFormat"', false, '1'],
      ['connector: /health', true, 'degraded: delivery paused: 403 from the sink'],
    ]);
    expect(results[2]!.samples).toEqual([
      { reason: 'missing dtProduct', count: 2 },
      { reason: 'HTTP 400 InvalidDataFormat', count: 1 },
    ]);
  });

  it('fails, saying why, when the state could not be read', async () => {
    const results = await evaluate({ connector: { deadLetters: [{ max: 0 }], health: { status: 'ok' } } }, emptyObservations());
    expect(results.map((r) => [r.passed, r.measured])).toEqual([
      [false, 'unknown'],
      [false, 'no answer'],
    ]);
  });
});

describe('queries that must fail, and null rates, over a real mock', () => {
  let mock: MockDriver;
  beforeAll(async () => {
    mock = await startInProcessMock(1);
  });
  afterAll(() => mock.close());

  const obs = () => emptyObservations({ kql: (q) => mock.kql(q), rows: (t) => mock.allRows(t) });

  it('passes when the query API answers the expected error code, fails on another code or on success', async () => {
    const results = await evaluate(
      {
        queries: [
          { name: 'column not there yet', kql: 'print x = 1 | project nosuch', error: 'SemanticError' },
          { name: 'wrong code', kql: 'print x = 1 | project nosuch', error: 'SyntaxError' },
          { name: 'does not fail', kql: 'print x = 1', error: 'SemanticError' },
        ],
      },
      obs(),
    );
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([
      ['query: column not there yet', true, 'failed with SemanticError'],
      ['query: wrong code', false, 'failed with SemanticError'],
      ['query: does not fail', false, 'succeeded with 1 rows'],
    ]);
    expect(results[1]!.message).toMatch(/^the query failed with SemanticError, not SyntaxError: 400 SemanticError: /);
    expect(results[2]!.samples).toEqual([{ x: 1 }]);
  });

  it('measures the share of null or absent values of a column', async () => {
    const rows = [{ a_s: 'x', b_s: 'y' }, { a_s: null, b_s: 'y' }, { b_s: 'y' }, { a_s: 'z', b_s: 'y' }];
    const base = emptyObservations({ tables: [{ name: 'T_CL', rowCount: 4, columns: [{ name: 'a_s', type: 'string' }, { name: 'b_s', type: 'string' }] }], rows: async () => rows });
    const results = await evaluate(
      {
        nullRate: [
          { table: 'T_CL', column: 'a_s', max: 0.5 },
          { table: 'T_CL', column: 'a_s', max: 0.25 },
          { table: 'T_CL', column: 'c_s', min: 1 },
          { table: 'U_CL', column: 'a_s', max: 1 },
        ],
      },
      base,
    );
    expect(results.map((r) => [r.name, r.passed, r.measured])).toEqual([
      ['null rate of T_CL.a_s', true, '50% (2 of 4 rows)'],
      ['null rate of T_CL.a_s', false, '50% (2 of 4 rows)'],
      ['null rate of T_CL.c_s', true, '100% (4 of 4 rows); T_CL has no column c_s'],
      ['null rate of U_CL.a_s', false, 'table does not exist'],
    ]);
    expect(results[1]!.samples).toEqual([{ a_s: null, b_s: 'y' }, { b_s: 'y' }]);
  });
});
