// Regressions (issue 14 items 2 and 6) in the push receiver:
// - a body nested 5,000 levels deep parsed, then JSON.stringify threw RangeError: 500 ("retry the
//   request") for a deterministic input, and nothing dead-lettered. Now 400, the body dead-lettered.
// - a 150 KB body of 50,001 `{}` wrote one dead-letter entry (with an fsync) and one warn line per
//   alert: 10.5 MB and 50,000 lines, 21 s, concurrent pushes stalled. Now a limit on alerts per push
//   (413), refused alerts dead-lettered in groups, warnings rate-limited, mapping in slices.
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeadLetterFile } from '../../connector/spool/dead-letter.ts';
import { createFilter } from '../../connector/intake/filters.ts';
import { createMetrics } from '../../connector/util/metrics.ts';
import { AlertIngest } from '../../connector/intake/ingest.ts';
import { Spool } from '../../connector/spool/spool.ts';
import { testConfig, waitForDelivered } from './helpers/connector-env.ts';
import { pushRigPerTest } from './helpers/push-rig.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const rig = pushRigPerTest();

type DeadLetter = { kind: string; reason: string; body?: string; alerts?: Array<{ index: number; reason: string; alert: unknown }> };
function deadLetters(state: string): DeadLetter[] {
  const text = readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8');
  return text ? text.trim().split('\n').map((l) => JSON.parse(l) as DeadLetter) : [];
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const pb = (threatID: number) => ({ dtProduct: 'Policy Breach', breachTime: '2024-01-15 09:30:00', modelName: 'A::B', score: 50, hostname: 'h', threatID });

describe('push receiver: nesting depth', () => {
  it('a body nested 5,000 levels deep gets 400 and is dead-lettered as received; the receiver goes on', async () => {
    const r = await rig();
    const body = `[{"dtProduct":"Policy Breach","threatID":1,"x":${nested(5000)}}]`;
    const res = await r.post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('body is nested deeper than 64 levels (receiver.maxDepth)');
    expect(deadLetters(r.state)).toEqual([expect.objectContaining({ kind: 'body', source: 'push', reason: res.body.error, body })]);
    const landed = waitForDelivered(r.c.events, 1);
    expect((await r.post([pb(7)])).status).toBe(200);
    await landed;
  });

  it('receiver.maxDepth is configurable: a body one level past it is refused, one at it accepted', async () => {
    const r = await rig({ extra: { receiver: { maxDepth: 4 } } });
    expect((await r.post([{ ...pb(1), tags: [[['a']]] }])).status).toBe(400); // array, object, three arrays: 5
    expect((await r.post([{ ...pb(2), tags: [['a']] }])).status).toBe(200); // 4
  });
});

describe('push receiver: amplification', () => {
  it('more alerts than receiver.maxAlertsPerPush: 413 naming the limit, nothing spooled or dead-lettered', async () => {
    const r = await rig({ extra: { receiver: { maxAlertsPerPush: 100 } } });
    const res = await r.post(Array.from({ length: 101 }, () => ({})));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(/more than 100 alerts \(receiver\.maxAlertsPerPush\)/);
    expect(deadLetters(r.state)).toEqual([]);
    expect(r.c.pending()).toBe(0);
    expect((await r.post(Array.from({ length: 100 }, (_, i) => pb(i + 1)))).status).toBe(200); // at the limit
  });

  it('2,000 unmappable alerts: one 400, two dead-letter entries (groups of 1,000) holding every alert, one warn line', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l) as { level: number; msg: string }) });
    const r = await rig({ logger });
    const res = await r.post(Array.from({ length: 2000 }, (_, i) => ({ n: i })));
    expect(res.status).toBe(400);
    expect(res.body.rejected).toHaveLength(2000);
    const entries = deadLetters(r.state);
    expect(entries.map((e) => [e.kind, e.alerts?.length])).toEqual([['alerts', 1000], ['alerts', 1000]]);
    expect(entries.flatMap((e) => e.alerts!.map((a) => a.alert))).toEqual(Array.from({ length: 2000 }, (_, i) => ({ n: i })));
    expect(entries[0]!.reason).toMatch(/^1000 alerts refused; first: cannot tell the alert type/);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    // Repeated floods: warnings stop at the burst (10 per minute), the dead-letter count does not.
    for (let i = 0; i < 14; i++) expect((await r.post([{}, {}])).status).toBe(400);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(10);
    expect(await r.c.metrics.deadLettered.get()).toMatchObject({ values: [{ labels: { stage: 'alert' }, value: 2028 }] });
  });

  it('a large body is mapped in slices: the event loop turns while it is ingested', async () => {
    const state = mkdtempSync(path.join(tmpdir(), 'dtlab-ingest-'));
    const spool = Spool.open(path.join(state, 'spool'), { maxBytes: 1 << 26, segmentBytes: 1 << 22 });
    const deadLetterFile = new DeadLetterFile(state);
    cleanups.push(async () => {
      spool.close();
      deadLetterFile.close();
    });
    const cfg = testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: 'http://127.0.0.1:9', state });
    const ingest = new AlertIngest({
      spool, filter: createFilter(cfg.filters), mapping: { linkBase: 'https://sample', modelNameSeparator: '::', breachTimeField: 'time' },
      timeGeneratedField: 'alertTime', deadLetters: deadLetterFile, metrics: createMetrics(), events: new EventEmitter(), log: pino({ level: 'silent' }),
    });
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const items = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? pb(i) : { n: i }));
    const result = await ingest.ingest('push', items);
    counting = false;
    expect(result.spooled).toBe(5000);
    expect(result.rejected).toHaveLength(5000);
    expect(turns).toBeGreaterThanOrEqual(9); // one turn per slice of 1,000 at least
  });
});
