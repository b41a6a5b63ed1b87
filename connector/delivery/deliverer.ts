// Drains the spool into the sink, in order, one batch at a time. A record leaves the spool (commit)
// only once its fate is durable: delivered (200/204), dead-lettered (fsync'd first), or parked
// (fsync'd into its target's queue first: a configuration-like error sets the stream or table aside,
// so records bound elsewhere keep flowing; parking.ts) — or at once when it is not for the sink at
// all (a type the sink does not accept: skipped, unsent).
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AlertType } from '../config/types.ts';
import { typeOfKey } from '../intake/identity.ts';
import type { Metrics } from '../util/metrics.ts';
import { DeliveryAbortedError, RetryExhaustedError, type ConfigFault, type Sink, type SinkOutcome } from '../sinks/sink.ts';
import { SpoolFullError, type Spool, type SpoolCursor, type SpoolRecord } from '../spool/spool.ts';
import { DiskFullError } from '../util/disk-full.ts';
import { sleep } from '../util/sleep.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import type { DeadLetterFile } from '../spool/dead-letter.ts';
import { ParkingLot, type FinalOutcome, type ParkedStatus } from './parking.ts';

export interface DelivererOptions {
  /** The sink's cursor over the spool (or a spool with a single reader). */
  spool: SpoolCursor | Spool;
  sink: Sink;
  deadLetters: DeadLetterFile;
  metrics: Metrics;
  events: EventEmitter;
  log: Logger;
  maxBatchBytes: number;
  maxBatchRecords: number;
  pauseMs: number;
  /** On stop, how long a post in flight may finish before it is aborted (default 5 s). */
  stopGraceMs?: number;
  /** How long a target may stay parked before its records are dead-lettered (`sentinel.stuckAfter`, default 10 min). */
  stuckAfterMs?: number;
  /** Backoff between retries of a parked target (default 500 ms doubling to 30 s). */
  parkedBackoff?: BackoffPolicy;
  /** Where the parked queues live (default `<spool>/../parked/<sink name>`). */
  parkedDir?: string;
  /** Bound of each parked queue on disk (default 1 GB); segment size as the main spool's (default 16 MB). */
  parkedMaxBytes?: number;
  parkedSegmentBytes?: number;
  /** Clock of the stuckAfter deadline (tests). */
  now?: () => number;
}

export const DEFAULT_STUCK_AFTER_MS = 10 * 60_000;

export class Deliverer {
  // `stopping` ends waits at once (reads, pauses); `abort` cancels a post in flight, only after a
  // grace period, so a clean stop rarely leaves a sent-but-uncommitted batch (a suspected duplicate).
  private stopping = new AbortController();
  private abort = new AbortController();
  private loop?: Promise<void>;
  private readonly suspect?: { from: number; to: number };
  readonly parking: ParkingLot;

  constructor(private readonly o: DelivererOptions) {
    this.suspect = o.spool.recovery.suspectedDuplicates;
    if (this.suspect) {
      o.log.warn({ sink: o.sink.name, from: this.suspect.from + 1, to: this.suspect.to }, 'records sent before the last stop were not committed; they are re-sent and counted as suspected duplicates');
    }
    this.parking = new ParkingLot({
      sink: o.sink,
      dir: o.parkedDir ?? path.join(path.dirname(o.spool.dir), 'parked', o.sink.name),
      queue: { maxBytes: o.parkedMaxBytes ?? 1024 ** 3, segmentBytes: o.parkedSegmentBytes ?? 16 * 1024 ** 2, disk: o.spool.disk, onWarning: (msg, detail) => o.log.warn(detail, msg) },
      stuckAfterMs: o.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS,
      backoff: o.parkedBackoff ?? { baseDelayMs: 500, maxDelayMs: 30_000 },
      pauseMs: o.pauseMs,
      maxBatchBytes: o.maxBatchBytes,
      maxBatchRecords: o.maxBatchRecords,
      fate: (f, commit) => this.fate(f, commit),
      onCleared: () => this.emitIfIdle(),
      metrics: o.metrics,
      events: o.events,
      log: o.log,
      now: o.now,
    });
  }

  /** Records spooled or parked, without a fate yet. */
  get pending(): number {
    return this.o.spool.pending + this.parking.records;
  }

  /** What a target is: a stream (Logs Ingestion) or a table (Data Collector). */
  get targetKind(): 'stream' | 'table' {
    return this.o.sink.targetKind;
  }

  /** The parked targets (for /health). */
  parked(): ParkedStatus[] {
    return this.parking.status();
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.abort = new AbortController();
    this.parking.start();
    this.loop = this.run(this.stopping.signal, this.abort.signal);
  }

  async stop(graceMs = this.o.stopGraceMs ?? 5000): Promise<void> {
    this.stopping.abort();
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    await this.loop;
    clearTimeout(timer);
    this.abort.abort();
    await this.loop;
    await this.parking.stop();
    this.loop = undefined;
  }

  private async run(signal: AbortSignal, requestSignal: AbortSignal): Promise<void> {
    const { spool, sink, log } = this.o;
    const readNext = () => spool.read(this.o.maxBatchBytes, this.o.maxBatchRecords, signal);
    // The records of the current batch without a durable fate yet, in seq order; `batchEnd` is the
    // batch's last seq. The spool commits up to the first record still without one.
    let batch: SpoolRecord[] = [];
    let batchEnd = 0;
    // The next batch is read while the current one is in flight (the sink's round trip overlaps the
    // spool read); batches are still sent and committed strictly in order.
    let next: Promise<SpoolRecord[]> | undefined;
    // Records an earlier run read but never settled are handed out again, not skipped.
    spool.rewindReader();
    this.updateGauges();
    this.emitIfIdle();
    const commitSettled = () => spool.commit(batch.length ? batch[0]!.seq - 1 : batchEnd);
    while (!signal.aborted) {
      if (batch.length === 0) {
        batch = await (next ?? readNext());
        next = undefined;
        if (batch.length === 0) continue;
        batchEnd = batch[batch.length - 1]!.seq;
        // Records of a type the sink does not take leave its cursor at once, unsent: their fate
        // ("not applicable") follows from the record and the config alone, so it needs nothing on
        // disk first, and a restart before the commit simply skips them again.
        const { kept, skipped } = this.splitUnaccepted(batch);
        if (skipped.size) {
          batch = kept;
          commitSettled();
          this.skipped(skipped);
          if (batch.length === 0) {
            this.emitIfIdle();
            continue;
          }
        }
      }
      try {
        // Records bound for a parked target join its queue without being sent (per-target order).
        if (this.parking.size > 0) {
          const held = new Map<string, SpoolRecord[]>();
          for (const r of batch) {
            const target = sink.targetOf(r);
            if (this.parking.isParked(target)) held.set(target, [...(held.get(target) ?? []), r]);
          }
          for (const [target, records] of held) {
            // False when the target cleared meanwhile: its records are then sent as usual.
            if (!(await this.parking.join(target, records))) continue;
            const gone = new Set(records);
            batch = batch.filter((r) => !gone.has(r));
            commitSettled();
          }
          this.updateGauges();
          if (batch.length === 0) {
            this.emitIfIdle();
            continue;
          }
        }
        // Read before delivering: a sink may settle (and so empty `batch`) before its first await.
        const lastInBatch = batch[batch.length - 1]!.seq;
        spool.markInflight(lastInBatch);
        const sending = sink.deliver(batch, async (o) => {
          const settled = new Set(o.records);
          const commit = () => {
            batch = batch.filter((r) => !settled.has(r));
            commitSettled();
            this.updateGauges();
          };
          if (o.kind === 'park') {
            await this.parking.park(o.records, o.fault);
            commit();
          } else this.fate(o, commit);
        }, requestSignal);
        if (!next && spool.lastSeq > batchEnd) {
          const end = batchEnd;
          next = new Promise((resolve) => setImmediate(resolve)).then(() => (spool.lastSeq > end ? readNext() : []));
        }
        await sending;
        if (batch.length) {
          // A sink must give every record an outcome; records it gave none are sent again after a pause.
          log.error({ sink: sink.name, seqs: batch.map((r) => r.seq).slice(0, 10), pauseMs: this.o.pauseMs }, 'sink returned without a fate for some records; they are sent again after a pause');
          await sleep(this.o.pauseMs, signal);
        }
      } catch (err) {
        if (err instanceof DeliveryAbortedError || requestSignal.aborted || signal.aborted) break;
        if (err instanceof RetryExhaustedError) {
          log.error({ sink: sink.name, reason: err.lastReason, attempts: err.attempts, pending: spool.pending, pauseMs: this.o.pauseMs },
            'delivery attempts exhausted; records stay spooled and are retried after a pause');
          this.o.events.emit('delivery-paused', { sink: sink.name, reason: err.lastReason });
          await sleep(this.o.pauseMs, signal);
          continue;
        }
        if (err instanceof DiskFullError || err instanceof SpoolFullError) {
          // Only a dead-letter or park write needs new space (the commit is in place): the batch stays spooled.
          log.error({ sink: sink.name, reason: err.message, pending: spool.pending, pauseMs: this.o.pauseMs }, `${err instanceof DiskFullError ? 'disk full' : 'parked queue full'}: a refused batch cannot be dead-lettered or parked; it stays spooled and is retried after a pause`);
          this.o.events.emit('delivery-paused', { sink: sink.name, reason: err.message });
        } else log.error({ err }, 'unexpected delivery error; pausing');
        await sleep(this.o.pauseMs, signal);
      }
      this.emitIfIdle();
    }
  }

  /** The records the sink accepts, and by type those it does not. */
  private splitUnaccepted(records: SpoolRecord[]): { kept: SpoolRecord[]; skipped: Map<AlertType, SpoolRecord[]> } {
    const kept: SpoolRecord[] = [];
    const skipped = new Map<AlertType, SpoolRecord[]>();
    for (const r of records) {
      // A key of no known form is sent as before: only a type the sink refuses is skipped.
      const type = typeOfKey(r.key);
      if (type === undefined || this.o.sink.accepts(type)) kept.push(r);
      else if (skipped.has(type)) skipped.get(type)!.push(r);
      else skipped.set(type, [r]);
    }
    return { kept, skipped };
  }

  /** Makes skipped records visible once committed past (as `fate` does for delivered ones). */
  private skipped(byType: Map<AlertType, SpoolRecord[]>): void {
    const { sink, metrics, events } = this.o;
    for (const [type, records] of byType) {
      metrics.skipped.inc({ sink: sink.name, type }, records.length);
      events.emit('skipped', { sink: sink.name, type, count: records.length, records });
    }
    this.updateGauges();
  }

  /** 'idle' once nothing is spooled or parked. */
  private emitIfIdle(): void {
    if (this.o.spool.pending === 0 && this.parking.records === 0) this.o.events.emit('idle', { sink: this.o.sink.name });
  }

  /**
   * Makes a final fate durable and visible: dead-letter file (fsync'd), then `commit` (the records
   * leave their queue), then metrics and events — a 'delivered' listener sees them gone.
   */
  private fate(o: FinalOutcome, commit: () => void): void {
    const { metrics, events, sink } = this.o;
    const first = o.records[0]!.seq;
    const last = o.records[o.records.length - 1]!.seq;
    if (o.kind === 'dead-letter') {
      this.o.deadLetters.records(sink.name, o.records, o.reason, o.response);
      metrics.deadLettered.inc({ stage: 'delivery' }, o.records.length);
      this.o.log.error({ sink: sink.name, reason: o.reason, status: o.response?.status, records: o.records.length, seqs: [first, last] },
        'batch refused permanently; written to the dead-letter file');
      events.emit('dead-lettered', { stage: 'delivery', sink: sink.name, reason: o.reason, count: o.records.length, records: o.records });
      commit();
      return;
    }
    commit();
    metrics.delivered.inc({ sink: sink.name }, o.records.length);
    events.emit('delivered', { sink: sink.name, count: o.records.length, firstSeq: first, lastSeq: last, records: o.records });
    if (this.suspect) {
      const n = o.records.filter((r) => r.seq > this.suspect!.from && r.seq <= this.suspect!.to).length;
      if (n) metrics.suspectedDuplicates.inc(n);
    }
  }

  private updateGauges(): void {
    this.o.metrics.spoolBytes.set(this.o.spool.bytes);
    this.o.metrics.spoolPending.set(this.o.spool.pending);
  }
}

export type { ConfigFault };
