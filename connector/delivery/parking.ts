// The parked targets of one sink: no head-of-line blocking (issue 12). A batch refused for a
// configuration-like reason (ConfigFault) goes to its target's durable ParkedQueue, so the main
// cursor moves past it and other streams or tables keep landing; while a target is parked, its new
// records join the queue too (per-target order kept). Each target is retried on its own with a
// capped exponential backoff; it clears when the service takes its records, and after
// `stuckAfterMs` without clearing its records are dead-lettered with the reason. The error is
// logged once per episode (park → clear or dead-letter), not once per retry.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Metrics } from '../util/metrics.ts';
import { DeliveryAbortedError, RetryExhaustedError, type ConfigFault, type Sink, type SinkOutcome } from '../sinks/sink.ts';
import type { SpoolRecord } from '../spool/spool.ts';
import { DiskFullError } from '../util/disk-full.ts';
import { formatDuration } from '../util/duration.ts';
import { sleep } from '../util/sleep.ts';
import { backoffDelay, type BackoffPolicy } from '../util/backoff.ts';
import { ParkedQueue, type ParkedQueueOptions } from './parked-queue.ts';

/** A final fate (landed, dead-lettered) the deliverer records: dead-letter file, metrics, events. */
export type FinalOutcome = Exclude<SinkOutcome, { kind: 'park' }>;

export interface ParkingOptions {
  sink: Sink;
  /** `<state>/parked/<sink>`: one queue directory per parked target. */
  dir: string;
  queue: ParkedQueueOptions;
  /** How long a target may stay parked before its records are dead-lettered. */
  stuckAfterMs: number;
  /** Between retries of a parked target (capped exponential, jittered). */
  backoff: BackoffPolicy;
  /** Wait before a dead-letter write that failed (disk full) is tried again. */
  pauseMs: number;
  maxBatchBytes: number;
  maxBatchRecords: number;
  /** Records a final fate durably, calls `commit` (the records leave the queue), then tells the world. */
  fate: (o: FinalOutcome, commit: () => void) => void;
  /** Called when a target clears or is dead-lettered (the deliverer may be idle now). */
  onCleared: () => void;
  metrics: Metrics;
  events: EventEmitter;
  log: Logger;
  now?: () => number;
}

/** What /health shows per parked target. */
export interface ParkedStatus {
  sink: string;
  target: string;
  reason: string;
  cause: string;
  configKey: string;
  since: string;
  records: number;
  /** When the records are dead-lettered unless the error clears (since + stuckAfter). */
  deadLetterAt: string;
  /** The last retry's answer, when it differs from the first (still a configuration-like error). */
  lastReason?: string;
}

interface Parked {
  queue: ParkedQueue;
  /** Appends in progress: the queue is not removed under them. */
  appending: number;
  lastReason?: string;
  loop?: Promise<void>;
}

export class ParkingLot {
  private readonly parked = new Map<string, Parked>();
  private stopping = new AbortController();
  private readonly now: () => number;

  constructor(private readonly o: ParkingOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Reopens the queues a previous run left and starts retrying them. */
  start(): void {
    this.stopping = new AbortController();
    for (const queue of ParkedQueue.recover(this.o.dir, this.o.queue)) {
      const p: Parked = { queue, appending: 0 };
      this.parked.set(queue.target, p);
      this.gauge(p);
      this.o.log.error(this.logFields(p), `${this.describe(queue.fault)} (parked before the restart; ${queue.pending} records waiting)`);
      p.loop = this.retry(p, this.stopping.signal);
    }
  }

  /** Ends the retry loops (a retry in flight is aborted) and closes the queues; they stay on disk. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.parked.values()].map((p) => p.loop));
    for (const p of this.parked.values()) p.queue.close();
    this.parked.clear();
  }

  isParked(target: string): boolean {
    return this.parked.has(target);
  }

  get size(): number {
    return this.parked.size;
  }

  /** Records parked in every queue. */
  get records(): number {
    let n = 0;
    for (const p of this.parked.values()) n += p.queue.pending;
    return n;
  }

  /**
   * Moves records out of the in-order path into their target's queue (fsync'd before it returns).
   * The first fault of a target starts its episode: logged once at error level, counted, and a
   * retry loop. Throws DiskFullError or SpoolFullError when they cannot be parked (they then stay
   * in the main spool).
   */
  async park(records: SpoolRecord[], fault: ConfigFault): Promise<void> {
    let p = this.parked.get(fault.target);
    if (!p) {
      const queue = ParkedQueue.create(this.o.dir, { ...fault, since: new Date(this.now()).toISOString() }, this.o.queue);
      p = { queue, appending: 0 };
      this.parked.set(fault.target, p);
    }
    await this.append(p, records);
  }

  /** Adds records to the queue of a target already parked; false when it is not (any more). */
  async join(target: string, records: SpoolRecord[]): Promise<boolean> {
    const p = this.parked.get(target);
    if (!p) return false;
    await this.append(p, records);
    return true;
  }

  private async append(p: Parked, records: SpoolRecord[]): Promise<void> {
    p.appending++;
    try {
      await p.queue.append(records);
    } finally {
      p.appending--;
    }
    this.gauge(p);
    // The first records parked start the episode (a queue whose first append failed has none yet).
    if (!p.loop) {
      const f = p.queue.fault;
      this.o.metrics.configErrors.inc({ sink: this.o.sink.name, target: f.target });
      this.o.log.error(this.logFields(p), this.describe(f));
      this.o.events.emit('parked', { sink: this.o.sink.name, target: f.target, reason: f.reason, cause: f.cause, configKey: f.configKey, count: records.length });
      p.loop = this.retry(p, this.stopping.signal);
    }
  }

  status(): ParkedStatus[] {
    return [...this.parked.values()].map((p) => {
      const f = p.queue.fault;
      return {
        sink: this.o.sink.name,
        target: f.target,
        reason: f.reason,
        cause: f.cause,
        configKey: f.configKey,
        since: f.since,
        records: p.queue.pending,
        deadLetterAt: new Date(Date.parse(f.since) + this.o.stuckAfterMs).toISOString(),
        ...(p.lastReason && p.lastReason !== f.reason ? { lastReason: p.lastReason } : {}),
      };
    });
  }

  /** `Logs Ingestion 404 for stream Custom-X: unknown stream in the DCR; check sentinel.streams.policyBreach`. */
  private describe(f: ConfigFault): string {
    return `${this.o.sink.name} ${f.reason.split(' ')[0]} for ${this.o.sink.targetKind} ${f.target}: ${f.cause}; check ${f.configKey}. Its records are parked and retried for up to ${formatDuration(this.o.stuckAfterMs)} (stuckAfter), then dead-lettered; other ${this.o.sink.targetKind}s go on`;
  }

  private logFields(p: Parked): Record<string, unknown> {
    const f = p.queue.fault;
    return { sink: this.o.sink.name, target: f.target, reason: f.reason, cause: f.cause, configKey: f.configKey, since: f.since, parked: p.queue.pending };
  }

  private gauge(p: Parked): void {
    this.o.metrics.parkedRecords.set({ sink: this.o.sink.name, target: p.queue.target }, p.queue.pending);
  }

  /** Retries one target until it clears, its time runs out, or the lot stops. */
  private async retry(p: Parked, signal: AbortSignal): Promise<void> {
    const { queue } = p;
    const deadline = Date.parse(queue.fault.since) + this.o.stuckAfterMs;
    let attempt = 1;
    let delay = backoffDelay(attempt, this.o.backoff);
    while (!signal.aborted && (queue.pending > 0 || p.appending > 0)) {
      await sleep(Math.min(delay, Math.max(0, deadline - this.now())), signal);
      if (signal.aborted) break;
      if (this.now() >= deadline) {
        if (!(await this.expire(p, signal))) delay = this.o.pauseMs;
        continue;
      }
      if (queue.pending === 0) {
        delay = 1; // an append is on its way
        continue;
      }
      if (await this.tryOnce(p, signal)) {
        attempt = 1;
        delay = 0;
      } else {
        attempt++;
        delay = backoffDelay(attempt, this.o.backoff);
      }
    }
    if (signal.aborted) return;
    this.parked.delete(queue.target);
    queue.remove();
    this.o.metrics.parkedRecords.set({ sink: this.o.sink.name, target: queue.target }, 0);
    this.o.onCleared();
  }

  /** One delivery of the queue's head. True when every record of it got a final fate. */
  private async tryOnce(p: Parked, signal: AbortSignal): Promise<boolean> {
    const { queue } = p;
    const records = await queue.head(this.o.maxBatchBytes, this.o.maxBatchRecords);
    let refused: ConfigFault | undefined;
    let settled = 0;
    try {
      await this.o.sink.deliver(records, async (o) => {
        if (o.kind === 'park') {
          refused ??= o.fault;
          return;
        }
        // Records behind a refused one cannot leave before it: they are sent again next time.
        if (refused) return;
        this.o.fate(o, () => {
          queue.commit(o.records.length);
          settled += o.records.length;
          this.gauge(p);
        });
      }, signal);
    } catch (err) {
      if (err instanceof DeliveryAbortedError || signal.aborted) return false;
      const reason = err instanceof RetryExhaustedError ? err.lastReason : (err as Error).message;
      this.o.log.warn({ sink: this.o.sink.name, target: queue.target, reason }, 'parked records: retry failed; tried again later');
      this.o.events.emit('parked-retry', { sink: this.o.sink.name, target: queue.target, outcome: 'failed', reason });
      return false;
    }
    if (refused) {
      this.o.metrics.configErrors.inc({ sink: this.o.sink.name, target: queue.target });
      if (refused.reason !== p.lastReason) this.o.log.debug({ sink: this.o.sink.name, target: queue.target, reason: refused.reason }, 'parked records still refused');
      p.lastReason = refused.reason;
      this.o.events.emit('parked-retry', { sink: this.o.sink.name, target: queue.target, outcome: 'refused', reason: refused.reason });
      return false;
    }
    this.o.events.emit('parked-retry', { sink: this.o.sink.name, target: queue.target, outcome: 'landed', count: settled });
    if (settled > 0 && queue.pending === 0 && p.appending === 0) {
      this.o.log.info({ sink: this.o.sink.name, target: queue.target, since: queue.fault.since }, `${queue.target} delivers again; its parked records landed`);
      this.o.events.emit('unparked', { sink: this.o.sink.name, target: queue.target });
    }
    return settled === records.length;
  }

  /** stuckAfter passed: every record of the queue is dead-lettered with the reason. False on a full disk. */
  private async expire(p: Parked, signal: AbortSignal): Promise<boolean> {
    const { queue } = p;
    const f = queue.fault;
    const reason = `parked for ${formatDuration(this.o.stuckAfterMs)} (stuckAfter) without the error clearing: ${p.lastReason ?? f.reason} (${f.cause}; check ${f.configKey})`;
    let count = 0;
    try {
      while (!signal.aborted && queue.pending > 0) {
        const records = await queue.head(this.o.maxBatchBytes, this.o.maxBatchRecords);
        this.o.fate({ kind: 'dead-letter', records, reason, response: f.response }, () => {
          queue.commit(records.length);
          count += records.length;
          this.gauge(p);
        });
      }
    } catch (err) {
      const full = err instanceof DiskFullError;
      this.o.log.error({ sink: this.o.sink.name, target: queue.target, reason: (err as Error).message, pauseMs: this.o.pauseMs },
        full ? 'disk full: parked records cannot be dead-lettered yet; tried again after a pause' : 'parked records could not be dead-lettered; tried again after a pause');
      return false;
    }
    if (count > 0) this.o.log.error({ sink: this.o.sink.name, target: queue.target, records: count, reason }, `${count} parked records of ${queue.target} dead-lettered`);
    return true;
  }
}
