// Issue 12 follow-up: a dual run (a Data Collector and a Logs Ingestion sink) also carries the
// activity streams. The config takes the activity sources once any sink is logsIngestion; a Data
// Collector sink's cursor passes their records unsent ("not applicable": counted as skipped, never
// delivered, dead-lettered or parked), so segments still go once every enabled sink is past them, and
// a crash mid-batch neither loses nor skips a record that is for the sink. Before, the config refused
// the activity sources whenever any sink was dataCollector, and a sink had no say in what it takes.
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../connector/config/load.ts';
import { configIssues } from './helpers/config-issues.ts';
import { LEGACY_TYPES, type AlertType } from '../../connector/config/types.ts';
import { Deliverer } from '../../connector/delivery/deliverer.ts';
import { typeOfKey } from '../../connector/intake/identity.ts';
import type { Sink, SinkOutcome } from '../../connector/sinks/sink.ts';
import { DeadLetterFile } from '../../connector/spool/dead-letter.ts';
import { Spool, type SpoolRecord } from '../../connector/spool/spool.ts';
import { createMetrics } from '../../connector/util/metrics.ts';
import { DT_TOKENS, PRIMARY, WS } from './helpers/connector-env.ts';

const base = { darktrace: { url: 'http://127.0.0.1:2', ...DT_TOKENS }, state: '/tmp/x' };
const dc = (name: string, over: Record<string, unknown> = {}) => ({ name, mode: 'dataCollector', workspaceId: WS, sharedKey: PRIMARY, endpoint: 'http://127.0.0.1:1', ...over });
const li = (name: string, over: Record<string, unknown> = {}) => ({
  name, mode: 'logsIngestion', endpoint: 'https://127.0.0.1:3', dcrImmutableId: 'dcr-00000000000000000000000000000000',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 's', ...over,
});
const activity = { poll: { sources: { responseActions: true, asm: true, emailRelease: true } } };

const issues = configIssues;

describe('config: activity sources with several sinks', () => {
  it('are accepted when a sink is logsIngestion, enabled or not', () => {
    const dual = resolveConfig({ ...base, sinks: [dc('legacy'), li('dcr')], ...activity });
    expect(dual.poll.sources).toMatchObject({ responseActions: true, asm: true, emailRelease: true });
    expect(dual.sinks.map((s) => [s.name, s.mode])).toEqual([['legacy', 'dataCollector'], ['dcr', 'logsIngestion']]);
    // The Logs Ingestion sink's start-up check probes the activity streams too.
    expect(dual.sinks[1]!.mode === 'logsIngestion' && dual.sinks[1]!.probeStreams).toContain('Custom-DarktraceResponseActions');
    expect(issues({ ...base, sinks: [dc('legacy'), li('dcr', { enabled: false })], ...activity })).toEqual([]);
    expect(issues({ ...base, sinks: [li('dcr'), dc('legacy')], poll: { sources: { asm: true } } })).toEqual([]);
  });

  it('are refused, one issue per source with its key path, when no sink can take them', () => {
    const why = "its records go to a Custom-Darktrace* stream; the Data Collector table has no place for them)";
    expect(issues({ ...base, sinks: [dc('a'), dc('b')], ...activity })).toEqual([
      `poll.sources.responseActions: needs a sink in mode logsIngestion (every sink in sinks: is dataCollector; ${why}`,
      `poll.sources.asm: needs a sink in mode logsIngestion (every sink in sinks: is dataCollector; ${why}`,
      `poll.sources.emailRelease: needs a sink in mode logsIngestion (every sink in sinks: is dataCollector; ${why}`,
    ]);
    const { name: _name, ...single } = dc('x');
    expect(issues({ ...base, sentinel: single, poll: { sources: { emailRelease: true } } })).toEqual([
      `poll.sources.emailRelease: needs sentinel.mode logsIngestion (${why}`,
    ]);
  });
});

/** Keys of each type as intake writes them (intake/identity.ts), one record each. */
const KEYS: Record<AlertType, (n: number) => string> = {
  'Policy Breach': (n) => `pb:${n}`,
  'AI Analyst': (n) => `aia:${n}`,
  'System Alert': (n) => `sys:u${n}:active:${n}`,
  'Antigena Email': (n) => `email:u${n}`,
  'Response Action': (n) => `ra:${n}:created:${n}`,
  ASM: (n) => `asm:a${n}`,
  'Email Release': (n) => `rel:r${n}`,
};
const entry = (type: AlertType, n: number) => ({ key: KEYS[type](n), json: JSON.stringify({ dtProduct: type, n, pad: 'x'.repeat(150) }) });
const isLegacy = (r: { key: string }) => LEGACY_TYPES.includes(typeOfKey(r.key)!);
const segments = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('seg-')).length;

/**
 * A sink that accepts what `accepts` says and settles each record it is given as delivered, except
 * one that `hold` picks: that post never returns (until aborted), and `held` resolves.
 */
function recordingSink(name: string, accepts: (t: AlertType) => boolean, hold: (r: SpoolRecord) => boolean = () => false) {
  const given: SpoolRecord[] = [];
  let onHeld: (r: SpoolRecord) => void = () => {};
  const held = new Promise<SpoolRecord>((resolve) => (onHeld = resolve));
  const sink: Sink = {
    name,
    targetKind: name === 'legacy' ? 'table' : 'stream',
    accepts,
    targetOf: () => name,
    async deliver(records, onOutcome: (o: SinkOutcome) => Promise<void> | void, signal) {
      for (const r of records) {
        given.push(r);
        if (hold(r)) {
          onHeld(r);
          await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
        }
        await onOutcome({ kind: 'delivered', records: [r] });
      }
    },
    async check() {},
    async close() {},
  };
  return { sink, given, held };
}

function deliverer(spool: Spool, state: string, sink: Sink, events: EventEmitter, metrics = createMetrics()) {
  return new Deliverer({
    spool: spool.cursor(sink.name), sink, deadLetters: new DeadLetterFile(state), metrics, events, log: pino({ level: 'silent' }),
    maxBatchBytes: 1 << 20, maxBatchRecords: 6, pauseMs: 60_000, stopGraceMs: 50, parkedBackoff: { baseDelayMs: 1, maxDelayMs: 5 },
  });
}

describe('delivery: a sink passes the records it does not take', () => {
  it('the Data Collector side gets only the four legacy types, its cursor passes the rest, and the segments go', async () => {
    const state = mkdtempSync(join(tmpdir(), 'dtlab-dual-activity-'));
    const dir = join(state, 'spool');
    const spool = Spool.open(dir, { maxBytes: 1 << 24, segmentBytes: 1024, cursors: ['legacy', 'dcr'] });
    // Interleaved, and ending in a run of activity records only (a batch with nothing for the legacy side).
    const types: AlertType[] = ['Policy Breach', 'Response Action', 'AI Analyst', 'ASM', 'Antigena Email', 'Email Release', 'System Alert', 'Response Action'];
    for (let n = 0; n < 24; n += 4) await spool.append(Array.from({ length: 4 }, (_, i) => entry(types[(n + i) % types.length]!, n + i)));
    await spool.append([entry('Response Action', 100), entry('ASM', 101), entry('Email Release', 102), entry('Response Action', 103), entry('ASM', 104), entry('Email Release', 105), entry('ASM', 106)]);
    const all = await spool.cursor('dcr').read(1 << 24, 1000);
    spool.cursor('dcr').rewindReader();
    expect(segments(dir)).toBeGreaterThan(2);

    const legacy = recordingSink('legacy', (t) => LEGACY_TYPES.includes(t));
    const dcr = recordingSink('dcr', () => true);
    const events = new EventEmitter();
    const metrics = createMetrics();
    const delivered: Record<string, number[]> = { legacy: [], dcr: [] };
    const skipped: Record<string, number[]> = { legacy: [], dcr: [] };
    let otherFates = 0;
    events.on('delivered', (e: { sink: string; records: SpoolRecord[] }) => delivered[e.sink]!.push(...e.records.map((r) => r.seq)));
    events.on('skipped', (e: { sink: string; records: SpoolRecord[] }) => skipped[e.sink]!.push(...e.records.map((r) => r.seq)));
    for (const ev of ['dead-lettered', 'parked']) events.on(ev, () => otherFates++);
    const d = [deliverer(spool, state, legacy.sink, events, metrics), deliverer(spool, state, dcr.sink, events, metrics)];
    const idle = Promise.all(['legacy', 'dcr'].map((name) => new Promise<void>((resolve) => {
      const on = (e: { sink: string }) => e.sink === name && spool.cursor(name).pending === 0 && (events.off('idle', on), resolve());
      events.on('idle', on);
    })));
    for (const x of d) x.start();
    await idle;
    for (const x of d) await x.stop();

    const seqs = (rs: SpoolRecord[]) => rs.map((r) => r.seq);
    const legacySeqs = seqs(all.filter(isLegacy));
    const activitySeqs = seqs(all.filter((r) => !isLegacy(r)));
    expect(seqs(legacy.given)).toEqual(legacySeqs); // never sent an activity record
    expect(delivered.legacy).toEqual(legacySeqs);
    expect(skipped.legacy.sort((a, b) => a - b)).toEqual(activitySeqs);
    expect(seqs(dcr.given)).toEqual(seqs(all));
    expect(skipped.dcr).toEqual([]);
    expect(otherFates).toBe(0);
    // Both cursors at the end: the legacy one passed the trailing run of activity records too.
    expect(spool.cursor('legacy').committedSeq).toBe(spool.lastSeq);
    expect(spool.cursor('dcr').committedSeq).toBe(spool.lastSeq);
    expect(segments(dir)).toBe(1);
    const text = await metrics.registry.metrics();
    const count = (t: AlertType) => all.filter((r) => typeOfKey(r.key) === t).length;
    for (const t of ['Response Action', 'ASM', 'Email Release'] as const) {
      expect(text).toContain(`dtconnector_records_skipped_total{sink="legacy",type="${t}"} ${count(t)}`);
    }
    expect(text).not.toMatch(/dtconnector_records_skipped_total\{sink="dcr"/);
    expect(text).toContain(`dtconnector_records_delivered_total{sink="legacy"} ${legacySeqs.length}`);
    spool.close();
  });

  it('a crash mid-batch: skipped records ahead of one still in flight are not committed past it; after restart it is sent, they are skipped again', async () => {
    const state = mkdtempSync(join(tmpdir(), 'dtlab-dual-activity-'));
    const dir = join(state, 'spool');
    const open = () => Spool.open(dir, { maxBytes: 1 << 24, segmentBytes: 1 << 20, cursors: ['legacy'] });
    const spool = open();
    // seq 1 pb, 2 ra, 3 pb (in flight at the crash), 4 asm, 5 email, 6 rel
    await spool.append([entry('Policy Breach', 1), entry('Response Action', 2), entry('Policy Breach', 3), entry('ASM', 4), entry('Antigena Email', 5), entry('Email Release', 6)]);
    const accepts = (t: AlertType) => LEGACY_TYPES.includes(t);
    const first = recordingSink('legacy', accepts, (r) => r.seq === 3);
    const events = new EventEmitter();
    const d1 = deliverer(spool, state, first.sink, events);
    d1.start();
    expect((await first.held).seq).toBe(3);
    // seq 1 landed, 2 skipped; 3 in flight: the marker may not pass 2 although 4 and 6 are skipped.
    expect(spool.cursor('legacy').committedSeq).toBe(2);
    expect(spool.cursor('legacy').inflightSeq).toBeGreaterThanOrEqual(3);

    // kill -9: nothing is stopped or closed; a new process opens the same spool.
    const again = open();
    expect(again.cursor('legacy').recovery.suspectedDuplicates?.from).toBe(2);
    const second = recordingSink('legacy', accepts);
    const events2 = new EventEmitter();
    const skipped: number[] = [];
    events2.on('skipped', (e: { records: SpoolRecord[] }) => skipped.push(...e.records.map((r) => r.seq)));
    const d2 = deliverer(again, state, second.sink, events2);
    const idle = once(events2, 'idle');
    d2.start();
    await idle;
    await d2.stop();
    expect(second.given.map((r) => r.seq)).toEqual([3, 5]); // nothing for it lost, nothing skipped that was for it
    expect(skipped.sort()).toEqual([4, 6]);
    expect(again.cursor('legacy').committedSeq).toBe(6);
    again.close();
    await d1.stop();
    spool.close();
  });
});
