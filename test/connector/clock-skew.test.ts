// The signing clock's debug hook and what a 403 caused by clock skew does: every signature (SharedKey
// x-ms-date, DTAPI-Date) reads the skewed clock; a skew 403 keeps the records spooled and retries,
// so they land once the clock is fixed (docs/decisions/0002-connector-403-clock-skew-retried.md),
// while a 403 with a right clock is still a refused key (secondary key once, then parked).
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, type Connector } from '../../connector/index.ts';
import { resolveConfig, ConfigError } from '../../connector/config/load.ts';
import type { DataCollectorSinkConfig } from '../../connector/config/types.ts';
import { createDataCollectorSink } from '../../connector/sinks/data-collector/sink.ts';
import { RetryExhaustedError, type SinkOutcome } from '../../connector/sinks/sink.ts';
import { spoolRecord } from '../../connector/spool/record-format.ts';
import { SigningClock } from '../../connector/util/signing-clock.ts';
import { startFakeDarktrace } from './helpers/fake-darktrace.ts';
import { startVerifyingSink, type ReceivedPost, type Reply, type VerifyingSink } from './helpers/verifying-sink.ts';
import { DT_TOKENS, PRIMARY, PUSH_TOKEN, WS, dataCollectorSinkConfig, silentLogger, tempState, testConfig, waitForDelivered, waitForEvent } from './helpers/connector-env.ts';
import { systemStatusAlert } from './helpers/fixtures.ts';

const SECONDARY = 'PQotrdhE7hJx0w+bvR5Q5I4LnofH6be8xEvJ3s3p7L585P8F/HSU6PFMAD1jh93I5Xp+oFVPFVtmekWK06ZLZg==';
const MIN = 60_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Answers like the mock (azure-ingestion.md A4/A10): 403 InvalidAuthorization when x-ms-date is over ±15 min away. */
function skewCheck(p: ReceivedPost): Reply | undefined {
  const off = Math.abs(Date.parse(String(p.headers['x-ms-date'])) - Date.now());
  if (off > 15 * MIN) return { status: 403, body: JSON.stringify({ Error: 'InvalidAuthorization', Message: 'The x-ms-date header is more than 15 minutes away from the server time' }) };
  return undefined;
}

async function skewSink(keys: { primary?: string; secondary?: string }, also?: (p: ReceivedPost) => void): Promise<VerifyingSink> {
  const s = await startVerifyingSink({ workspaceId: WS, keys, reply: (p) => (also?.(p), skewCheck(p)) });
  cleanups.push(() => s.close());
  return s;
}

function sinkCfg(endpoint: string, over: Partial<DataCollectorSinkConfig> = {}): DataCollectorSinkConfig {
  return dataCollectorSinkConfig(endpoint, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, pauseMs: 10 }, ...over });
}

const recs = (n: number) => Array.from({ length: n }, (_, i) => spoolRecord(i + 1, `k:${i}`, JSON.stringify({ dtProduct: 'System Alert', n: i, alertTime: '2024-01-15T09:30:00.000Z' })));

describe('SharedKey signing reads the signing clock', () => {
  it('x-ms-date carries the configured skew', async () => {
    const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY }, reply: () => ({ status: 200 }) });
    cleanups.push(() => sink.close());
    const s = createDataCollectorSink(sinkCfg(sink.url), {}, new SigningClock(20 * MIN));
    await s.deliver(recs(1), () => undefined);
    await s.close();
    const off = Date.parse(String(sink.posts[0]!.headers['x-ms-date'])) - Date.now();
    expect(off).toBeGreaterThan(19 * MIN);
    expect(off).toBeLessThan(21 * MIN);
    expect(sink.posts[0]!.signatureValid).toBe(true);
  });
});

describe('403 from clock skew', () => {
  it('403 InvalidAuthorization with our clock 20 min off is retried, not dead-lettered, and never switches key', async () => {
    const sink = await skewSink({ primary: PRIMARY, secondary: SECONDARY });
    const warnings: string[] = [];
    const retries: string[] = [];
    const s = createDataCollectorSink(sinkCfg(sink.url, { secondaryKey: SECONDARY }), { onRetry: (r) => retries.push(r.reason), onWarning: (m) => warnings.push(m) }, new SigningClock(20 * MIN));
    const outcomes: SinkOutcome[] = [];
    const err = await s.deliver(recs(3), (o) => void outcomes.push(o)).catch((e: unknown) => e);
    await s.close();
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect((err as RetryExhaustedError).lastReason).toMatch(/^403 clock skew: x-ms-date is 1\d{3} s off/);
    expect(outcomes).toEqual([]); // nothing dead-lettered, nothing committed: the records stay spooled
    expect(sink.posts.map((p) => p.status)).toEqual([403, 403, 403]);
    expect(sink.posts.every((p) => p.keyUsed === 'primary')).toBe(true);
    expect(retries).toHaveLength(2);
    expect(warnings.some((w) => /clock/.test(w))).toBe(true);
  });

  it('lands every record once the clock is fixed between attempts', async () => {
    const clock = new SigningClock(-20 * MIN);
    // The operator fixes the clock after the second refused post.
    const sink = await skewSink({ primary: PRIMARY }, (p) => {
      if (p.n === 2) clock.setSkewMs(0);
    });
    const s = createDataCollectorSink(sinkCfg(sink.url), {}, clock);
    const outcomes: SinkOutcome[] = [];
    await s.deliver(recs(3), (o) => void outcomes.push(o));
    await s.close();
    expect(sink.posts.map((p) => p.status)).toEqual([403, 403, 200]);
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered']);
    expect(outcomes[0]!.records.map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('403 with a right clock is still a refused key: the secondary key once, then parked as configuration-like', async () => {
    const sink = await skewSink({ primary: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==' });
    const s = createDataCollectorSink(sinkCfg(sink.url, { secondaryKey: SECONDARY }), {}, new SigningClock(0));
    const outcomes: SinkOutcome[] = [];
    await s.deliver(recs(2), (o) => void outcomes.push(o));
    await s.close();
    expect(sink.posts.map((p) => p.status)).toEqual([403, 403]);
    expect(outcomes.map((o) => o.kind)).toEqual(['park']);
    expect(outcomes[0]!.kind === 'park' && outcomes[0]!.fault.reason).toMatch(/^403 InvalidAuthorization/);
  });

  it('--check names the clock when the 403 comes with a skewed clock', async () => {
    const sink = await skewSink({ primary: PRIMARY });
    const s = createDataCollectorSink(sinkCfg(sink.url), {}, new SigningClock(30 * MIN));
    await expect(s.check()).rejects.toThrow(/clock is 1[78]\d\d s off the server's/);
    await s.close();
  });
});

describe('debug hook: debug.clockSkewMs and PUT /debug/clock-skew', () => {
  async function connectorWithSkewSink(debug: Record<string, unknown> | undefined) {
    const dt = await startFakeDarktrace(DT_TOKENS);
    const sink = await skewSink({ primary: PRIMARY });
    const extra: Record<string, unknown> = { poll: { enabled: false } };
    if (debug) extra.debug = debug;
    const c: Connector = createConnector(testConfig({ darktraceUrl: dt.url, sentinelUrl: sink.url, state: tempState(), extra }), { logger: silentLogger() });
    cleanups.push(() => dt.close(), () => c.close());
    const { url } = await c.listen();
    return { c, url, sink, dt };
  }
  const put = (url: string, body: string) => fetch(`${url}/debug/clock-skew`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
  const push = (url: string, alert: unknown) =>
    fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify(alert) });

  it('a running connector skewed 20 min gets 403s, keeps the alert spooled, and delivers it once the skew is reset', async () => {
    const { c, url, sink } = await connectorWithSkewSink({ enabled: true });
    expect(await (await put(url, JSON.stringify({ ms: 20 * MIN }))).json()).toEqual({ ms: 20 * MIN });
    expect(await (await fetch(`${url}/debug/clock-skew`)).json()).toEqual({ ms: 20 * MIN });
    let deadLettered = 0;
    c.events.on('dead-lettered', () => deadLettered++);
    const paused = waitForEvent<{ reason: string }>(c.events, 'delivery-paused');
    await c.start();
    expect((await push(url, systemStatusAlert())).status).toBe(200);
    expect((await paused).reason).toMatch(/^403 clock skew/);
    const delivered = waitForDelivered(c.events, 1);
    expect((await put(url, '{"ms":0}')).status).toBe(200);
    await delivered;
    expect(deadLettered).toBe(0);
    expect(sink.posts.filter((p) => p.status === 403).length).toBeGreaterThan(0);
    expect(sink.accepted().flatMap((p) => p.records)).toHaveLength(1);
    expect(c.pending()).toBe(0);
  });

  it('DTAPI-Date reads the same clock (debug.clockSkewMs from the config)', async () => {
    const { c, dt } = await connectorWithSkewSink({ enabled: true, clockSkewMs: -45 * MIN });
    expect(await c.check()).toEqual(expect.arrayContaining([expect.stringMatching(/^sentinel: .*clock is -2[67]\d\d s off/)]));
    const d = dt.requests.find((r) => r.path === '/status')!.dtapiDate;
    const sent = Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
    expect(Date.now() - sent).toBeGreaterThan(44 * MIN);
    expect(Date.now() - sent).toBeLessThan(46 * MIN);
  });

  it('the route does not exist unless debug.enabled', async () => {
    const { url } = await connectorWithSkewSink(undefined);
    expect((await put(url, '{"ms":1}')).status).toBe(404);
  });

  it('the route rejects a body without an integer ms in range', async () => {
    const { url } = await connectorWithSkewSink({ enabled: true });
    for (const body of ['{"ms":"5"}', '{"ms":1.5}', '{}', 'x', JSON.stringify({ ms: 31 * 24 * 3600 * 1000 })]) {
      const r = await put(url, body);
      expect(r.status, body).toBe(400);
    }
  });

  it('debug.clockSkewMs without debug.enabled is a config error naming the key', () => {
    const raw = { darktrace: { url: 'http://127.0.0.1:1', ...DT_TOKENS }, sentinel: { workspaceId: WS, sharedKey: PRIMARY }, state: tempState(), debug: { clockSkewMs: 1000 } };
    expect(() => resolveConfig(raw)).toThrow(ConfigError);
    expect(() => resolveConfig(raw)).toThrow(/debug\.clockSkewMs: .*debug\.enabled: true/);
  });
});
