// createConnector(config): Darktrace sources (pollers + push receiver) → intake (map, filter, dedupe)
// → durable spool → delivery → sink. See docs/reference/connector.md.
import { EventEmitter } from 'node:events';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { ConnectorConfig, SinkConfig } from './config/types.ts';
import { ConfigError } from './config/load.ts';
import { DarktraceClient } from './darktrace/client.ts';
import { DeadLetterFile } from './spool/dead-letter.ts';
import { Deliverer } from './delivery/deliverer.ts';
import { createFilter } from './intake/filters.ts';
import { createAdminGuard, isLoopbackHost } from './server/admin-guard.ts';
import { createHttpServer } from './server/http-server.ts';
import { createMetrics, type Metrics } from './util/metrics.ts';
import { startSummaryLog } from './server/summary-log.ts';
import { createSink } from './sinks/index.ts';
import type { Sink } from './sinks/sink.ts';
import { aiAnalystSource, asmSource, emailReleaseSource, emailSource, modelBreachesSource, responseActionsSource } from './sources/definitions.ts';
import { AlertIngest } from './intake/ingest.ts';
import { Poller, type WindowClock } from './sources/poller.ts';
import { ApplianceClock, STATUS_TIME_RESOLUTION_MS } from './sources/appliance-clock.ts';
import { createPushReceiver } from './sources/push-receiver.ts';
import { Spool } from './spool/spool.ts';
import { DiskSpace } from './util/disk-full.ts';
import { SigningClock } from './util/signing-clock.ts';
import path from 'node:path';

export type { ConnectorConfig } from './config/types.ts';
export { loadConfigFile, resolveConfig, ConfigError } from './config/load.ts';
export { reloadOnHangup, reloadConfig } from './config/reload.ts';

/**
 * Events: `spooled` {source,count,firstSeq,lastSeq,keys}, `delivered` {sink,count,firstSeq,lastSeq,records},
 * `dead-lettered` {stage:'alert'|'delivery',sink (delivery),reason,…}, `checkpoint` {source,endMs,fetched,fresh},
 * `clock-skew` {clock,skewMs,applianceMs} (a GET /status time read: with poll.clock local once at start,
 * with appliance every poll cycle; {clock,error} when the start's read failed),
 * `idle` {sink} (that sink has nothing spooled or parked), `delivery-paused` {sink,reason},
 * `sink-enabled` / `sink-disabled` {sink,why}, `source-error` {source,kind,message},
 * `parked` {sink,target,reason,cause,configKey,count} (a stream or table set aside after a
 * configuration-like error), `parked-retry` {sink,target,outcome: refused|failed|landed} (one retry
 * of a parked target), `unparked` {sink,target} (its parked records landed), `skipped`
 * {sink,type,count,records} (records of a type the sink does not take, passed by its cursor unsent).
 */
export interface Connector {
  readonly config: ConnectorConfig;
  readonly events: EventEmitter;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Opens the spool, starts the pollers (when enabled) and delivery. */
  start(): Promise<void>;
  /** Stops pollers and delivery; the spool stays on disk. */
  stop(): Promise<void>;
  /** Serves the receiver (if configured), /health and /metrics. */
  listen(): Promise<{ url: string }>;
  /** Stops everything and closes the server. */
  close(): Promise<void>;
  /** Every poller polls at once. */
  pollNow(): void;
  /** Records spooled or parked, not yet delivered or dead-lettered. */
  pending(): number;
  /**
   * Enables or disables one sink while running (false when there is no such sink). A disabled sink
   * keeps its cursor but holds no segments back; enabled again, it goes on from its cursor, or from
   * the first record still on disk if segments it had not read were deleted meanwhile.
   */
  setSinkEnabled(name: string, enabled: boolean): Promise<boolean>;
  /**
   * Applies what may change while running from a re-read config (SIGHUP): each sink's `enabled`.
   * Returns what changed; throws ConfigError (key path and reason) when the sinks differ otherwise.
   */
  applyConfig(next: ConnectorConfig): Promise<string[]>;
  /** Resolves true once no enabled sink has anything spooled or parked (false after timeoutMs). */
  waitIdle(timeoutMs?: number): Promise<boolean>;
  /** Tries both ends (a signed Darktrace request, a signed empty Sentinel post); lists the problems. */
  check(): Promise<string[]>;
}

export interface ConnectorOptions {
  logger?: Logger;
  /** Where the connector's own logger writes its JSON lines (default stdout); ignored with `logger`. */
  logDestination?: DestinationStream;
  /** The connector's clock for poll windows (poll.clock: local) and the stuckAfter deadline of parked targets (tests). */
  now?: () => number;
}

/** One configured sink at run time. */
interface SinkRun {
  cfg: SinkConfig;
  sink: Sink;
  /** Running only while the sink is enabled and the connector started. */
  deliverer?: Deliverer;
  enabled: boolean;
  /** Why delivery is paused (retries ran out, disk full), until the next delivery. */
  paused?: string;
  /** Records of each type this sink does not take that its cursor passed since start (/health). */
  skipped: Record<string, number>;
}

const REDACT = ['*.sharedKey', '*.secondaryKey', '*.clientSecret', '*.privateToken', '*.publicToken', '*.token', 'authorization', '*.authorization', 'headers.authorization'];

export function createConnector(config: ConnectorConfig, opts: ConnectorOptions = {}): Connector {
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const log = opts.logger ?? pino({ level: config.log.level, redact: REDACT, base: { service: 'dtconnector' } }, opts.logDestination);
  const metrics = createMetrics({ defaultMetrics: false });
  // One signing clock for every signature (SharedKey x-ms-date, DTAPI-Date); only the debug hook skews it.
  const clock = new SigningClock(config.debug.enabled ? config.debug.clockSkewMs : 0);
  const client = new DarktraceClient(config.darktrace, clock);
  // The connector's own clock as the poll windows read it with poll.clock: local. The debug skew
  // stays out of it: that hook models a wrong signing clock (docs/reference/connector.md, Debug hooks).
  const localNow = opts.now ?? Date.now;
  const applianceClock = new ApplianceClock({
    getStatus: (signal) => client.get('/status', [['fast', 'true'], ['includechildren', 'false']], signal),
    localNow,
    // One reading per poll cycle, shared by every poller (pollNow starts a new cycle).
    maxAgeMs: config.poll.intervalMs,
    onReading: (r) => {
      metrics.clockSkew.set((r.localMs - r.applianceMs) / 1000);
      // With poll.clock: local, measureSkew emits it once it has logged what it found.
      if (config.poll.clock === 'appliance') events.emit('clock-skew', { clock: 'appliance', skewMs: r.localMs - r.applianceMs, applianceMs: r.applianceMs });
    },
  });
  const windowClock: WindowClock = config.poll.clock === 'appliance' ? (signal) => applianceClock.now(signal) : () => localNow();
  let spool: Spool | undefined;
  let deadLetters: DeadLetterFile | undefined;
  let disk: DiskSpace | undefined;
  let ingest: AlertIngest | undefined;
  /** One per configured sink, in config order: its sink, its deliverer over its own spool cursor. */
  let sinks: SinkRun[] = [];
  let pollers: Poller[] = [];
  let server: ReturnType<typeof createHttpServer> | undefined;
  let running = false;
  let closed = false;
  let stopSummary = () => {};
  const runOf = (name: string | undefined) => sinks.find((r) => r.cfg.name === name);

  events.on('delivery-paused', (e: { sink: string; reason: string }) => {
    const r = runOf(e.sink);
    if (r) r.paused = e.reason;
  });
  events.on('delivered', (e: { sink: string }) => {
    const r = runOf(e.sink);
    if (r) r.paused = undefined;
    updateSinkGauges();
  });
  events.on('spooled', () => updateSinkGauges());
  events.on('skipped', (e: { sink: string; type: string; count: number }) => {
    const r = runOf(e.sink);
    if (r) r.skipped[e.type] = (r.skipped[e.type] ?? 0) + e.count;
    updateSinkGauges();
  });
  // A record refused by Sentinel is in the dead-letter file: replaying it must not be a "duplicate".
  events.on('dead-lettered', (e: { stage: string; records?: { key: string }[] }) => {
    if (e.stage === 'delivery' && e.records) ingest?.forget(e.records.map((r) => r.key));
  });

  function open(): AlertIngest {
    if (ingest) return ingest;
    // One disk-full state for the state directory: the spool and the dead-letter file share it.
    disk = new DiskSpace(config.state);
    spool = Spool.open(path.join(config.state, 'spool'), {
      maxBytes: config.spool.maxBytes,
      segmentBytes: config.spool.segmentBytes,
      onWarning: (msg, detail) => log.warn(detail, msg),
      disk,
      cursors: config.sinks.map((c) => c.name),
    });
    for (const c of config.sinks) spool.setEnabled(c.name, c.enabled);
    deadLetters = new DeadLetterFile(config.state, disk);
    sinks = config.sinks.map((cfg) => ({
      cfg,
      enabled: cfg.enabled,
      skipped: {},
      sink: createSink(cfg, {
        onAttempt: ({ status, durationMs }) => metrics.sinkLatency.observe({ sink: cfg.name, status: String(status) }, durationMs / 1000),
        onRetry: ({ reason, attempt, delayMs }) => {
          metrics.retried.inc({ sink: cfg.name, reason: reason.split(' ')[0] === 'network' ? 'network' : reason.split(' ')[0]! });
          log.warn({ sink: cfg.name, reason, attempt, delayMs }, 'delivery failed transiently; retrying');
        },
        onWarning: (msg, detail) => log.warn({ sink: cfg.name, ...detail }, msg),
      }, clock),
    }));
    ingest = new AlertIngest({
      spool,
      filter: createFilter(config.filters),
      mapping: { linkBase: config.darktrace.linkBase, modelNameSeparator: config.mapping.modelNameSeparator, breachTimeField: config.mapping.breachTimeField },
      timeGeneratedField: config.sentinel.timeGeneratedField,
      deadLetters,
      metrics,
      events,
      log,
    });
    metrics.spoolBytes.set(spool.bytes);
    metrics.spoolPending.set(spool.pending);
    updateSinkGauges();
    if (spool.recovery.tornBytes) log.warn({ bytes: spool.recovery.tornBytes }, 'spool recovered from a torn write');
    return ingest;
  }

  function health(): Record<string, unknown> {
    const sources = Object.fromEntries(pollers.map((p, i) => [sourceNames[i], p.status]));
    const diskStatus = disk?.status();
    const reasons: string[] = [];
    if (diskStatus?.full) reasons.push(`disk full (${diskStatus.freeBytes ?? 'unknown'} bytes free)`);
    const perSink = sinks.map((r) => {
      if (r.enabled && r.paused !== undefined) reasons.push(`sink ${r.cfg.name} delivery paused: ${r.paused}`);
      const parked = r.deliverer?.parked() ?? [];
      for (const p of parked) reasons.push(`sink ${p.sink} ${r.deliverer!.targetKind} ${p.target} parked (${p.records} records): ${p.reason}; ${p.cause}; check ${p.configKey}`);
      const cursor = spool?.cursor(r.cfg.name);
      return {
        name: r.cfg.name,
        mode: r.cfg.mode,
        enabled: r.enabled,
        status: !r.enabled ? 'disabled' : r.paused !== undefined || parked.length ? 'degraded' : 'ok',
        pendingRecords: r.deliverer?.pending ?? cursor?.pending ?? 0,
        committedSeq: cursor?.committedSeq ?? 0,
        paused: r.paused ?? null,
        parked,
        // Per type, records not for this sink (the activity streams at a Data Collector sink).
        skipped: { ...r.skipped },
      };
    });
    const first = perSink[0];
    pollers.forEach((p, i) => p.status.consecutiveFailures > 0 && reasons.push(`source ${sourceNames[i]} failing: ${p.status.lastError}`));
    return {
      status: reasons.length ? 'degraded' : 'ok',
      reasons,
      running,
      disk: diskStatus ?? null,
      spool: spool ? { pendingRecords: spool.pending, bytes: spool.bytes, committedSeq: spool.committedSeq, lastSeq: spool.lastSeq } : null,
      // The first sink's, as before several sinks: { sink, paused, parked }.
      delivery: { sink: first?.name ?? config.sentinel.name, paused: first?.paused ?? null, parked: first?.parked ?? [] },
      sinks: perSink,
      sources,
      // clockSkewMs: the connector's clock minus the appliance's, last measured (null: never read).
      darktrace: { clock: config.poll.clock, clockSkewMs: applianceClock.lastSkewMs ?? null },
    };
  }
  let sourceNames: string[] = [];

  /** Records no enabled sink may still owe: each enabled sink's spooled and parked records. */
  function owed(): number {
    if (!spool) return 0;
    let n = 0;
    for (const r of sinks) if (r.enabled) n += r.deliverer?.pending ?? spool.cursor(r.cfg.name).pending;
    return n;
  }

  function updateSinkGauges(): void {
    if (!spool) return;
    for (const r of sinks) {
      metrics.sinkPending.set({ sink: r.cfg.name }, spool.cursor(r.cfg.name).pending);
      metrics.sinkEnabled.set({ sink: r.cfg.name }, r.enabled ? 1 : 0);
    }
  }

  /** Starts or stops one sink's delivery; its cursor stays, and a disabled sink holds no segments back. */
  async function setSinkEnabled(name: string, enabled: boolean, why: string): Promise<boolean> {
    const r = runOf(name);
    if (!r) return false;
    if (r.enabled === enabled) return true;
    r.enabled = enabled;
    if (!enabled) {
      await r.deliverer?.stop();
      r.deliverer = undefined;
      r.paused = undefined;
    }
    spool?.setEnabled(name, enabled);
    if (enabled && running) startDeliverer(r);
    updateSinkGauges();
    log.info({ sink: name, enabled, why, pending: spool?.cursor(name).pending }, enabled ? 'sink enabled' : 'sink disabled');
    events.emit(enabled ? 'sink-enabled' : 'sink-disabled', { sink: name, why });
    // Disabling the last sink that owed records makes the connector idle.
    if (owed() === 0) events.emit('idle', { sink: name });
    return true;
  }

  function startDeliverer(r: SinkRun): void {
    r.deliverer = new Deliverer({
      spool: spool!.cursor(r.cfg.name), sink: r.sink, deadLetters: deadLetters!, metrics, events, log,
      maxBatchBytes: r.cfg.batch.maxBytes,
      maxBatchRecords: r.cfg.batch.maxRecords,
      pauseMs: r.cfg.retry.pauseMs,
      stuckAfterMs: r.cfg.stuckAfterMs,
      parkedBackoff: r.cfg.retry,
      parkedMaxBytes: config.spool.maxBytes,
      parkedSegmentBytes: config.spool.segmentBytes,
      now: opts.now,
    });
    r.deliverer.start();
  }

  /**
   * poll.clock: local: one best-effort /status read at start. A connector running ahead of the
   * appliance by more than the overlap misses alerts; warn from half of it.
   */
  async function measureSkew(): Promise<void> {
    try {
      const { localMs, applianceMs } = await applianceClock.read();
      const skewMs = localMs - applianceMs;
      if (Math.abs(skewMs) > config.poll.overlapMs / 2) {
        log.warn({ clockSkewMs: skewMs, overlapMs: config.poll.overlapMs },
          `the connector's clock is ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the Darktrace appliance's (GET /status time) and poll.clock is local: `
          + 'ahead by more than poll.overlap, polls miss alerts; set poll.clock: appliance or fix the clock');
      } else log.debug({ clockSkewMs: skewMs }, 'clock skew to the Darktrace appliance measured');
      events.emit('clock-skew', { clock: 'local', skewMs, applianceMs });
    } catch (err) {
      log.debug({ error: (err as Error).message }, 'clock skew to the Darktrace appliance not measured (GET /status failed)');
      events.emit('clock-skew', { clock: config.poll.clock, error: (err as Error).message });
    }
  }

  function waitIdle(timeoutMs: number): Promise<boolean> {
    if (owed() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        events.off('idle', onIdle);
        resolve(v);
      };
      // One sink idle is not enough: every enabled sink must be.
      const onIdle = () => owed() === 0 && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      events.on('idle', onIdle);
    });
  }

  return {
    config,
    events,
    metrics,
    log,
    async start() {
      if (running) return;
      const ing = open();
      pollers = [];
      sourceNames = [];
      if (config.poll.enabled) {
        const defs = [
          config.poll.sources.modelBreaches && modelBreachesSource(client, config.filters),
          config.poll.sources.aiAnalyst && aiAnalystSource(client, config.filters),
          config.poll.sources.email && emailSource(client, config.darktrace, config.poll, config.filters),
          // The activity streams: Logs Ingestion sinks only (config validation wants one; other sinks skip them).
          config.poll.sources.responseActions && responseActionsSource(client),
          config.poll.sources.asm && asmSource(client),
          config.poll.sources.emailRelease && emailReleaseSource(client, config.darktrace),
        ].filter((d) => d !== false);
        for (const def of defs) {
          pollers.push(new Poller(def, { stateDir: config.state, poll: config.poll, spool: spool!, ingest: ing, metrics, events, log, clock: windowClock, clockResolutionMs: config.poll.clock === 'appliance' ? STATUS_TIME_RESOLUTION_MS : 0 }));
          sourceNames.push(def.name);
        }
      }
      running = true;
      stopSummary = startSummaryLog(metrics, log, config.log.summaryIntervalMs, () => spool?.pending ?? 0);
      for (const r of sinks) if (r.enabled) startDeliverer(r);
      for (const p of pollers) p.start();
      if (pollers.length && config.poll.clock === 'local') void measureSkew();
      log.info({ sources: sourceNames, sinks: sinks.map((r) => ({ name: r.cfg.name, mode: r.cfg.mode, endpoint: r.cfg.endpoint, enabled: r.enabled })), pending: spool!.pending }, 'connector started');
    },
    async stop() {
      if (!running) return;
      running = false;
      stopSummary();
      await Promise.all(pollers.map((p) => p.stop()));
      await Promise.all(sinks.map(async (r) => {
        await r.deliverer?.stop();
        r.deliverer = undefined;
      }));
      log.info({ pending: spool?.pending }, 'connector stopped');
    },
    async listen() {
      const ing = open();
      const listenAt = config.receiver?.listen ?? config.monitoring?.listen ?? '127.0.0.1:0';
      server = createHttpServer({
        receiver: config.receiver && { path: config.receiver.path, handle: createPushReceiver(config.receiver, ing) },
        metrics,
        health,
        log,
        waitIdle,
        setSinkEnabled: (name, enabled) => {
          open();
          return setSinkEnabled(name, enabled, 'admin api');
        },
        debugClock: config.debug.enabled ? clock : undefined,
        admitAdmin: createAdminGuard(config.admin),
      });
      const url = await server.listen(listenAt);
      log.info({ url, receiver: config.receiver ? config.receiver.path : null }, `connector listening on ${url}`);
      if (!isLoopbackHost(new URL(url).hostname) && config.admin.token === undefined) {
        log.warn({ url }, 'the admin endpoints (/health, /idle, /metrics, /debug) are reachable from the network without admin.token; set one');
      }
      return { url };
    },
    async close() {
      if (closed) return;
      closed = true;
      await this.stop();
      await server?.close();
      server = undefined;
      spool?.close();
      deadLetters?.close();
      await Promise.all(sinks.map((r) => r.sink.close()));
      await client.close();
      spool = undefined;
      ingest = undefined;
    },
    waitIdle(timeoutMs = 60_000) {
      return waitIdle(timeoutMs);
    },
    pollNow() {
      applianceClock.invalidate();
      for (const p of pollers) p.pollNow();
    },
    pending() {
      open();
      const each = sinks.filter((r) => r.enabled).map((r) => r.deliverer?.pending ?? spool!.cursor(r.cfg.name).pending);
      return each.length ? Math.max(...each) : spool!.pending;
    },
    setSinkEnabled(name: string, enabled: boolean) {
      open();
      return setSinkEnabled(name, enabled, 'api');
    },
    async applyConfig(next: ConnectorConfig) {
      open();
      const changed: string[] = [];
      const issues: string[] = [];
      next.sinks.forEach((c, i) => {
        if (!runOf(c.name)) issues.push(`sinks.${i}.name: '${c.name}' is not a sink this connector runs; adding a sink needs a restart`);
      });
      for (const r of sinks) if (!next.sinks.some((c) => c.name === r.cfg.name)) issues.push(`sinks: '${r.cfg.name}' is missing; removing a sink needs a restart`);
      if (issues.length) throw new ConfigError(issues);
      for (const c of next.sinks) {
        if (runOf(c.name)!.enabled === c.enabled) continue;
        await setSinkEnabled(c.name, c.enabled, 'config reload');
        changed.push(`${c.name} ${c.enabled ? 'enabled' : 'disabled'}`);
      }
      return changed;
    },
    async check() {
      const problems: string[] = [];
      try {
        await client.get('/status', [['fast', 'true']]);
      } catch (err) {
        problems.push(`darktrace: ${(err as Error).message}`);
      }
      for (const cfg of config.sinks) {
        const s = createSink(cfg, undefined, clock);
        try {
          await s.check();
        } catch (err) {
          problems.push(`${config.sinks.length > 1 ? `sink ${cfg.name}` : 'sentinel'}: ${(err as Error).message}`);
        } finally {
          await s.close();
        }
      }
      return problems;
    },
  };
}
