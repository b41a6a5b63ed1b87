// The connector against the real mock's fault injection and error answers: 429/500/503 and dropped
// connections are retried until every record lands once; a 403 (wrong key) parks the table and,
// after stuckAfter, dead-letters its records with the mock's response; a malformed alert is
// dead-lettered while the rest land.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector } from '../../connector/index.ts';
import { createMockSentinel, type FaultRuleInput } from '../../mock-sentinel/index.ts';
import { modelBreach, systemStatusAlert } from '../connector/helpers/fixtures.ts';
import { PUSH_TOKEN, silentLogger, tempState, testConfig } from '../connector/helpers/connector-env.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(rules: FaultRuleInput[], extra: Record<string, any> = {}) {
  const mock = createMockSentinel({ faults: { seed: 1, rules } });
  const { url: mockUrl } = await mock.listen();
  cleanups.push(() => mock.close());
  const state = tempState();
  const c = createConnector(testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: mockUrl, state, extra: { poll: { enabled: false }, ...extra } }), { logger: silentLogger() });
  cleanups.push(() => c.close());
  await c.start();
  const { url } = await c.listen();
  const push = (body: unknown) => fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify(body) });
  const rows = async () => (await (await fetch(`${mockUrl}/_lab/tables/darktrace_model_alerts_CL/rows?limit=1000`)).json()) as Array<Record<string, unknown>>;
  return { mock, c, state, push, rows };
}

const now = Date.now();
const breaches = (from: number, n: number) => Array.from({ length: n }, (_, i) => modelBreach({ pbid: from + i, time: now - 60_000 + i }));

describe('connector × mock faults', () => {
  it('429, 500, 503 and dropped connections are retried; every record lands once', async () => {
    const { c, push, rows } = await setup([
      { route: 'dataCollector', fault: 'drop', count: 1 },
      { route: 'dataCollector', fault: 429, after: 1, count: 2 },
      { route: 'dataCollector', fault: 500, after: 3, count: 1 },
      { route: 'dataCollector', fault: 503, after: 4, count: 1, retryAfter: 0 },
    ], { sentinel: { batch: { maxRecords: 5 } } });
    for (let i = 0; i < 4; i++) expect((await push(breaches(1 + i * 10, 10))).status).toBe(200);
    expect(await c.waitIdle(30_000)).toBe(true);
    const ids = (await rows()).map((r) => r.threatID_d as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 4 }, (_, i) => Array.from({ length: 10 }, (_, j) => 1 + i * 10 + j)).flat());
    const metrics = await c.metrics.registry.getSingleMetricAsString('dtconnector_delivery_retries_total');
    for (const reason of ['429', '500', '503', 'network']) expect(metrics).toContain(`reason="${reason}"`);
  });

  it('403 InvalidAuthorization (wrong key) parks the table, then dead-letters the batch with the response after stuckAfter; nothing lands', async () => {
    const { c, state, push } = await setup([], { sentinel: { sharedKey: Buffer.alloc(64, 7).toString('base64'), stuckAfter: 50 } });
    const parked = new Promise((resolve) => c.events.once('parked', resolve));
    const dead = new Promise((resolve) => c.events.once('dead-lettered', resolve));
    expect((await push(breaches(100, 3))).status).toBe(200);
    expect(await parked).toMatchObject({ sink: 'dataCollector', target: 'darktrace_model_alerts_CL', configKey: 'sentinel.sharedKey and sentinel.workspaceId' });
    await dead;
    expect(await c.waitIdle(10_000)).toBe(true);
    const entry = JSON.parse(readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').trim());
    expect(entry).toMatchObject({ kind: 'delivery', reason: expect.stringMatching(/^parked for 50ms \(stuckAfter\) without the error clearing: 403 InvalidAuthorization/), response: { status: 403 }, seqs: [1, 3] });
    expect(entry.records.map((r: { threatID: number }) => r.threatID)).toEqual([100, 101, 102]);
    // The shipped DCR's empty Darktrace*_CL tables exist from the start; the legacy table never appeared.
    const tables = (await (await fetch(`${c.config.sentinel.endpoint}/_lab/tables`)).json()) as Array<{ name: string }>;
    expect(tables.map((t) => t.name)).not.toContain('darktrace_model_alerts_CL');
  });

  it('a malformed alert is dead-lettered while the rest land', async () => {
    const { c, state, push, rows } = await setup([]);
    const res = await push([...breaches(200, 2), modelBreach({ pbid: 202, time: 'not a time' }), systemStatusAlert()]);
    expect((await res.json()).rejected).toEqual([{ index: 2, reason: expect.stringContaining("'time' must be a number") }]);
    expect(await c.waitIdle(10_000)).toBe(true);
    expect((await rows()).map((r) => r.dtProduct_s as string).sort()).toEqual(['Policy Breach', 'Policy Breach', 'System Alert']);
    const entry = JSON.parse(readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').trim());
    expect(entry).toMatchObject({ kind: 'alerts', source: 'push', alerts: [{ index: 2, alert: { pbid: 202 } }] });
  });
});
