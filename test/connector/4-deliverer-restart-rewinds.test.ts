// Regression: a Deliverer started again on the same open spool (Connector.stop() then start()) read
// on from where the previous run's reader stopped, so the records that run had read but not settled
// (a batch whose retries ran out, a read-ahead batch) were never sent, and the next commit covered
// their seqs: lost with no dead letter. A sink that settles before its first await (a single record
// over 30 MB is dead-lettered at once) also made the deliverer throw and pause for pauseMs.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createDataCollectorSink } from '../../connector/sinks/data-collector/sink.ts';
import { RetryExhaustedError } from '../../connector/sinks/sink.ts';
import { dataCollectorSinkConfig } from './helpers/connector-env.ts';
import { delivererRig, fakeSink, spoolEntries } from './helpers/deliverer-rig.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('deliverer restarted on the same spool', () => {
  it('sends again the batch whose retries ran out in the previous run', async () => {
    let failing = true;
    const sink = fakeSink(async (records, settle) => {
      await turn();
      if (failing) throw new RetryExhaustedError('503', 3);
      await settle({ kind: 'delivered', records });
    });
    const t = delivererRig(sink);
    await t.spool.append(spoolEntries(1, 10));
    const paused = once(t.events, 'delivery-paused');
    t.deliverer.start();
    await paused;
    await t.deliverer.stop();
    failing = false;
    await t.runUntilIdle();
    expect(t.delivered).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(t.lost()).toEqual([]);
  });

  it('sends the read-ahead batch a clean stop dropped', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let entered!: () => void;
    const firstPost = new Promise<void>((resolve) => (entered = resolve));
    const sink = fakeSink(async (records, settle) => {
      entered();
      await gate;
      await settle({ kind: 'delivered', records });
    });
    const t = delivererRig(sink, { maxBatchRecords: 5 });
    await t.spool.append(spoolEntries(1, 20));
    t.deliverer.start();
    await firstPost;
    await turn(); // the read-ahead of seqs 6–10 is taken while 1–5 are in flight
    await turn();
    const stopped = t.deliverer.stop(); // the post in flight may finish within the grace
    open();
    await stopped;
    expect(t.delivered).toEqual([1, 2, 3, 4, 5]);
    await t.runUntilIdle();
    expect(t.delivered).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(t.lost()).toEqual([]);
  });
});

describe('a sink that settles before its first await', () => {
  it('a single record over 30 MB is dead-lettered and the deliverer goes idle without an error pause', async () => {
    const sink = createDataCollectorSink(dataCollectorSinkConfig('http://127.0.0.1:9', { batch: { maxBytes: 30 * 1024 * 1024, maxRecords: 10_000 } }));
    const t = delivererRig(sink, { pauseMs: 60_000 });
    await t.spool.append([{ key: 'big', json: JSON.stringify({ pad: 'x'.repeat(31 * 1024 * 1024) }) }]);
    await t.runUntilIdle(); // with the old code: idle only after the 60 s pause
    await sink.close();
    expect(t.deadLettered).toEqual([1]);
    expect(t.spool.pending).toBe(0);
    expect(t.errors.map((e) => e.msg).filter((m) => m.startsWith('unexpected delivery error'))).toEqual([]);
  });
});
