// A Deliverer on a real spool in a temp directory, with a sink the test supplies, recording which
// seqs were delivered or dead-lettered and what was logged at error level.
import { EventEmitter, once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DeadLetterFile } from '../../../connector/spool/dead-letter.ts';
import { Deliverer, type DelivererOptions } from '../../../connector/delivery/deliverer.ts';
import { createMetrics } from '../../../connector/util/metrics.ts';
import type { Sink, SinkOutcome } from '../../../connector/sinks/sink.ts';
import { Spool, type SpoolRecord } from '../../../connector/spool/spool.ts';

export const spoolEntries = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, json: JSON.stringify({ n: from + i, pad: 'x'.repeat(50) }) }));

/** A sink whose `deliver` the test writes; `check` and `close` do nothing. */
export function fakeSink(deliver: (records: SpoolRecord[], settle: (o: SinkOutcome) => void | Promise<void>) => Promise<void>): Sink {
  return { name: 'fake', targetKind: 'stream', accepts: () => true, targetOf: () => 'fake', deliver, async check() {}, async close() {} };
}

export function delivererRig(sink: Sink, o: { maxBatchRecords?: number; pauseMs?: number; state?: string; segmentBytes?: number; deliverer?: Partial<DelivererOptions> } = {}) {
  const state = o.state ?? mkdtempSync(join(tmpdir(), 'dtlab-deliverer-'));
  const spool = Spool.open(join(state, 'spool'), { maxBytes: 1 << 26, segmentBytes: o.segmentBytes ?? 1 << 20 });
  const events = new EventEmitter();
  const delivered: number[] = [];
  const deadLettered: number[] = [];
  events.on('delivered', (e: { records: { seq: number }[] }) => delivered.push(...e.records.map((r) => r.seq)));
  events.on('dead-lettered', (e: { records?: { seq: number }[] }) => deadLettered.push(...(e.records ?? []).map((r) => r.seq)));
  const errors: { msg: string }[] = [];
  // Each error line is also an 'error-logged' event, for tests that wait on "it worked or it failed".
  const log = pino({ level: 'error' }, {
    write: (line: string) => {
      const e = JSON.parse(line) as { msg: string };
      errors.push(e);
      events.emit('error-logged', e);
    },
  });
  const deliverer = new Deliverer({
    spool,
    sink,
    deadLetters: new DeadLetterFile(state),
    metrics: createMetrics(),
    events,
    log,
    maxBatchBytes: 1 << 20,
    maxBatchRecords: o.maxBatchRecords ?? 5,
    pauseMs: o.pauseMs ?? 60_000,
    stopGraceMs: 5_000,
    parkedBackoff: { baseDelayMs: 1, maxDelayMs: 5 },
    ...o.deliverer,
  });
  /** Seqs the spool committed that were neither delivered nor dead-lettered: lost. */
  const lost = () => {
    const fate = new Set([...delivered, ...deadLettered]);
    return Array.from({ length: spool.committedSeq }, (_, i) => i + 1).filter((seq) => !fate.has(seq));
  };
  /** Starts the deliverer, waits for its 'idle' event (spool drained), stops it. */
  const runUntilIdle = async () => {
    const idle = once(events, 'idle');
    deliverer.start();
    await idle;
    await deliverer.stop();
  };
  return { state, spool, events, delivered, deadLettered, errors, deliverer, lost, runUntilIdle };
}
