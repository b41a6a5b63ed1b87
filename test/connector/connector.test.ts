// The connector end to end over real HTTP: fake Darktrace → pollers/receiver → spool → verifying sink.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, type Connector } from '../../connector/index.ts';
import { Spool } from '../../connector/spool/spool.ts';
import { startFakeDarktrace, type FakeDarktrace } from './helpers/fake-darktrace.ts';
import { startVerifyingSink, type VerifyingSink } from './helpers/verifying-sink.ts';
import { DT_TOKENS, PRIMARY, PUSH_TOKEN, WS, silentLogger, tempState, testConfig, waitForDelivered, waitForEvent } from './helpers/connector-env.ts';
import { aiAnalystEvent, email, modelBreach, systemStatusAlert } from './helpers/fixtures.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(extra: Record<string, any> = {}, state = tempState()) {
  const dt = await startFakeDarktrace(DT_TOKENS);
  const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY } });
  cleanups.push(() => dt.close(), () => sink.close());
  return { dt, sink, state, make: (more: Record<string, any> = {}) => makeConnector(dt, sink, state, { ...extra, ...more }) };
}

function makeConnector(dt: FakeDarktrace, sink: VerifyingSink, state: string, extra: Record<string, any>): Connector {
  const c = createConnector(testConfig({ darktraceUrl: dt.url, sentinelUrl: sink.url, state, extra }), { logger: silentLogger() });
  cleanups.push(() => c.close());
  return c;
}

const landed = (sink: VerifyingSink) => sink.accepted().flatMap((p) => p.records);
const now = Date.now();

describe('poll → spool → deliver', () => {
  it('delivers breaches, AI Analyst events and emails, each once, with the time-generated field', async () => {
    const { dt, sink, make } = await setup();
    dt.breaches.push(modelBreach({ pbid: 1, time: now - 60_000, creationTime: now - 50_000 }), modelBreach({ pbid: 2, time: now - 40_000, creationTime: now - 30_000 }));
    dt.events.push(aiAnalystEvent({ id: '04a3f36e-1111-2222-3333-444455556666', createdAt: now - 20_000 }));
    dt.emails.push(email({ uuid: 'A.1', dtime_unix: now - 10_000 }));
    const c = make();
    const done = waitForDelivered(c.events, 4);
    await c.start();
    await done;
    const recs = landed(sink);
    expect(recs.map((r) => r.dtProduct).sort()).toEqual(['AI Analyst', 'Antigena Email', 'Policy Breach', 'Policy Breach']);
    expect(recs.find((r) => r.threatID === 2)!.alertTime).toBe(new Date(now - 40_000).toISOString());
    const mb = dt.requests.find((r) => r.path === '/modelbreaches')!;
    expect(mb.query.get('creationtime')).toBe('true');
  });

  it('dedupes by pbid / event id across the overlap window; the checkpoint survives a restart', async () => {
    const { dt, sink, make } = await setup();
    dt.breaches.push(modelBreach({ pbid: 10, time: now - 5000, creationTime: now - 5000 }));
    dt.events.push(aiAnalystEvent({ id: 'e-1', createdAt: now - 5000 }));
    const c = make();
    let d = waitForDelivered(c.events, 2);
    await c.start();
    await d;
    // A late-created breach and a new event appear; the old ones are still inside the overlap.
    dt.breaches.push(modelBreach({ pbid: 11, time: now - 900_000, creationTime: now - 1000 }));
    dt.events.push(aiAnalystEvent({ id: 'e-2', createdAt: now - 1000 }));
    d = waitForDelivered(c.events, 2);
    c.pollNow();
    await d;
    await c.close();
    // Restart with the same state: nothing is sent again.
    const c2 = make();
    const polled = Promise.all(['modelbreaches', 'aianalyst', 'email'].map((s) => waitForEvent(c2.events, 'checkpoint', (e: { source: string }) => e.source === s)));
    await c2.start();
    const cps = await polled;
    expect(cps.every((e: any) => e.fresh === 0)).toBe(true);
    expect(landed(sink).map((r) => r.threatID ?? r.url).filter((x) => typeof x === 'number').sort()).toEqual([10, 11]);
    expect(landed(sink)).toHaveLength(4);
  });

  it('a malformed alert is dead-lettered with its reason while the rest land', async () => {
    const { dt, sink, state, make } = await setup();
    dt.breaches.push(modelBreach({ pbid: 20, creationTime: now - 5000 }), { pbid: 21, creationTime: now - 4000, model: 'broken' }, modelBreach({ pbid: 22, creationTime: now - 3000 }));
    const c = make();
    const dead = waitForEvent(c.events, 'dead-lettered');
    const d = waitForDelivered(c.events, 2);
    await c.start();
    await d;
    expect((await dead).reason).toMatch(/'time' must be a number|'model' must be an object/);
    expect(landed(sink).map((r) => r.threatID).sort()).toEqual([20, 22]);
    const lines = readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ kind: 'alerts', source: 'modelbreaches', alerts: [expect.objectContaining({ alert: expect.objectContaining({ pbid: 21 }) })] })]);
  });

  it('backs off on Darktrace errors (5xx, bad JSON, dropped connection) and recovers', async () => {
    const { dt, sink, make } = await setup({ poll: { sources: { aiAnalyst: false, email: false } } });
    dt.breaches.push(modelBreach({ pbid: 30, creationTime: now - 5000 }));
    dt.failNext({ status: 503, body: 'busy' }, { status: 200, body: '<html>oops', contentType: 'text/html' }, 'drop');
    const c = make();
    const kinds: string[] = [];
    c.events.on('source-error', (e: { kind: string }) => kinds.push(e.kind));
    const d = waitForDelivered(c.events, 1);
    await c.start();
    await d;
    expect(kinds).toEqual(['server', 'bad-json', 'network']);
    expect(landed(sink).map((r) => r.threatID)).toEqual([30]);
  });

  it('an auth error is reported clearly and without the tokens', async () => {
    const { make } = await setup({ darktrace: { privateToken: 'wrong-private-token' }, poll: { sources: { aiAnalyst: false, email: false } } });
    const c = make();
    const err = waitForEvent(c.events, 'source-error');
    await c.start();
    const e = await err;
    expect(e.kind).toBe('auth');
    expect(e.message).toMatch(/API SIGNATURE ERROR/);
    expect(e.message).not.toMatch(/wrong-private-token|3f6b2c1a/);
  });

  it('pages the Darktrace/Email search until a short page', async () => {
    const { dt, sink, make } = await setup({ poll: { emailItemsPerPage: 2, sources: { modelBreaches: false, aiAnalyst: false } } });
    for (let i = 0; i < 5; i++) dt.emails.push(email({ uuid: `E${i}.1`, dtime_unix: now - 10_000 + i }));
    const c = make();
    const d = waitForDelivered(c.events, 5);
    await c.start();
    await d;
    expect(dt.requests.filter((r) => r.path.endsWith('/emails/search')).map((r) => JSON.parse(r.body).page)).toEqual([0, 1, 2]);
    expect(landed(sink).map((r) => r.uuid).sort()).toEqual(['E0.1', 'E1.1', 'E2.1', 'E3.1', 'E4.1']);
  });
});

describe('stopping', () => {
  it('a clean stop lets the post in flight finish and commits it (no suspected duplicates after)', async () => {
    const dt = await startFakeDarktrace(DT_TOKENS);
    let arrived!: () => void;
    const inFlight = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY }, hold: async () => {
      arrived();
      await released;
    } });
    cleanups.push(() => dt.close(), () => sink.close());
    const state = tempState();
    const c = makeConnector(dt, sink, state, { poll: { enabled: false } });
    await c.start();
    const { url } = await c.listen();
    await fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify(systemStatusAlert()) });
    await inFlight;
    const closing = c.close();
    release();
    await closing;
    const spool = Spool.open(path.join(state, 'spool'), { maxBytes: 1 << 20, segmentBytes: 1 << 20, cursors: ['dataCollector'] });
    expect(spool.pending).toBe(0);
    expect(spool.recovery.suspectedDuplicates).toBeUndefined();
    spool.close();
    expect(sink.accepted()).toHaveLength(1);
  });
});

describe('push receiver', () => {
  async function receiver() {
    const env = await setup({ poll: { enabled: false } });
    const c = env.make();
    await c.start();
    const { url } = await c.listen();
    const post = (body: unknown, token: string | null = PUSH_TOKEN, raw = false) =>
      fetch(`${url}/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: raw ? (body as string) : JSON.stringify(body),
      });
    return { ...env, c, url, post };
  }

  it('requires the bearer token', async () => {
    const { post } = await receiver();
    expect((await post(systemStatusAlert(), null)).status).toBe(401);
    expect((await post(systemStatusAlert(), 'nope')).status).toBe(401);
  });

  it('answers 200 once spooled, and the system alert lands', async () => {
    const { post, c, sink } = await receiver();
    const d = waitForDelivered(c.events, 1);
    const res = await post(systemStatusAlert());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, filtered: 0, duplicates: 0, rejected: [] });
    await d;
    expect(landed(sink)[0]).toMatchObject({ dtProduct: 'System Alert', friendlyName: 'SaaS Error', priority: 'high', status: 'Resolved' });
  });

  it('a pollable alert that arrives twice (push and poll) is spooled once; every system alert push is kept', async () => {
    const { post, c, sink } = await receiver();
    const d = waitForDelivered(c.events, 2);
    expect(await (await post([systemStatusAlert(), modelBreach(), email()])).json()).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(await (await post([modelBreach(), email(), systemStatusAlert({ status: 'active' })])).json()).toMatchObject({ accepted: 1, duplicates: 2 });
    await d;
    expect(await c.waitIdle(10_000)).toBe(true);
    expect(landed(sink).map((r) => `${r.dtProduct}:${r.status ?? r.threatID ?? r.uuid}`).sort())
      .toEqual(['Antigena Email:79D0DD80-5A5E-44E9-A917-8K8567C21877.1', 'Policy Breach:18754', 'System Alert:Active', 'System Alert:Resolved']);
  });

  it("accepts the simulator's push envelope {type, alert} for each of the four types", async () => {
    // The exact `type` values simulator/push/pusher.ts sends (its stream names).
    const { post, c, sink } = await receiver();
    const d = waitForDelivered(c.events, 4);
    const envelopes = [
      { type: 'modelBreach', alert: modelBreach() },
      { type: 'aiAnalyst', alert: aiAnalystEvent() },
      { type: 'systemAlert', alert: systemStatusAlert() },
      { type: 'email', alert: email() },
    ];
    for (const env of envelopes) {
      const res = await post(env);
      expect(res.status, env.type).toBe(200);
      expect(await res.json(), env.type).toMatchObject({ accepted: 1, rejected: [] });
    }
    await d;
    expect(landed(sink).map((r) => r.dtProduct)).toEqual(['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email']);
  });

  it('an envelope with an unknown type is rejected with a reason, not guessed', async () => {
    const { post } = await receiver();
    const res = await post({ type: 'banana', alert: systemStatusAlert() });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/rejected/);
  });

  it('4xx with a reason for malformed input; a body that is not JSON is dead-lettered as received', async () => {
    const { post, state } = await receiver();
    const bad = await post('{not json', PUSH_TOKEN, true);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/not valid JSON/);
    const lines = readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ kind: 'body', source: 'push', body: '{not json', reason: expect.stringMatching(/not valid JSON/) })]);
    const unknown = await post({ hello: 'world' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).rejected[0].reason).toMatch(/cannot tell the alert type/);
  });

  it('an array with one bad alert: the rest are spooled, the bad one is reported and dead-lettered', async () => {
    const { post, c, sink } = await receiver();
    const d = waitForDelivered(c.events, 2);
    const res = await post([systemStatusAlert(), { pbid: 'x' }, { type: 'email', alert: email() }]);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([{ index: 1, reason: expect.stringMatching(/pbid|model/) }]);
    await d;
    expect(landed(sink).map((r) => r.dtProduct).sort()).toEqual(['Antigena Email', 'System Alert']);
  });

  it('serves /health and /metrics', async () => {
    const { post, c, url } = await receiver();
    const d = waitForDelivered(c.events, 1);
    await post(systemStatusAlert());
    await d;
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', running: true, spool: { pendingRecords: 0 } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/dtconnector_alerts_received_total\{source="push"\} 1/);
    expect(metrics).toMatch(/dtconnector_records_spooled_total\{type="System Alert"\} 1/);
    expect(metrics).toMatch(/dtconnector_records_delivered_total\{sink="dataCollector"\} 1/);
    expect(metrics).toMatch(/dtconnector_sink_request_duration_seconds_count\{sink="dataCollector",status="200"\} 1/);
    expect(metrics).toMatch(/dtconnector_suspected_duplicates_total 0/);
    expect(metrics).toMatch(/dtconnector_spool_bytes \d+/);
  });
});
