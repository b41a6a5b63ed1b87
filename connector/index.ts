// createConnector(config): Darktrace sources (pollers + push receiver) → intake (map, filter, dedupe)
// → durable spool → delivery → sink. See docs/reference/connector.md.
import { EventEmitter } from 'node:events';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { ConnectorConfig } from './config/types.ts';
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
import { Poller } from './sources/poller.ts';
import { createPushReceiver } from './sources/push-receiver.ts';
import { Spool } from './spool/spool.ts';
import { DiskSpace } from './util/disk-full.ts';
import { SigningClock } from './util/signing-clock.ts';
import path from 'node:path';

export type { ConnectorConfig } from './config/types.ts';
export { loadConfigFile, resolveConfig, ConfigError } from './config/load.ts';

/**
 * Events: `spooled` {source,count,firstSeq,lastSeq,keys}, `delivered` {count,firstSeq,lastSeq,records},
 * `dead-lettered` {stage:'alert'|'delivery',reason,…}, `checkpoint` {source,endMs,fetched,fresh},
 * `idle` (nothing spooled or parked), `delivery-paused` {reason}, `source-error` {source,kind,message},
 * `parked` {sink,target,reason,cause,configKey,count} (a stream or table set aside after a
 * configuration-like error), `parked-retry` {sink,target,outcome: refused|failed|landed} (one retry
 * of a parked target), `unparked` {sink,target} (its parked records landed).
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
  /** Resolves true once nothing is spooled or parked (false after timeoutMs). */
  waitIdle(timeoutMs?: number): Promise<boolean>;
  /** Tries both ends (a signed Darktrace request, a signed empty Sentinel post); lists the problems. */
  check(): Promise<string[]>;
}

export interface ConnectorOptions {
  logger?: Logger;
  /** Where the connector's own logger writes its JSON lines (default stdout); ignored with `logger`. */
  logDestination?: DestinationStream;
  /** Clock for poll windows and for the stuckAfter deadline of parked targets (tests). */
  now?: () => number;
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
  let spool: Spool | undefined;
  let deadLetters: DeadLetterFile | undefined;
  let disk: DiskSpace | undefined;
  let sink: Sink | undefined;
  let ingest: AlertIngest | undefined;
  let deliverer: Deliverer | undefined;
  let pollers: Poller[] = [];
  let server: ReturnType<typeof createHttpServer> | undefined;
  let running = false;
  let closed = false;
  let pausedReason: string | undefined;
  let stopSummary = () => {};

  events.on('delivery-paused', (e: { reason: string }) => (pausedReason = e.reason));
  events.on('delivered', () => (pausedReason = undefined));
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
    });
    deadLetters = new DeadLetterFile(config.state, disk);
    sink = createSink(config.sentinel, {
      onAttempt: ({ status, durationMs }) => metrics.sinkLatency.observe({ sink: config.sentinel.mode, status: String(status) }, durationMs / 1000),
      onRetry: ({ reason, attempt, delayMs }) => {
        metrics.retried.inc({ sink: config.sentinel.mode, reason: reason.split(' ')[0] === 'network' ? 'network' : reason.split(' ')[0]! });
        log.warn({ sink: config.sentinel.mode, reason, attempt, delayMs }, 'delivery failed transiently; retrying');
      },
      onWarning: (msg, detail) => log.warn(detail, msg),
    }, clock);
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
    if (spool.recovery.tornBytes) log.warn({ bytes: spool.recovery.tornBytes }, 'spool recovered from a torn write');
    return ingest;
  }

  function health(): Record<string, unknown> {
    const sources = Object.fromEntries(pollers.map((p, i) => [sourceNames[i], p.status]));
    const diskStatus = disk?.status();
    const reasons: string[] = [];
    if (diskStatus?.full) reasons.push(`disk full (${diskStatus.freeBytes ?? 'unknown'} bytes free)`);
    if (pausedReason !== undefined) reasons.push(`delivery paused: ${pausedReason}`);
    const parked = deliverer?.parked() ?? [];
    for (const p of parked) reasons.push(`sink ${p.sink} ${deliverer!.targetKind} ${p.target} parked (${p.records} records): ${p.reason}; ${p.cause}; check ${p.configKey}`);
    pollers.forEach((p, i) => p.status.consecutiveFailures > 0 && reasons.push(`source ${sourceNames[i]} failing: ${p.status.lastError}`));
    return {
      status: reasons.length ? 'degraded' : 'ok',
      reasons,
      running,
      disk: diskStatus ?? null,
      spool: spool ? { pendingRecords: spool.pending, bytes: spool.bytes, committedSeq: spool.committedSeq, lastSeq: spool.lastSeq } : null,
      delivery: { sink: config.sentinel.mode, paused: pausedReason ?? null, parked },
      sources,
    };
  }
  let sourceNames: string[] = [];

  function waitIdle(timeoutMs: number): Promise<boolean> {
    if (!spool || (deliverer?.pending ?? spool.pending) === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        events.off('idle', onIdle);
        resolve(v);
      };
      const onIdle = () => done(true);
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
      deliverer = new Deliverer({
        spool: spool!, sink: sink!, deadLetters: deadLetters!, metrics, events, log,
        maxBatchBytes: config.sentinel.batch.maxBytes,
        maxBatchRecords: config.sentinel.batch.maxRecords,
        pauseMs: config.sentinel.retry.pauseMs,
        stuckAfterMs: config.sentinel.stuckAfterMs,
        parkedBackoff: config.sentinel.retry,
        parkedMaxBytes: config.spool.maxBytes,
        parkedSegmentBytes: config.spool.segmentBytes,
        now: opts.now,
      });
      pollers = [];
      sourceNames = [];
      if (config.poll.enabled) {
        const defs = [
          config.poll.sources.modelBreaches && modelBreachesSource(client, config.filters),
          config.poll.sources.aiAnalyst && aiAnalystSource(client, config.filters),
          config.poll.sources.email && emailSource(client, config.darktrace, config.poll, config.filters),
          // The activity streams (Logs Ingestion only; config validation enforces it).
          config.poll.sources.responseActions && responseActionsSource(client),
          config.poll.sources.asm && asmSource(client),
          config.poll.sources.emailRelease && emailReleaseSource(client, config.darktrace),
        ].filter((d) => d !== false);
        for (const def of defs) {
          pollers.push(new Poller(def, { stateDir: config.state, poll: config.poll, spool: spool!, ingest: ing, metrics, events, log, now: opts.now }));
          sourceNames.push(def.name);
        }
      }
      running = true;
      stopSummary = startSummaryLog(metrics, log, config.log.summaryIntervalMs, () => spool?.pending ?? 0);
      deliverer.start();
      for (const p of pollers) p.start();
      log.info({ sources: sourceNames, sink: config.sentinel.mode, endpoint: config.sentinel.endpoint, pending: spool!.pending }, 'connector started');
    },
    async stop() {
      if (!running) return;
      running = false;
      stopSummary();
      await Promise.all(pollers.map((p) => p.stop()));
      await deliverer?.stop();
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
      await sink?.close();
      await client.close();
      spool = undefined;
      ingest = undefined;
    },
    waitIdle(timeoutMs = 60_000) {
      return waitIdle(timeoutMs);
    },
    pollNow() {
      for (const p of pollers) p.pollNow();
    },
    pending() {
      open();
      return deliverer?.pending ?? spool!.pending;
    },
    async check() {
      const problems: string[] = [];
      try {
        await client.get('/status', [['fast', 'true']]);
      } catch (err) {
        problems.push(`darktrace: ${(err as Error).message}`);
      }
      const s = createSink(config.sentinel, undefined, clock);
      try {
        await s.check();
      } catch (err) {
        problems.push(`sentinel: ${(err as Error).message}`);
      } finally {
        await s.close();
      }
      return problems;
    },
  };
}
