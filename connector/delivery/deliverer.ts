// Drains the spool into the sink, in order, one batch at a time. A record leaves the spool (commit)
// only once the sink reported its fate: delivered (200) or dead-lettered (fsync'd first).
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Metrics } from '../server/metrics.ts';
import { DeliveryAbortedError, RetryExhaustedError, type Sink, type SinkOutcome } from '../sinks/sink.ts';
import type { Spool, SpoolRecord } from '../spool/spool.ts';
import { DiskFullError } from '../util/disk-full.ts';
import { sleep } from '../util/sleep.ts';
import type { DeadLetterFile } from './dead-letter.ts';

export interface DelivererOptions {
  spool: Spool;
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
}

export class Deliverer {
  // `stopping` ends waits at once (reads, pauses); `abort` cancels a post in flight, only after a
  // grace period, so a clean stop rarely leaves a sent-but-uncommitted batch (a suspected duplicate).
  private stopping = new AbortController();
  private abort = new AbortController();
  private loop?: Promise<void>;
  private readonly suspect?: { from: number; to: number };

  constructor(private readonly o: DelivererOptions) {
    this.suspect = o.spool.recovery.suspectedDuplicates;
    if (this.suspect) {
      o.log.warn({ from: this.suspect.from + 1, to: this.suspect.to }, 'records sent before the last stop were not committed; they are re-sent and counted as suspected duplicates');
    }
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    this.abort = new AbortController();
    this.loop = this.run(this.stopping.signal, this.abort.signal);
  }

  async stop(graceMs = this.o.stopGraceMs ?? 5000): Promise<void> {
    this.stopping.abort();
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    await this.loop;
    clearTimeout(timer);
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal, requestSignal: AbortSignal): Promise<void> {
    const { spool, sink, log } = this.o;
    const readNext = () => spool.read(this.o.maxBatchBytes, this.o.maxBatchRecords, signal);
    let batch: SpoolRecord[] = [];
    // The next batch is read while the current one is in flight (the sink's round trip overlaps the
    // spool read); batches are still sent and committed strictly in order.
    let next: Promise<SpoolRecord[]> | undefined;
    // Records an earlier run read but never settled are handed out again, not skipped.
    spool.rewindReader();
    this.updateGauges();
    if (spool.pending === 0) this.o.events.emit('idle');
    while (!signal.aborted) {
      if (batch.length === 0) {
        batch = await (next ?? readNext());
        next = undefined;
        if (batch.length === 0) continue;
      }
      try {
        // Read before delivering: a sink may settle (and so empty `batch`) before its first await.
        const lastInBatch = batch[batch.length - 1]!.seq;
        spool.markInflight(lastInBatch);
        const sending = sink.deliver(batch, (o) => {
          this.settle(o);
          const last = o.records[o.records.length - 1]!.seq;
          batch = batch.filter((r) => r.seq > last);
        }, requestSignal);
        if (!next && spool.lastSeq > lastInBatch) {
          next = new Promise((resolve) => setImmediate(resolve)).then(() => (spool.lastSeq > lastInBatch ? readNext() : []));
        }
        await sending;
        batch = [];
      } catch (err) {
        if (err instanceof DeliveryAbortedError || requestSignal.aborted || signal.aborted) break;
        if (err instanceof RetryExhaustedError) {
          log.error({ sink: sink.name, reason: err.lastReason, attempts: err.attempts, pending: spool.pending, pauseMs: this.o.pauseMs },
            'delivery attempts exhausted; records stay spooled and are retried after a pause');
          this.o.events.emit('delivery-paused', { reason: err.lastReason });
          await sleep(this.o.pauseMs, signal);
          continue;
        }
        if (err instanceof DiskFullError) {
          // Only a dead-letter write needs new space (the commit is in place): the batch stays spooled.
          log.error({ sink: sink.name, reason: err.message, pending: spool.pending, pauseMs: this.o.pauseMs }, 'disk full: a refused batch cannot be dead-lettered; it stays spooled and is retried after a pause');
          this.o.events.emit('delivery-paused', { reason: err.message });
        } else log.error({ err }, 'unexpected delivery error; pausing');
        await sleep(this.o.pauseMs, signal);
      }
      if (spool.pending === 0) this.o.events.emit('idle');
    }
  }

  private settle(o: SinkOutcome): void {
    const { spool, metrics, events, sink } = this.o;
    const first = o.records[0]!.seq;
    const last = o.records[o.records.length - 1]!.seq;
    if (o.kind === 'dead-letter') {
      this.o.deadLetters.records(sink.name, o.records, o.reason, o.response);
      metrics.deadLettered.inc({ stage: 'delivery' }, o.records.length);
      this.o.log.error({ sink: sink.name, reason: o.reason, status: o.response?.status, records: o.records.length, seqs: [first, last] },
        'batch refused permanently; written to the dead-letter file');
      events.emit('dead-lettered', { stage: 'delivery', reason: o.reason, count: o.records.length, records: o.records });
    }
    spool.commit(last);
    if (o.kind === 'delivered') {
      metrics.delivered.inc({ sink: sink.name }, o.records.length);
      events.emit('delivered', { count: o.records.length, firstSeq: first, lastSeq: last, records: o.records });
    }
    if (this.suspect) {
      const n = o.records.filter((r) => r.seq > this.suspect!.from && r.seq <= this.suspect!.to).length;
      if (n && o.kind === 'delivered') metrics.suspectedDuplicates.inc(n);
    }
    this.updateGauges();
  }

  private updateGauges(): void {
    this.o.metrics.spoolBytes.set(this.o.spool.bytes);
    this.o.metrics.spoolPending.set(this.o.spool.pending);
  }
}
