// Issue 11 follow-up: the poll windows against the real simulator when the connector's clock and the
// appliance's differ. Darktrace selects alerts by times its own clock stamped, so with
// `poll.clock: local` a connector 20 minutes ahead (more than the 10-minute overlap) misses every
// alert created between two polls; with `poll.clock: appliance` (GET /status `time`) each lands once,
// as does a simulator replaying the past faster than real time with a normal overlap and no lookahead.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pino, type Logger } from 'pino';
import { createConnector, type Connector } from '../../connector/index.ts';
import { createSimulator, DEFAULT_TOKENS, type Simulator } from '../../simulator/index.ts';
import { startVerifyingSink, type VerifyingSink } from './helpers/verifying-sink.ts';
import { PRIMARY, WS, silentLogger, tempState, testConfig, waitForEvent } from './helpers/connector-env.ts';

const MIN = 60_000;
const NO_NOISE = 'modelBreach=0,aiAnalyst=0,systemAlert=0,email=0,story=0';
const KEY_PREFIX: Record<string, string> = { modelBreach: 'pb:', aiAnalyst: 'aia:', email: 'email:' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A whole second: /status reports seconds, so a skew from it is then exact. */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

async function startSim(o: { clockStart: number; rates?: string; backfill?: string; dateReference?: 'wall' | 'simulated' }): Promise<{ sim: Simulator; url: string }> {
  // By default the appliance checks DTAPI-Date against its own clock (±30 min), as the real one does;
  // a replay of the past checks it against the machine's, as the lab does.
  const policy = { dateReference: o.dateReference ?? 'simulated' } as const;
  const sim = createSimulator({ seed: 11, speed: 0, clockStart: o.clockStart, backfill: o.backfill ?? 0, rates: o.rates ?? NO_NOISE, users: 20, policy });
  const { url } = await sim.listen();
  cleanups.push(() => sim.close());
  return { sim, url };
}

async function startSink(): Promise<VerifyingSink> {
  const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY } });
  cleanups.push(() => sink.close());
  return sink;
}

function connector(dtUrl: string, sink: VerifyingSink, poll: Record<string, unknown>, opts: Parameters<typeof createConnector>[1] = {}): Connector {
  const c = createConnector(testConfig({ darktraceUrl: dtUrl, sentinelUrl: sink.url, state: tempState(), extra: { poll } }), { logger: silentLogger(), ...opts });
  cleanups.push(() => c.close());
  return c;
}

/** Every key spooled, in order (a key twice would be a duplicate). */
function spooledKeys(c: Connector): string[] {
  const keys: string[] = [];
  c.events.on('spooled', (e: { keys: string[] }) => keys.push(...e.keys));
  return keys;
}

/** Emits one breach at the simulator's now; its key. */
function emitBreach(sim: Simulator): string {
  sim.emitNow('modelBreach', 1);
  return `pb:${sim.engine.truth.at(-1)!.id}`;
}

/** Polls every source once and waits for all of their checkpoints. */
async function pollAll(c: Connector, sources: string[], first = false): Promise<void> {
  const done = Promise.all(sources.map((s) => waitForEvent(c.events, 'checkpoint', (e: { source: string }) => e.source === s)));
  if (first) await c.start();
  else c.pollNow();
  await done;
}

describe('a connector 20 minutes ahead of the appliance, overlap 10m', () => {
  /** b1 before the first poll; b2–b4 between the first and second (b4 within the overlap of the connector's window); b5 before the third. */
  async function run(clock: 'local' | 'appliance') {
    const t0 = wholeSecond(Date.now());
    const { sim, url } = await startSim({ clockStart: t0 });
    const sink = await startSink();
    const c = connector(url, sink, { clock, overlap: '10m', initialLookback: '1h', sources: { aiAnalyst: false, email: false } }, { now: () => sim.clock.now() + 20 * MIN });
    const keys = spooledKeys(c);
    const b1 = emitBreach(sim);
    await pollAll(c, ['modelbreaches'], true);
    sim.advance(1 * MIN);
    const b2 = emitBreach(sim);
    sim.advance(8 * MIN);
    const b3 = emitBreach(sim);
    sim.advance(3 * MIN);
    const b4 = emitBreach(sim);
    await pollAll(c, ['modelbreaches']);
    sim.advance(1 * MIN);
    const b5 = emitBreach(sim);
    await pollAll(c, ['modelbreaches']);
    expect(await c.waitIdle(10_000)).toBe(true);
    return { c, sink, keys, emitted: [b1, b2, b3, b4, b5] };
  }

  it('poll.clock: local misses the alerts created between polls whose appliance time is before the connector\'s window (the bug)', async () => {
    const { keys, sink, emitted: [b1, b2, b3, b4, b5] } = await run('local');
    // Poll 2 asks for [T0+20m − 10m, T0+32m]: b2 (T0+1m) and b3 (T0+9m) are before it; poll 3 asks for
    // [T0+22m, T0+33m]: b5 (T0+13m) is before it. Only b1 and b4 land.
    expect(keys).toEqual([b1, b4]);
    expect(sink.accepted().flatMap((p) => p.records)).toHaveLength(2);
    expect([b2, b3, b5].some((k) => keys.includes(k!))).toBe(false);
  });

  it('poll.clock: appliance lands every alert exactly once; /health and /metrics show the skew', async () => {
    const { c, keys, sink, emitted } = await run('appliance');
    expect(keys).toEqual(emitted);
    expect(sink.accepted().flatMap((p) => p.records).map((r) => `pb:${r.threatID}`)).toEqual(emitted);
    const { url } = await c.listen();
    const health = (await (await fetch(`${url}/health`)).json()) as { darktrace: unknown };
    expect(health.darktrace).toEqual({ clock: 'appliance', clockSkewMs: 20 * MIN });
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^dtconnector_appliance_clock_skew_seconds 1200$/m);
  });
});

describe('a simulator replaying the past faster than real time (stepped clock from 3 h ago)', () => {
  it('poll.clock: appliance, overlap 10m, no lookahead: everything lands once, the first lookback counted from the appliance\'s now, one /status read per poll cycle', async () => {
    const start = wholeSecond(Date.now() - 3 * 3_600_000);
    const { sim, url } = await startSim({ clockStart: start, backfill: '2h', rates: 'modelBreach=40/h,aiAnalyst=6/h,systemAlert=0,email=20/h,story=0', dateReference: 'wall' });
    const sink = await startSink();
    let statusReads = 0;
    sim.events.on('request:end', (e: { url: string }) => void (e.url.startsWith('/status') && statusReads++));
    const c = connector(url, sink, { clock: 'appliance', overlap: '10m', lookahead: 0, initialLookback: '1h' });
    const keys = spooledKeys(c);
    const sources = ['modelbreaches', 'aianalyst', 'email'];
    await pollAll(c, sources, true);
    let cycles = 1;
    while (sim.clock.now() < start + 3 * 3_600_000) {
      sim.advance(10 * MIN);
      await pollAll(c, sources);
      cycles++;
    }
    expect(await c.waitIdle(10_000)).toBe(true);
    // The first window is [appliance now − 1h − overlap, now]: the older backfill is not asked for.
    const firstStart = start - 70 * MIN;
    const truth = sim.engine.truth.filter((t) => t.type in KEY_PREFIX);
    const expected = truth.filter((t) => (t.createdAt ?? t.time) >= firstStart).map((t) => KEY_PREFIX[t.type]! + t.id);
    expect(truth.length - expected.length).toBeGreaterThan(0); // backfill older than the lookback exists
    expect(expected.length).toBeGreaterThan(100);
    expect([...keys].sort()).toEqual([...expected].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(sink.accepted().flatMap((p) => p.records)).toHaveLength(expected.length);
    expect(statusReads).toBe(cycles);
  });
});

describe('poll.clock: appliance, a /status time truncated to the second', () => {
  it('the window reaches past the reported time, so an alert stamped later in that second lands while the clock stands still; the checkpoint stays at the reading', async () => {
    const t0 = wholeSecond(Date.now());
    // The clock stands at t0 + 0.7 s (as a scenario's clock stops when its traffic ends); /status says t0.
    const { sim, url } = await startSim({ clockStart: t0 + 700 });
    const sink = await startSink();
    const c = connector(url, sink, { clock: 'appliance', initialLookback: '1h', sources: { aiAnalyst: false, email: false } });
    const b1 = emitBreach(sim);
    const checkpoint = waitForEvent(c.events, 'checkpoint');
    await c.start();
    expect(await checkpoint).toMatchObject({ source: 'modelbreaches', endMs: t0, fresh: 1 });
    expect(await c.waitIdle(10_000)).toBe(true);
    expect(sink.accepted().flatMap((p) => p.records).map((r) => `pb:${r.threatID}`)).toEqual([b1]);
  });
});

describe('poll.clock: appliance when GET /status fails', () => {
  it('is a failed poll of every source (backoff, lastError, source-error metric), never a fallback to the local clock; the next cycle lands', async () => {
    const t0 = wholeSecond(Date.now());
    const { sim, url } = await startSim({ clockStart: t0 });
    const sink = await startSink();
    const c = connector(url, sink, { clock: 'appliance', interval: '1h', backoffMax: '1h', initialLookback: '1h', sources: { aiAnalyst: false, email: false } });
    const b1 = emitBreach(sim);
    sim.faults.replace([{ path: '/status', status: 503, count: 1 }]);
    const failed = waitForEvent(c.events, 'source-error');
    let breachRequests = 0;
    sim.events.on('request:end', (e: { url: string }) => void (e.url.startsWith('/modelbreaches') && breachRequests++));
    await c.start();
    expect(await failed).toMatchObject({ source: 'modelbreaches', kind: 'server', message: expect.stringMatching(/^GET \/status: /) });
    expect(breachRequests).toBe(0);
    const { url: cUrl } = await c.listen();
    const health = (await (await fetch(`${cUrl}/health`)).json()) as { status: string; sources: Record<string, { lastError: string; consecutiveFailures: number }>; darktrace: unknown };
    expect(health.status).toBe('degraded');
    expect(health.sources.modelbreaches).toMatchObject({ consecutiveFailures: 1, lastError: expect.stringMatching(/GET \/status/) });
    expect(health.darktrace).toEqual({ clock: 'appliance', clockSkewMs: null });
    expect(await (await fetch(`${cUrl}/metrics`)).text()).toMatch(/^dtconnector_source_errors_total\{source="modelbreaches",kind="server"\} 1$/m);
    await pollAll(c, ['modelbreaches']);
    expect(await c.waitIdle(10_000)).toBe(true);
    expect(sink.accepted().flatMap((p) => p.records).map((r) => `pb:${r.threatID}`)).toEqual([b1]);
  });
});

describe('poll.clock: local measures the skew once at start', () => {
  function capture(): { logger: Logger; lines: Array<Record<string, unknown>> } {
    const lines: Array<Record<string, unknown>> = [];
    const dest = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } });
    return { logger: pino({ level: 'debug' }, dest), lines };
  }

  it('warns naming poll.clock when the connector runs ahead by more than half the overlap, and reports it', async () => {
    const t0 = wholeSecond(Date.now());
    const { sim, url } = await startSim({ clockStart: t0 });
    const sink = await startSink();
    const { logger, lines } = capture();
    const c = connector(url, sink, { clock: 'local', overlap: '10m', initialLookback: '1h', sources: { aiAnalyst: false, email: false } }, { logger, now: () => sim.clock.now() + 6 * MIN });
    const measured = waitForEvent(c.events, 'clock-skew');
    await c.start();
    expect(await measured).toMatchObject({ clock: 'local', skewMs: 6 * MIN });
    const warn = lines.find((l) => l.level === 40 && /poll\.clock/.test(String(l.msg)));
    expect(warn).toMatchObject({ clockSkewMs: 6 * MIN, msg: expect.stringMatching(/360 s ahead of the Darktrace appliance's .*poll\.clock: appliance/) });
    const { url: cUrl } = await c.listen();
    expect(((await (await fetch(`${cUrl}/health`)).json()) as { darktrace: unknown }).darktrace).toEqual({ clock: 'local', clockSkewMs: 6 * MIN });
    expect(await (await fetch(`${cUrl}/metrics`)).text()).toMatch(/^dtconnector_appliance_clock_skew_seconds 360$/m);
  });

  it('does not warn within half the overlap; a failed read is only logged at debug', async () => {
    const t0 = wholeSecond(Date.now());
    const { sim, url } = await startSim({ clockStart: t0 });
    const sink = await startSink();
    const quiet = capture();
    const c1 = connector(url, sink, { clock: 'local', overlap: '10m', initialLookback: '1h', sources: { aiAnalyst: false, email: false } }, { logger: quiet.logger, now: () => sim.clock.now() - 4 * MIN });
    const measured = waitForEvent(c1.events, 'clock-skew');
    await c1.start();
    expect(await measured).toMatchObject({ skewMs: -4 * MIN });
    expect(quiet.lines.filter((l) => (l.level as number) >= 40)).toEqual([]);

    sim.faults.replace([{ path: '/status', status: 503 }]);
    const failing = capture();
    const c2 = connector(url, sink, { clock: 'local', initialLookback: '1h', sources: { aiAnalyst: false, email: false } }, { logger: failing.logger });
    const notMeasured = waitForEvent(c2.events, 'clock-skew');
    const polled = waitForEvent(c2.events, 'checkpoint');
    await c2.start();
    expect(await notMeasured).toMatchObject({ clock: 'local', error: expect.stringMatching(/GET \/status: /) });
    await polled; // the polls themselves do not read /status
    expect(failing.lines.find((l) => /not measured/.test(String(l.msg)))).toMatchObject({ level: 20 });
    expect(failing.lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
    expect((await c2.metrics.sourceErrors.get()).values).toEqual([]); // not a poll failure
  });
});
