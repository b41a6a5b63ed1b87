// The scenario engine: start what the topology says, drive the simulated clock and the traffic,
// apply faults on schedule, wait until the connector has drained, collect ground truth and landed
// rows, evaluate every expectation, and return the run report.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario, Fault, AlertType } from '../scenario/types.ts';
import type { FaultRuleInput } from '../../mock-sentinel/index.ts';
import type { RunReport, FaultRecord, ExpectationResult } from '../reports/model.ts';
import { emptyLatency } from '../reports/model.ts';
import { formatDuration } from '../scenario/units.ts';
import { SeriesSampler } from '../measure/series.ts';
import { startInProcessMock, externalMock, type MockDriver } from './mock-driver.ts';
import { observeAnalytics, scenarioRules, type AnalyticsObservation } from './analytics-observer.ts';
import { startInProcessConnector, startChildConnector, externalConnector, freePort, type ConnectorDriver } from './connector-driver.ts';
import { startSimulator } from './simulators.ts';
import type { SimulatorDriver } from './simulator-driver.ts';
import { connectorConfig, PUSH_TOKEN } from './connector-config.ts';
import { LandingTracker } from './landing-tracker.ts';
import { evaluate, alertCounts } from './evaluate.ts';
import { pushMalformed } from './malformed.ts';
import { resolveConfig } from '../../connector/config/load.ts';

export interface Progress {
  phase: 'starting' | 'traffic' | 'draining' | 'evaluating';
  simulatedMs: number;
  durationMs: number;
  generated: number;
  landed: number;
  /** Rows landed per second over the last sample. */
  rate: number;
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  /** Diagnostic lines (faults applied, restarts, drain outcome). */
  log?: (line: string) => void;
}

interface TimelineEntry {
  atMs: number;
  order: number;
  label: string;
  apply: () => Promise<string>;
}

const SAMPLE_MS = 250;

/** The new primary key of a mock.rotateKey fault: 64 bytes derived from the seed, so a run replays. */
export function rotatedKey(seed: number, faultIndex: number): string {
  return createHash('sha512').update(`dtlab mock.rotateKey seed=${seed} fault=${faultIndex}`).digest('base64');
}

/** Wall time during which the simulated clock stood still (holds may overlap; counted once). */
class ClockHold {
  private holds = 0;
  private since = 0;
  private total = 0;
  get held(): boolean {
    return this.holds > 0;
  }
  /** Wall milliseconds held so far, including a hold still in force. */
  get heldMs(): number {
    return this.total + (this.holds > 0 ? performance.now() - this.since : 0);
  }
  hold(): void {
    if (this.holds++ === 0) this.since = performance.now();
  }
  release(): void {
    if (--this.holds === 0) this.total += performance.now() - this.since;
  }
}

/** How long nothing may move (received, spooled, landed) before a drain with missing alerts gives up. */
const QUIET_MS = 5000;

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunReport> {
  const log = opts.log ?? (() => {});
  const startedAt = new Date();
  const wall0 = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'dtlab-run-'));
  let mock: MockDriver | undefined;
  let sim: SimulatorDriver | undefined;
  let connector: ConnectorDriver | undefined;
  const pendingWork: Promise<unknown>[] = [];
  const faults: FaultRecord[] = [];
  let simStart = s.clock.start ? Date.parse(s.clock.start) : Date.now();
  let simNow = simStart;
  let runError: string | undefined;
  // The requests killed connectors may have abandoned mid-flight (see Observations.abandonedByKills).
  let abandonedByKills = 0;
  let tracker: LandingTracker | undefined;
  let sampler: SeriesSampler | undefined;
  const progress = (phase: Progress['phase']) =>
    opts.onProgress?.({
      phase,
      simulatedMs: simNow - simStart,
      durationMs: s.durationMs,
      generated: tracker?.generatedCount ?? 0,
      landed: tracker?.landedCount ?? 0,
      rate: sampler?.points.at(-1)?.landedPerSecond ?? 0,
    });

  try {
    progress('starting');
    // The mock's analytic rules wait on a manual clock from the simulated start: after the drain the
    // harness steps it to the end of simulated time (deterministic, whatever the machine's speed).
    mock =
      s.topology.mock === 'in-process'
        ? await startInProcessMock(s.seed, s.topology.mockPolicy, s.topology.sink === 'logsIngestion', { rules: scenarioRules(s), clock: 'manual', start: new Date(simStart), maxAlertsPerRun: Number.MAX_SAFE_INTEGER })
        : await externalMock(s.topology.mock);
    // The receiver's port is fixed up front: the simulator's pusher needs its URL, and a restarted
    // child connector must come back on the same one.
    const port = await freePort();
    const pushTypes: AlertType[] = s.topology.source === 'push' ? ['modelBreach', 'aiAnalyst', 'systemAlert', 'email'] : ['systemAlert'];
    sim = await startSimulator(
      s,
      simStart,
      s.topology.source === 'poll' ? undefined : { url: `http://127.0.0.1:${port}/push`, token: PUSH_TOKEN, types: pushTypes },
    );
    simStart = simNow = await sim.now();
    const raw = connectorConfig(s, {
      darktrace: { url: sim.url, publicToken: sim.publicToken, privateToken: sim.privateToken },
      sentinel: { url: mock.url, httpsUrl: mock.httpsUrl, caPath: mock.caPath, workspaceId: mock.workspaceId, sharedKey: mock.sharedKey, secondaryKey: mock.secondaryKey },
      stateDir: join(workDir, 'state'),
      listen: `127.0.0.1:${port}`,
      logLevel: s.topology.connector === 'child-process' ? 'error' : 'silent',
      clockStart: simStart,
    });
    const c = s.topology.connector;
    // What one kill can abandon: the Logs Ingestion sink posts up to maxConcurrency chunks at once,
    // the Data Collector sink one batch at a time.
    const sinkConfig = c === 'in-process' || c === 'child-process' ? resolveConfig(raw).sentinel : undefined;
    const inFlightAtMost = sinkConfig?.mode === 'logsIngestion' ? sinkConfig.maxConcurrency : 1;
    connector = c === 'in-process' ? await startInProcessConnector(raw) : c === 'child-process' ? await startChildConnector(raw, workDir, log) : externalConnector(c.url);
    const trk = (tracker = new LandingTracker(mock, s.topology.sink));
    const smp = (sampler = new SeriesSampler({
      generated: () => trk.generatedCount,
      landed: () => trk.landedCount,
      latency: trk.latency,
      connectorPid: () => connector?.pid(),
    }));
    const m = mock;
    const sm = sim;
    const conn = connector;

    // ---- the timeline: traffic events and fault starts/ends, in simulated time -------------------
    const timeline: TimelineEntry[] = [];
    let order = 0;
    const at = (atMs: number, label: string, apply: () => Promise<string>) => timeline.push({ atMs, order: order++, label, apply });
    for (const b of s.bursts) at(b.atMs, `burst ${b.count} ${b.type}`, async () => (await sm.emit(b.type, b.count), ''));
    for (const st of s.stories) at(st.atMs, `story ${st.story}`, async () => (await sm.story(st.story, st.params), ''));
    for (const mf of s.malformed) {
      at(mf.atMs, `malformed ${mf.count} ${mf.kind}`, async () => {
        if (!conn.receiverUrl) throw new Error('malformed alerts need the push receiver');
        const statuses = await pushMalformed(conn.receiverUrl, PUSH_TOKEN, mf.kind, mf.count, s.seed);
        return `receiver answered ${statuses}`;
      });
    }
    // The connector's signing-clock skew in force (it lives in the connector's memory, so a restart
    // after kill -9 loses it and it is applied again), and whether a restart is under way.
    let skewMs = 0;
    let restarting = false;
    // A kill waits for the previous kill's restart: it kills a running connector, never one still
    // starting (under load a restart can outlast the gap between two kills).
    let restartDone: Promise<unknown> = Promise.resolve();
    // While a killed connector starts again, the simulated clock holds still: how long a process
    // takes to start depends on the machine, and a fault window (a clock skew of 30 simulated
    // seconds) must not end before the restarted process runs in it. The restartAfter delay is not
    // held: traffic goes on while the connector is down, which is what a kill test is about.
    const clock = new ClockHold();
    const mockRules = new Map<string, FaultRuleInput>();
    const syncMockRules = () => m.setFaults([...mockRules.values()]);
    s.faults.forEach((f, i) => scheduleFault(f, i));
    function scheduleFault(f: Fault, i: number) {
      const id = `scenario-${i + 1}`;
      const end = f.forMs === undefined ? undefined : f.atMs + f.forMs;
      const route = f.route === 'any' ? '*' : f.route;
      const until = end === undefined ? '' : ` for ${formatDuration(f.forMs!)}`;
      const mockRule = (rule: FaultRuleInput, detail: string) => {
        at(f.atMs, f.fault, async () => {
          mockRules.set(id, rule);
          await syncMockRules();
          return detail + until;
        });
        if (end !== undefined) at(end, `${f.fault} ends`, async () => (mockRules.delete(id), await syncMockRules(), 'cleared'));
      };
      const common = { id, route, ...(f.probability !== undefined ? { probability: f.probability } : {}), ...(f.count !== undefined ? { count: f.count } : {}) };
      switch (f.fault) {
        case 'mock.status':
          mockRule(
            { ...common, fault: f.status as 429 | 500 | 503, ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter } : {}) },
            `${f.status}${f.retryAfter !== undefined ? ` Retry-After ${f.retryAfter}s` : ''}${f.probability !== undefined ? ` p=${f.probability}` : ''}${f.count ? ` ×${f.count}` : ''}`,
          );
          break;
        case 'mock.latency':
          mockRule({ ...common, fault: 'latency', latencyMs: Math.round(f.latencyMs!) }, `+${formatDuration(f.latencyMs!)}`);
          break;
        case 'mock.drop':
          mockRule({ ...common, fault: 'drop' }, 'connections dropped');
          break;
        case 'mock.storeThenDrop':
          mockRule({ ...common, fault: 'store-then-drop' }, 'batches stored, then connections dropped');
          break;
        case 'mock.roleMissing':
          // Lifted by the scenario's `for` (the rule is removed then): the role assignment arrives.
          mockRule({ id, route: 'logsIngestion', fault: 'role-missing' }, '403 OperationFailed: no role assignment on the DCR');
          break;
        case 'mock.rotateKey':
          at(f.atMs, f.fault, async () => (await m.rotatePrimaryKey(rotatedKey(s.seed, i)), 'primary key replaced (PUT /_lab/workspaces/:id/keys); only the secondary key signs'));
          break;
        case 'connector.kill':
          at(f.atMs, f.fault, async () => {
            await restartDone;
            await conn.kill();
            abandonedByKills += inFlightAtMost;
            restarting = true;
            const restart = (async () => {
              let held = false;
              try {
                if (f.restartAfterMs) await new Promise((r) => setTimeout(r, f.restartAfterMs));
                clock.hold();
                held = true;
                await conn.restart();
                log(`connector restarted (restart ${conn.restarts})`);
                if (skewMs !== 0) {
                  await conn.setClockSkew(skewMs);
                  log(`connector clock skew ${formatDuration(skewMs)} applied again after the restart`);
                }
              } finally {
                restarting = false;
                if (held) clock.release();
              }
            })();
            restartDone = restart.catch((err) => log(`connector restart failed: ${(err as Error).message}`));
            pendingWork.push(restartDone);
            return `kill -9, restart after ${formatDuration(f.restartAfterMs)}`;
          });
          break;
        case 'connector.pause':
          at(f.atMs, f.fault, async () => (conn.pause(), `SIGSTOP${until}`));
          at(end!, `${f.fault} ends`, async () => (conn.resume(), 'SIGCONT'));
          break;
        case 'connector.clockSkew': {
          // The connector's debug hook skews the clock its signatures read (x-ms-date, DTAPI-Date).
          // While the connector is down (kill -9), the restart applies the skew in force instead.
          const setSkew = async (ms: number) => {
            skewMs = ms;
            try {
              await conn.setClockSkew(ms);
              return '';
            } catch (err) {
              if (restarting) return ' (the connector is restarting: applied when it is back)';
              throw err;
            }
          };
          at(f.atMs, f.fault, async () => `connector signing clock ${f.skewMs! >= 0 ? '+' : ''}${formatDuration(f.skewMs!)} (PUT /debug/clock-skew)${await setSkew(f.skewMs!)}${until}`);
          if (end !== undefined) at(end, `${f.fault} ends`, async () => `clock fixed (skew 0)${await setSkew(0)}`);
          break;
        }
        case 'simulator.authError':
        case 'simulator.status':
        case 'simulator.slow': {
          const fault =
            f.fault === 'simulator.authError' ? { kind: 'authError' as const } : f.fault === 'simulator.status' ? { kind: 'status' as const, status: f.status! } : { kind: 'slow' as const, latencyMs: f.latencyMs! };
          at(f.atMs, f.fault, async () => {
            await sm.setFault(fault);
            return `${f.fault === 'simulator.status' ? `${f.status} ` : f.fault === 'simulator.slow' ? `+${formatDuration(f.latencyMs!)} ` : ''}on the Darktrace API${until}`;
          });
          if (end !== undefined) {
            at(end, `${f.fault} ends`, async () => {
              // Read before clearing: the next PUT or DELETE restarts the simulator's hit counts.
              const hits = await sm.faultHits();
              await sm.setFault(undefined);
              return `cleared after ${hits} Darktrace API requests were faulted`;
            });
          }
          break;
        }
      }
    }
    timeline.sort((a, b) => a.atMs - b.atMs || a.order - b.order);

    // ---- traffic phase -------------------------------------------------------------------------
    let nextSample = 0;
    const observe = async () => {
      trk.addGenerated(await sm.newlyGenerated());
      await trk.poll();
      const now = performance.now();
      if (now >= nextSample) {
        smp.sample();
        nextSample = now + SAMPLE_MS;
        progress(simNow - simStart >= s.durationMs ? 'draining' : 'traffic');
      }
    };
    const end = simStart + s.durationMs;
    const trafficWall0 = performance.now();
    let lastStepWall = trafficWall0;
    let steppedTarget = simStart;
    let ti = 0;
    while (simNow < end) {
      let target: number;
      if (clock.held) {
        await m.nextStore(50).catch(() => {});
        await observe();
        continue;
      }
      if (s.clock.mode === 'stepped') {
        const wait = lastStepWall + s.clock.intervalMs - performance.now();
        if (wait > 0) await m.nextStore(wait).catch(() => {});
        if (clock.held || performance.now() < lastStepWall + s.clock.intervalMs) {
          await observe();
          continue;
        }
        lastStepWall = performance.now();
        steppedTarget = Math.min(end, steppedTarget + s.clock.stepMs);
        target = steppedTarget;
      } else {
        await m.nextStore(50).catch(() => {});
        if (clock.held) continue;
        target = Math.min(end, simStart + Math.floor((performance.now() - trafficWall0 - clock.heldMs) * s.clock.speed));
      }
      // Apply every timeline entry due up to the target, at its own simulated time.
      while (ti < timeline.length && simStart + timeline[ti]!.atMs <= target) {
        const e = timeline[ti++]!;
        const t = simStart + e.atMs;
        if (t > simNow) {
          await sm.advanceTo(t);
          simNow = t;
        }
        let detail: string;
        try {
          detail = await e.apply();
        } catch (err) {
          detail = `failed: ${(err as Error).message}`;
        }
        if (!e.label.startsWith('burst') && !e.label.startsWith('story')) {
          faults.push({ atMs: e.atMs, fault: e.label, detail, appliedAt: (performance.now() - wall0) / 1000 });
          log(`${formatDuration(e.atMs)} ${e.label}: ${detail}`);
        }
      }
      if (target > simNow) {
        await sm.advanceTo(target);
        simNow = target;
      }
      await observe();
    }
    // Faults bounded by a time window end with the traffic; count-limited mock rules stay until used up.
    // (Re-setting the rules resets the mock's counters, so only when one actually ended.)
    let ended = false;
    for (const [id, rule] of mockRules) if (rule.count === undefined) ended = mockRules.delete(id) || ended;
    if (ended) await syncMockRules();
    conn.resume();
    if (skewMs !== 0) {
      skewMs = 0;
      await conn.setClockSkew(0).catch((err) => log(`clock skew reset: ${(err as Error).message}`));
    }
    await sm.setFault(undefined).catch(() => {});

    // ---- drain: until every alert landed and the spool is empty, or nothing moves any more -------
    progress('draining');
    await Promise.allSettled(pendingWork);
    const drainDeadline = performance.now() + s.drainTimeoutMs;
    const trafficEnd = new Date().toISOString();
    let quietSince = performance.now();
    let lastReceived: number | undefined;
    let drained = false;
    // Every poll source must complete a poll that started after the traffic ended: seen as a second
    // lastSuccess after the first one later than the end (the second poll began after the first ended).
    const firstAfterEnd = new Map<string, string>();
    const polledAfterEnd = new Set<string>();
    const sourcesCaughtUp = async (): Promise<boolean | undefined> => {
      const ok = await conn.pollSuccesses();
      if (ok === undefined) return undefined;
      for (const [name, last] of Object.entries(ok)) {
        if (!last || last <= trafficEnd) continue;
        const first = firstAfterEnd.get(name);
        if (first === undefined) firstAfterEnd.set(name, last);
        else if (last > first) polledAfterEnd.add(name);
      }
      return Object.keys(ok).every((n) => polledAfterEnd.has(n));
    };
    while (performance.now() < drainDeadline) {
      conn.pollNow();
      await m.nextStore(200).catch(() => {});
      const before = trk.rowCount;
      trk.addGenerated(await sm.newlyGenerated());
      const fresh = await trk.poll();
      const received = await conn.received();
      if (fresh || trk.rowCount !== before || received !== lastReceived) quietSince = performance.now();
      lastReceived = received;
      const now = performance.now();
      if (now >= nextSample) {
        smp.sample();
        nextSample = now + SAMPLE_MS;
        progress('draining');
      }
      const pending = await conn.pending();
      if (trk.allLanded() && pending === 0) {
        drained = true;
        break;
      }
      if (pending !== 0) continue;
      // The spool is empty and every source has fetched past the end of the traffic: what is still
      // missing will not come (it was dead-lettered, or lost). Rows get a moment to settle.
      const caughtUp = await sourcesCaughtUp();
      const settled = caughtUp === undefined ? now - quietSince > QUIET_MS : caughtUp && now - quietSince > 1000;
      if (settled) {
        drained = true;
        const dead = await conn.deadLettered();
        log(`drain: spool empty and sources caught up; ${trk.generatedCount - trk.landedCount} alerts not landed, ${dead ?? 'unknown'} records dead-lettered`);
        break;
      }
    }
    if (!drained) log(`drain: timed out after ${formatDuration(s.drainTimeoutMs)} with ${(await conn.pending()) ?? 'unknown'} records pending`);
    smp.sample();
  } catch (err) {
    runError = (err as Error).message;
    log(`run error: ${(err as Error).stack ?? runError}`);
  }

  // ---- evaluate and report ------------------------------------------------------------------------
  progress('evaluating');
  const latency = tracker ? tracker.latency.summary() : emptyLatency();
  const landedPerSecond =
    tracker && tracker.firstGeneratedAt !== undefined && tracker.lastLandedAt !== undefined && tracker.lastLandedAt > tracker.firstGeneratedAt
      ? tracker.landedCount / ((tracker.lastLandedAt - tracker.firstGeneratedAt) / 1000)
      : 0;
  let expectations: ExpectationResult[] = [];
  let tables: RunReport['tables'] = [];
  let requests: Awaited<ReturnType<MockDriver['requests']>> = [];
  let deadLettered: number | undefined;
  let analytics: AnalyticsObservation | undefined;
  const sink = s.topology.sink;
  if (mock && tracker && !runError) {
    try {
      // Every rule run due up to a minute past the simulated end (NRT rules run every minute); a mock
      // without the analytics admin API (an external one of an older version) has no analytics.
      analytics = await observeAnalytics(mock.url, new Date(simNow + 60_000)).catch(() => undefined);
      tables = await mock.tables();
      requests = await mock.requests();
      deadLettered = await connector?.deadLettered();
      const mk = mock;
      expectations = await evaluate(s.expect, {
        sink,
        generated: tracker.generated,
        landedCounts: tracker.landedCounts,
        unmatchedRows: tracker.unmatchedRows,
        tables,
        rows: (t) => mk.allRows(t),
        kql: (q) => mk.kql(q),
        requests,
        deadLettered,
        abandonedByKills,
        latency,
        landedPerSecond,
        analytics,
      });
    } catch (err) {
      runError = `evaluation failed: ${(err as Error).message}`;
    }
  }
  const obsCounts = tracker
    ? alertCounts({ sink, generated: tracker.generated, landedCounts: tracker.landedCounts })
    : {};
  const byStatus: Record<string, number> = {};
  for (const r of requests) byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  const report: RunReport = {
    scenario: s.name,
    file: s.file,
    description: s.description,
    seed: s.seed,
    passed: !runError && expectations.length > 0 && expectations.every((e) => e.passed),
    ...(runError ? { error: runError } : {}),
    startedAt: startedAt.toISOString(),
    wallSeconds: Math.round((performance.now() - wall0) / 10) / 100,
    simulated: { start: new Date(simStart).toISOString(), end: new Date(simNow).toISOString(), durationSeconds: (simNow - simStart) / 1000 },
    expectations,
    alerts: obsCounts,
    tables,
    latency,
    throughput: { landedPerSecond: Math.round(landedPerSecond * 10) / 10, peakPerSecond: sampler?.peakPerSecond ?? 0, mockIngestRowsPerSecond: Math.round((mock?.ingestRate() ?? 0) * 10) / 10 },
    connector: {
      mode: connector?.mode ?? String(s.topology.connector),
      restarts: connector?.restarts ?? 0,
      ...(sampler?.rssMaxBytes !== undefined ? { rssMaxBytes: sampler.rssMaxBytes } : {}),
      ...(sampler?.cpuSeconds !== undefined ? { cpuSeconds: Math.round(sampler.cpuSeconds * 100) / 100 } : {}),
      ...(deadLettered !== undefined ? { deadLettered } : {}),
    },
    requests: { total: requests.length, byStatus, injected: requests.filter((r) => r.injectedFault).length },
    faults,
    series: sampler?.points ?? [],
    ...(analytics ? { analytics: { rules: analytics.rules, incidents: analytics.incidents.length } } : {}),
  };

  await connector?.close().catch((err) => log(`connector close: ${(err as Error).message}`));
  await sim?.close().catch((err) => log(`simulator close: ${(err as Error).message}`));
  await mock?.close().catch((err) => log(`mock close: ${(err as Error).message}`));
  rmSync(workDir, { recursive: true, force: true });
  return report;
}

export type { AlertType };
