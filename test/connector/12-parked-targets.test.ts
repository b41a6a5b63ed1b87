// Parking (issue 12) at the deliverer: a target refused for a configuration-like reason is set aside
// durably and never holds back the others; its later records follow it into the queue in order; a
// batch that cannot be parked (queue full) stays in the main spool; a queue reopened after a crash
// between the park and the main commit does not take the same records twice.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParkedQueue } from '../../connector/delivery/parked-queue.ts';
import type { ConfigFault, SinkOutcome } from '../../connector/sinks/sink.ts';
import { spoolRecord, type SpoolRecord } from '../../connector/spool/record-format.ts';
import { DiskSpace } from '../../connector/util/disk-full.ts';
import { delivererRig, fakeSink } from './helpers/deliverer-rig.ts';
import { waitForEvent } from './helpers/connector-env.ts';

const entries = (targets: string) => [...targets].map((t, i) => ({ key: `k${i + 1}`, json: JSON.stringify({ target: t, n: i + 1 }) }));
const targetOf = (r: SpoolRecord) => (JSON.parse(r.json) as { target: string }).target;
const fault = (target: string): ConfigFault => ({ target, reason: '404 NotFound: no such stream', cause: 'unknown stream', configKey: `sentinel.streams.${target}` });

/** A sink that parks the records of the targets in `refused` and delivers the rest, in runs of one target. */
function targetSink(refused: Set<string>, calls: number[][]) {
  const sink = fakeSink(async (records, settle) => {
    calls.push(records.map((r) => r.seq));
    let i = 0;
    while (i < records.length) {
      const target = targetOf(records[i]!);
      let j = i + 1;
      while (j < records.length && targetOf(records[j]!) === target) j++;
      const run = records.slice(i, j);
      const o: SinkOutcome = refused.has(target) ? { kind: 'park', records: run, fault: fault(target) } : { kind: 'delivered', records: run };
      await settle(o);
      i = j;
    }
  });
  return { ...sink, targetOf };
}

describe('parked targets at the deliverer', () => {
  it('a refused target is parked while the others land; its later records join the queue unsent, and land in order once it clears', async () => {
    const refused = new Set(['A']);
    const calls: number[][] = [];
    const rig = delivererRig(targetSink(refused, calls), { maxBatchRecords: 3 });
    const parked = waitForEvent(rig.events, 'parked');
    await rig.spool.append(entries('ABBABBAB'));
    rig.deliverer.start();
    await parked;
    const bDone = waitForEvent(rig.events, 'delivered', () => rig.delivered.length === 5);
    await bDone;
    expect(rig.delivered).toEqual([2, 3, 5, 6, 8]);
    // Seq 4 and 7 were in later batches: held back, never sent with them; only the parked
    // target's retries (its queue's head, in order) carry them.
    const a = new Set([1, 4, 7]);
    for (const call of calls.filter((c) => c.includes(4) || c.includes(7))) expect(call.every((s) => a.has(s)), String(call)).toBe(true);
    expect(calls.filter((c) => c.includes(4) || c.includes(7)).every((c) => c[0] === 1)).toBe(true);
    expect(rig.spool.pending).toBe(0);
    expect(rig.deliverer.pending).toBe(3);
    expect(rig.deliverer.parked()).toEqual([expect.objectContaining({ target: 'A', records: 3, configKey: 'sentinel.streams.A' })]);

    const idle = once(rig.events, 'idle');
    refused.clear();
    await idle;
    expect(rig.delivered).toEqual([2, 3, 5, 6, 8, 1, 4, 7]);
    expect(rig.lost()).toEqual([]);
    expect(rig.errors.map((e) => e.msg)).toEqual([expect.stringMatching(/^fake 404 for stream A: unknown stream; check sentinel\.streams\.A\./)]);
    await rig.deliverer.stop();
  });

  it('a batch that cannot be parked (its queue is full) stays in the main spool, and nothing is lost once it can', async () => {
    const refused = new Set(['A']);
    // A parked-queue bound smaller than one record: a queue takes its first append (it is empty), no more.
    const rig = delivererRig(targetSink(refused, []), { maxBatchRecords: 1, pauseMs: 1, deliverer: { parkedMaxBytes: 1 } });
    const paused = waitForEvent<{ reason: string }>(rig.events, 'delivery-paused');
    await rig.spool.append(entries('AAB'));
    rig.deliverer.start();
    // The first record fits the empty queue; the second finds it over its bound.
    expect((await paused).reason).toMatch(/^spool full/);
    expect(rig.spool.committedSeq).toBe(1);
    const idle = once(rig.events, 'idle');
    refused.clear();
    await idle;
    expect(rig.delivered.sort()).toEqual([1, 2, 3]);
    expect(rig.lost()).toEqual([]);
    await rig.deliverer.stop();
  });

  it('a queue reopened after a crash between the park and the main commit does not take the same records twice', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dtlab-parked-'));
    const o = { maxBytes: 1 << 20, segmentBytes: 1 << 16, disk: new DiskSpace(dir) };
    const recs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => spoolRecord(from + i, `pb:${from + i}`, JSON.stringify({ n: from + i })));
    const q = ParkedQueue.create(dir, { ...fault('Custom-X'), since: new Date().toISOString() }, o);
    await q.append(recs(3, 5));
    q.close();
    const [again] = ParkedQueue.recover(dir, o);
    expect(again!.fault).toMatchObject({ target: 'Custom-X', reason: '404 NotFound: no such stream' });
    await again!.append(recs(4, 7)); // the main spool hands 4 and 5 out again: only 6 and 7 are new
    expect(again!.pending).toBe(5);
    const head = await again!.head(1 << 20, 10);
    expect(head.map((r) => [r.seq, r.key])).toEqual([[3, 'pb:3'], [4, 'pb:4'], [5, 'pb:5'], [6, 'pb:6'], [7, 'pb:7']]);
    again!.commit(5);
    again!.remove();
    expect(ParkedQueue.recover(dir, o)).toEqual([]);
  });
});
