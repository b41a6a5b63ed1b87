// Expectations against observations: each kind passes when it holds and fails with a clear message when not.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { evaluate, alertCounts } from '../../harness/engine/evaluate.ts';
import { reliedOnColumns, SPEC_COLUMNS_FILE } from '../../harness/engine/columns.ts';
import { identify, alertKey } from '../../harness/engine/identity.ts';
import type { Observations } from '../../harness/engine/observations.ts';
import { emptyLatency } from '../../harness/reports/model.ts';

function observations(over: Partial<Observations> = {}): Observations {
  const rows = [
    { dtProduct_s: 'Policy Breach', threatID_d: 1, score_d: 80 },
    { dtProduct_s: 'Policy Breach', threatID_d: 2, score_d: 20 },
    { dtProduct_s: 'Policy Breach', threatID_d: 2, score_d: 20 },
    { dtProduct_s: 'Antigena Email', uuid_s: 'ABC.1', score_d: null },
  ];
  const landedCounts = new Map<string, number>();
  for (const r of rows) {
    const id = identify('darktrace_model_alerts_CL', r)!;
    landedCounts.set(alertKey(id.type, id.id), (landedCounts.get(alertKey(id.type, id.id)) ?? 0) + 1);
  }
  const cols = Object.entries(reliedOnColumns()).map(([name, type]) => ({ name, type }));
  return {
    sink: 'dataCollector',
    generated: [
      { type: 'modelBreach', id: '1' },
      { type: 'modelBreach', id: '2' },
      { type: 'modelBreach', id: '3' },
      { type: 'email', id: 'ABC.1' },
    ],
    landedCounts,
    unmatchedRows: 0,
    tables: [{ name: 'darktrace_model_alerts_CL', rowCount: 4, columns: cols }],
    rows: async () => rows,
    kql: async () => ({ columns: ['n'], rows: [[3]] }),
    requests: [
      { status: 200, errorCode: null, injectedFault: null, route: 'dataCollector' },
      { status: 503, errorCode: 'ServiceUnavailable', injectedFault: 'rule-1', route: 'dataCollector' },
    ],
    deadLettered: 1,
    latency: { ...emptyLatency(), count: 4, p50: 100, p99: 900 },
    landedPerSecond: 50,
    ...over,
  };
}

describe('identity of landed rows', () => {
  it('reads each type\'s key as the connector maps it', () => {
    expect(identify('darktrace_model_alerts_CL', { dtProduct_s: 'AI Analyst', url_s: 'https://x/#aiaincidentevent/abc-1' })).toEqual({ type: 'aiAnalyst', id: 'abc-1' });
    expect(identify('darktrace_model_alerts_CL', { dtProduct_s: 'System Alert', uuid_g: 'ff0870cc-10ef-4711-98f3-8d69813ccc88', status_s: 'Resolved' })).toEqual({ type: 'systemAlert', id: 'ff0870cc-10ef-4711-98f3-8d69813ccc88', status: 'Resolved' });
    expect(alertKey('systemAlert', 'FF08', 'Resolved')).toBe(alertKey('systemAlert', 'ff08', 'resolved'));
    expect(alertKey('systemAlert', 'ff08', 'active')).not.toBe(alertKey('systemAlert', 'ff08', 'resolved'));
    expect(identify('darktrace_model_alerts_CL', { dtProduct_s: 'Model Breach', threatID_d: 1 })).toBeUndefined();
    expect(identify('DarktraceModelAlerts_CL', { threatId: 7 })).toEqual({ type: 'modelBreach', id: '7' });
  });
});

/** SHA-256 of a JSON file's content, independent of its whitespace. */
function jsonFingerprint(file: string | URL): string {
  return createHash('sha256').update(JSON.stringify(JSON.parse(readFileSync(file, 'utf8')))).digest('hex');
}

// The fingerprint of ../shared/spec/darktrace-columns.json when it was copied into the harness.
const SPEC_COLUMNS_SHA256 = '1b1a8f0819cb36cd1ef708884e33ac26f116d6e5c86c146ef9975aeb7dced980';

describe('default columns', () => {
  it('are the 67 columns the content relies on, copied verbatim from the spec', () => {
    expect(Object.keys(reliedOnColumns())).toHaveLength(67);
    // The copy matches the spec's recorded fingerprint, so a clone without ../shared still checks it;
    // where the spec sits beside the checkout, the fingerprint is checked against the spec itself.
    expect(jsonFingerprint(SPEC_COLUMNS_FILE)).toBe(SPEC_COLUMNS_SHA256);
    const spec = new URL('../../../shared/spec/darktrace-columns.json', import.meta.url);
    if (existsSync(spec)) expect(jsonFingerprint(spec)).toBe(SPEC_COLUMNS_SHA256);
  });
});

describe('evaluate', () => {
  it('counts generated, landed, duplicates and lost per dtProduct', () => {
    expect(alertCounts(observations())).toEqual({
      'Policy Breach': { generated: 3, landed: 2, duplicates: 1, lost: 1 },
      'Antigena Email': { generated: 1, landed: 1, duplicates: 0, lost: 0 },
    });
  });

  it('a system alert raised twice under one uuid and status is two alerts: two rows are not a duplicate', () => {
    const key = alertKey('systemAlert', 'u-1', 'active');
    const generated = [
      { type: 'systemAlert' as const, id: 'u-1', status: 'active' },
      { type: 'systemAlert' as const, id: 'u-1', status: 'active' },
    ];
    expect(alertCounts({ sink: 'dataCollector', generated, landedCounts: new Map([[key, 2]]) })['System Alert']).toEqual({ generated: 2, landed: 2, duplicates: 0, lost: 0 });
    expect(alertCounts({ sink: 'dataCollector', generated, landedCounts: new Map([[key, 3]]) })['System Alert']).toEqual({ generated: 2, landed: 2, duplicates: 1, lost: 0 });
    expect(alertCounts({ sink: 'dataCollector', generated, landedCounts: new Map([[key, 1]]) })['System Alert']).toEqual({ generated: 2, landed: 1, duplicates: 0, lost: 1 });
  });

  it('landed fails naming the lost ids', async () => {
    // all: the types generated (no traffic declared here), not the four types whatever was generated.
    const results = await evaluate({ landed: 'all' }, observations());
    expect(results.map((r) => r.name)).toEqual(['landed: Policy Breach', 'landed: Antigena Email']);
    const [breach, email] = results;
    expect(breach).toMatchObject({ name: 'landed: Policy Breach', passed: false, expected: '3 (every generated)', measured: '2' });
    expect(breach!.message).toBe('1 of 3 Policy Breach alerts never landed (first ids: 3)');
    expect(email).toMatchObject({ name: 'landed: Antigena Email', passed: true });
  });

  it('duplicates, rejected, requests, dead-lettered, nothing lost', async () => {
    const r = await evaluate(
      { duplicates: { max: 0 }, rejected: 'injectedOnly', requests: [{ status: 503, min: 1 }], deadLettered: { equals: 1 }, nothingLost: true },
      observations(),
    );
    expect(r.map((x) => [x.name, x.passed, x.measured])).toEqual([
      ['nothing lost: landed or dead-lettered', true, '1 not landed, 1 dead-lettered'],
      ['duplicates', false, '1'],
      ['no rejected requests but injected ones', true, '0'],
      ['requests answered 503', true, '1'],
      ['dead-lettered', true, '1'],
    ]);
    const rejected = await evaluate({ rejected: 'injectedOnly' }, observations({ requests: [{ status: 403, errorCode: 'InvalidAuthorization', injectedFault: null, route: 'dataCollector' }] }));
    expect(rejected[0]).toMatchObject({ passed: false, measured: '1 (403 InvalidAuthorization×1)' });
    expect(rejected[0]!.message).toBe('the mock rejected 1 requests that no fault injected: 403 InvalidAuthorization×1');
  });

  it('rejected: a request abandoned by a killed connector (status 0) is excused up to what the kills explain, never beyond', async () => {
    const abandoned = { status: 0, errorCode: null, injectedFault: null, route: 'dataCollector' };
    const excused = await evaluate({ rejected: 'injectedOnly' }, observations({ requests: [abandoned], abandonedByKills: 1 }));
    expect(excused[0]).toMatchObject({ passed: true, measured: '0 (1 abandoned by a killed connector, not counted)' });
    const noKill = await evaluate({ rejected: 'injectedOnly' }, observations({ requests: [abandoned] }));
    expect(noKill[0]).toMatchObject({ passed: false, measured: '1 (0×1)' });
    const beyond = await evaluate({ rejected: 'injectedOnly' }, observations({ requests: [abandoned, abandoned], abandonedByKills: 1 }));
    expect(beyond[0]).toMatchObject({ passed: false, measured: '1 (0×1, 1 abandoned by a killed connector, not counted)' });
  });

  it('columns: default passes with every relied-on column, fails naming missing, mistyped and forbidden ones', async () => {
    expect((await evaluate({ columns: 'default' }, observations()))[0]!.passed).toBe(true);
    const cols = Object.entries(reliedOnColumns())
      .filter(([n]) => n !== 'Severity')
      .map(([name, type]) => ({ name, type: name === 'score_d' ? 'string' : type }));
    cols.push({ name: 'Severity_d', type: 'double' });
    const [r] = await evaluate({ columns: 'default' }, observations({ tables: [{ name: 'darktrace_model_alerts_CL', rowCount: 1, columns: cols }] }));
    expect(r!.passed).toBe(false);
    expect(r!.measured).toBe('65 right; missing: Severity; wrong type: score_d is string (expected double); forbidden present: Severity_d');
  });

  it('latency and throughput bounds', async () => {
    const r = await evaluate({ latency: { p50: '1s', p99: '500ms' }, throughput: { min: '100/s' } }, observations());
    expect(r.map((x) => [x.name, x.passed, x.expected, x.measured])).toEqual([
      ['latency p50', true, '≤ 1s', '100ms'],
      ['latency p99', false, '≤ 500ms', '900ms'],
      ['throughput', false, '≥ 100.0 rows/s', '50.0 rows/s'],
    ]);
    expect(r[1]!.message).toBe('p99 latency 900ms is over the bound 500ms');
  });

  it('queries: where filters with counts, generated counts, kql rows', async () => {
    const r = await evaluate(
      {
        queries: [
          { name: 'high scores', where: { dtProduct_s: 'Policy Breach', score_d: { gt: 50 } }, count: 1 },
          { name: 'all breaches', where: { dtProduct_s: 'Policy Breach' }, count: { generated: 'modelBreach' } },
          { name: 'kql', kql: 'T | count', rows: [[3]] },
          { name: 'kql count', kql: 'T | count', count: { min: 2 } },
        ],
      },
      observations(),
    );
    expect(r.map((x) => [x.name, x.passed, x.measured])).toEqual([
      ['query: high scores', true, '1 rows'],
      ['query: all breaches', true, '3 rows'],
      ['query: kql', true, '[[3]]'],
      ['query: kql count', false, '1 rows'],
    ]);
    const failing = await evaluate({ queries: [{ name: 'k', kql: 'bad', count: 1 }] }, observations({ kql: async () => { throw new Error('400 BadArgumentError'); } }));
    expect(failing[0]).toMatchObject({ passed: false, message: 'the query failed: 400 BadArgumentError' });
  });
});
