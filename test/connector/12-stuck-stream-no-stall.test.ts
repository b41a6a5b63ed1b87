// Regression (issue 12): with one alert type's stream misspelt, the mock answered 404 for it, the
// connector retried that batch for ever and, committing strictly in order, every other type stopped
// behind it; nothing said why and /health said ok. Now a configuration-like refusal parks the
// stream (durably, out of the in-order path): the other streams land, /health is degraded with the
// sink, stream, reason and config key, the error is logged once, and after `stuckAfter` the parked
// records are dead-lettered with the reason — or they land when the error clears (a role granted).
// The stuckAfter clock is the connector's injectable `now`; everything else waits on events.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { email, modelBreach } from './helpers/fixtures.ts';
import { createConnector } from '../../connector/index.ts';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { PRIMARY, PUSH_TOKEN, WS, silentLogger, tempState, testConfig, waitForDelivered, waitForEvent } from './helpers/connector-env.ts';
import { allRows, startHttpsMock, startLiConnector, type HttpsMock, type LiConnector } from './logs-ingestion-helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const TYPO = 'Custom-DarktraceEMAILTypo';
const t = Date.now() - 3_600_000;
const breach = (pbid: number) => modelBreach({ pbid, time: t + pbid, creationTime: t + pbid });
const mail = (n: number) => email({ uuid: `1e0dd1b4-0000-4000-8000-${String(n).padStart(12, '0')}`, dtime_unix: t + n, dtime: new Date(t + n).toISOString() });

/** A clock the test moves: the connector's stuckAfter deadline reads it. */
function testClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
}

async function setup(sentinel: Record<string, unknown>, mockOpts: Parameters<typeof startHttpsMock>[0] = {}): Promise<{ m: HttpsMock; k: LiConnector; clock: ReturnType<typeof testClock> }> {
  const m = await startHttpsMock(mockOpts);
  cleanups.push(() => m.mock.close());
  const clock = testClock();
  const k = await startLiConnector(m, { sentinel: { stuckAfter: '10m', batch: { maxRecords: 3 }, ...sentinel }, now: clock.now });
  cleanups.push(() => k.close());
  return { m, k, clock };
}

async function health(k: LiConnector): Promise<{ status: string; reasons: string[]; delivery: { parked: Array<Record<string, any>> } }> {
  return (await fetch(`${k.url}/health`)).json() as never;
}

async function metric(k: LiConnector, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${k.url}/metrics`)).text();
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').pop());
}

function deadLetters(state: string): Array<Record<string, any>> {
  return readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('a misrouted stream does not stall the others (Logs Ingestion)', () => {
  it('the other types land; the stream is parked with its reason, reported once, then dead-lettered after stuckAfter', async () => {
    const { m, k, clock } = await setup({ streams: { antigenaEmail: TYPO } });
    const parked = waitForEvent<any>(k.c.events, 'parked');
    const firstBreaches = waitForDelivered(k.c.events, 4);
    // Emails first and interleaved, in batches of 3: the in-order commit used to stop every breach behind them.
    expect((await k.push([mail(1), mail(2), breach(1), mail(3), breach(2), breach(3), breach(4)])).status).toBe(200);
    await firstBreaches;
    const breaches = waitForDelivered(k.c.events, 4);
    expect(await parked).toMatchObject({ sink: 'logsIngestion', target: TYPO, configKey: 'sentinel.streams.antigenaEmail', reason: expect.stringMatching(/^404 NotFound: Stream 'Custom-DarktraceEMAILTypo' is not declared/) });
    // Records of the parked stream that arrive now join its queue, behind the first ones.
    expect((await k.push([breach(5), mail(4), breach(6), breach(7), mail(5), breach(8)])).status).toBe(200);
    await breaches;
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // Parked records are retried (capped backoff) and still refused; the error is logged once, not per retry.
    await waitForEvent(k.c.events, 'parked-retry', (e: { outcome: string }) => e.outcome === 'refused');
    await waitForEvent(k.c.events, 'parked-retry', (e: { outcome: string }) => e.outcome === 'refused');
    const h = await health(k);
    expect(h.status).toBe('degraded');
    expect(h.reasons).toEqual([expect.stringMatching(/^sink logsIngestion stream Custom-DarktraceEMAILTypo parked \(5 records\): 404 NotFound: Stream 'Custom-DarktraceEMAILTypo' is not declared .*; unknown stream in the DCR .*; check sentinel\.streams\.antigenaEmail$/)]);
    expect(h.delivery.parked).toEqual([expect.objectContaining({ sink: 'logsIngestion', target: TYPO, records: 5, configKey: 'sentinel.streams.antigenaEmail' })]);
    expect(await metric(k, /^dtconnector_parked_records\{sink="logsIngestion",target="Custom-DarktraceEMAILTypo"\}/)).toBe(5);
    expect(await metric(k, /^dtconnector_config_errors_total\{sink="logsIngestion",target="Custom-DarktraceEMAILTypo"\}/)).toBeGreaterThanOrEqual(3);
    const errorLines = k.logs().filter((l) => l.level >= 50 && String(l.msg).includes(TYPO));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]!.msg).toMatch(/^logsIngestion 404 for stream Custom-DarktraceEMAILTypo: unknown stream in the DCR .*; check sentinel\.streams\.antigenaEmail\./);
    expect(k.c.pending()).toBe(5);

    // stuckAfter passes without the error clearing: dead-lettered, with the reason, in their order.
    const dead = waitForEvent<any>(k.c.events, 'dead-lettered', (e) => e.stage === 'delivery');
    const idle = waitForEvent(k.c.events, 'idle');
    clock.advance(10 * 60_000);
    expect((await dead).reason).toMatch(/^parked for 10m \(stuckAfter\) without the error clearing: 404 NotFound: Stream 'Custom-DarktraceEMAILTypo'.*check sentinel\.streams\.antigenaEmail\)$/);
    await idle;
    const entries = deadLetters(k.state);
    expect(entries.flatMap((e) => e.records.map((r: { uuid: string }) => Number(r.uuid.slice(-12))))).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]).toMatchObject({ kind: 'delivery', sink: 'logsIngestion', response: { status: 404 } });
    expect((await health(k)).status).toBe('ok');
    expect(await metric(k, /^dtconnector_parked_records\{sink="logsIngestion",target="Custom-DarktraceEMAILTypo"\}/)).toBe(0);
    expect(k.c.pending()).toBe(0);
  });

  it('a role missing on the DCR parks every stream; once the role is granted, everything lands once', async () => {
    const { m, k } = await setup({}, { faults: { seed: 1, rules: [{ route: 'logsIngestion', fault: 'role-missing' }] } });
    const parkedBreaches = waitForEvent<any>(k.c.events, 'parked', (e) => e.target === 'Custom-DarktraceModelAlerts');
    const parkedEmails = waitForEvent<any>(k.c.events, 'parked', (e) => e.target === 'Custom-DarktraceEMAIL');
    expect((await k.push([breach(1), mail(1), breach(2), mail(2), breach(3)])).status).toBe(200);
    expect(await parkedBreaches).toMatchObject({ reason: expect.stringMatching(/^403 OperationFailed: /), cause: expect.stringMatching(/no Monitoring Metrics Publisher role/), configKey: 'the role assignment of sentinel.clientId on sentinel.dcrImmutableId' });
    await parkedEmails;
    expect((await health(k)).reasons).toHaveLength(2);
    expect(k.c.pending()).toBe(5);

    // The role assignment arrives.
    const landed = Promise.all(['Custom-DarktraceModelAlerts', 'Custom-DarktraceEMAIL'].map((s) => waitForEvent(k.c.events, 'unparked', (e: { target: string }) => e.target === s)));
    const idle = waitForEvent(k.c.events, 'idle');
    await fetch(`${m.url}/_lab/faults`, { method: 'DELETE' });
    await landed;
    await idle;
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId).sort()).toEqual([1, 2, 3]);
    expect(await allRows(m, 'DarktraceEMAIL_CL')).toHaveLength(2);
    expect((await health(k)).status).toBe('ok');
    expect(k.logs().filter((l) => l.level >= 50).map((l) => l.target)).toEqual(['Custom-DarktraceModelAlerts', 'Custom-DarktraceEMAIL']);
    expect(k.c.pending()).toBe(0);
  });
});

describe('a refused key parks the Data Collector table instead of dead-lettering it', () => {
  it('403 with the only key: parked with the keys to check; once the workspace takes the key again, every record lands once', async () => {
    const mock = createMockSentinel({});
    const { url: mockUrl } = await mock.listen();
    cleanups.push(() => mock.close());
    const c = createConnector(testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: mockUrl, state: tempState(), extra: { poll: { enabled: false }, sentinel: { stuckAfter: '10m' } } }), { logger: silentLogger() });
    cleanups.push(() => c.close());
    await c.start();
    const { url } = await c.listen();
    const push = (body: unknown) => fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify(body) });
    const setKey = (primary: string) => fetch(`${mockUrl}/_lab/workspaces/${WS}/keys`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ primary }) });
    let deadLettered = 0;
    c.events.on('dead-lettered', () => deadLettered++);

    expect((await setKey(Buffer.alloc(64, 9).toString('base64'))).status).toBe(204); // the key is regenerated
    const parked = waitForEvent<any>(c.events, 'parked');
    expect((await push([breach(1), breach(2)])).status).toBe(200);
    expect(await parked).toMatchObject({ sink: 'dataCollector', target: 'darktrace_model_alerts_CL', reason: expect.stringMatching(/^403 InvalidAuthorization/), configKey: 'sentinel.sharedKey and sentinel.workspaceId' });
    // Later records of the table join the parked ones, in order.
    expect((await push([breach(3)])).status).toBe(200);
    await waitForEvent(c.events, 'parked-retry', (e: { outcome: string }) => e.outcome === 'refused');
    const h = (await (await fetch(`${url}/health`)).json()) as { status: string; reasons: string[] };
    expect(h.status).toBe('degraded');
    expect(h.reasons).toEqual([expect.stringMatching(/^sink dataCollector table darktrace_model_alerts_CL parked \(3 records\): 403 InvalidAuthorization.*check sentinel\.sharedKey and sentinel\.workspaceId$/)]);

    const unparked = waitForEvent(c.events, 'unparked');
    expect((await setKey(PRIMARY)).status).toBe(204); // the configured key is valid again
    await unparked;
    expect(await c.waitIdle(10_000)).toBe(true);
    const rows = (await (await fetch(`${mockUrl}/_lab/tables/darktrace_model_alerts_CL/rows?limit=100`)).json()) as Array<{ threatID_d: number }>;
    expect(rows.map((r) => r.threatID_d)).toEqual([1, 2, 3]);
    expect(deadLettered).toBe(0);
    expect(((await (await fetch(`${url}/health`)).json()) as { status: string }).status).toBe('ok');
  });
});
