// Issue 12 (several sinks): each sink reads and commits the one spool with its own cursor. Before,
// the spool had one reader and one commit marker, so a second sink could only share (and be held
// back by) the first's place, and a segment went as soon as that one reader had passed it.
// These fail on the old code (no per-sink cursors: Spool.cursor does not exist).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../connector/spool/spool.ts';

const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, json: JSON.stringify({ n: from + i, pad: 'x'.repeat(200) }) }));
const ns = (recs: Array<{ json: string }>) => recs.map((r) => JSON.parse(r.json).n as number);
const segments = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('seg-')).length;
/** In appends of 5 (~1.2 KB): a segment rotates between appends, so 30 records fill several. */
async function fill(s: Spool, from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i += 5) await s.append(entries(i, Math.min(5, from + n - i)));
}
const open = (dir: string, cursors: string[]) => Spool.open(dir, { maxBytes: 1 << 24, segmentBytes: 2048, cursors });

describe('one spool, a cursor per sink', () => {
  it('a segment is deleted only once every sink has committed past it; a slow sink does not hold back the other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-cursors-'));
    const s = open(dir, ['fast', 'slow']);
    await fill(s, 0, 30);
    const before = segments(dir);
    expect(before).toBeGreaterThan(2);
    const fast = s.cursor('fast');
    const all = await fast.read(1 << 20, 1000);
    expect(ns(all)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    fast.commit(all.at(-1)!.seq);
    expect(fast.pending).toBe(0);
    // The slow sink has not settled anything: every segment stays, and it still reads all 30.
    expect(segments(dir)).toBe(before);
    expect(s.pending).toBe(30);
    const slow = s.cursor('slow');
    const first = await slow.read(1 << 20, 10);
    expect(ns(first)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    slow.commit(first.at(-1)!.seq);
    expect(segments(dir)).toBeLessThan(before); // what both are past goes
    expect(segments(dir)).toBeGreaterThan(1);
    const rest = await slow.read(1 << 20, 1000);
    expect(ns(rest)).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
    slow.commit(rest.at(-1)!.seq);
    expect(s.pending).toBe(0);
    expect(segments(dir)).toBe(1);
    s.close();
  });

  it('after a crash each sink resumes at its own cursor, with its own suspected-duplicate window', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-cursors-'));
    const s = open(dir, ['a', 'b']);
    await fill(s, 0, 30);
    const a = s.cursor('a');
    const ra = await a.read(1 << 20, 20);
    a.markInflight(ra.at(-1)!.seq);
    a.commit(ra.at(-1)!.seq);
    const b = s.cursor('b');
    const rb = await b.read(1 << 20, 10);
    b.commit(rb[4]!.seq); // 5 settled…
    b.markInflight(rb.at(-1)!.seq); // …and 10 sent when the process dies
    // kill -9: nothing is closed; the markers are what was fdatasync'd.
    const again = open(dir, ['a', 'b']);
    expect(again.cursor('a').recovery.suspectedDuplicates).toBeUndefined();
    expect(again.cursor('b').recovery.suspectedDuplicates).toEqual({ from: 5, to: 10 });
    expect(ns(await again.cursor('a').read(1 << 20, 1000))).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
    expect(ns(await again.cursor('b').read(1 << 20, 1000))).toEqual(Array.from({ length: 25 }, (_, i) => 5 + i));
    again.close();
    s.close();
  });

  it('a disabled sink holds no segments back; enabled again it goes on from the first record still on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-cursors-'));
    const warnings: string[] = [];
    const s = Spool.open(dir, { maxBytes: 1 << 24, segmentBytes: 2048, cursors: ['legacy', 'new'], onWarning: (m) => warnings.push(m) });
    await fill(s, 0, 30);
    const before = segments(dir);
    s.setEnabled('legacy', false);
    const n = s.cursor('new');
    const all = await n.read(1 << 20, 1000);
    n.commit(all.at(-1)!.seq);
    expect(segments(dir)).toBe(1); // the disabled sink did not pin them
    expect(before).toBeGreaterThan(1);
    await s.append(entries(30, 3));
    s.setEnabled('legacy', true);
    const legacy = s.cursor('legacy');
    // What was deleted while it was disabled is gone for it; what is on disk it still gets.
    const got = ns(await legacy.read(1 << 20, 1000));
    expect(got.at(-1)).toBe(32);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => 33 - got.length + i));
    expect(got.length).toBeLessThan(33);
    expect(warnings).toContain('spool: records deleted while this sink was disabled are not delivered to it');
    s.close();
  });

  it('with every sink disabled nothing is deleted: records nobody delivered stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-cursors-'));
    const s = open(dir, ['x', 'y']);
    await fill(s, 0, 30);
    const x = s.cursor('x');
    const all = await x.read(1 << 20, 1000);
    x.commit(all.at(-1)!.seq);
    const before = segments(dir);
    s.setEnabled('x', false);
    s.setEnabled('y', false);
    expect(segments(dir)).toBe(before);
    expect(s.pending).toBe(30);
    s.close();
  });

  it('a spool from before several sinks: every sink starts where its single marker stood, and the old marker goes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-cursors-'));
    const old = Spool.open(dir, { maxBytes: 1 << 24, segmentBytes: 1 << 20 });
    await old.append(entries(0, 10));
    const got = await old.read(1 << 20, 4);
    old.commit(got.at(-1)!.seq);
    old.close();
    expect(existsSync(join(dir, 'commit.dat'))).toBe(true);
    const s = open(dir, ['dataCollector', 'logsIngestion']);
    for (const name of ['dataCollector', 'logsIngestion']) expect(ns(await s.cursor(name).read(1 << 20, 1000))).toEqual([4, 5, 6, 7, 8, 9]);
    expect(existsSync(join(dir, 'commit.dat'))).toBe(false);
    expect(existsSync(join(dir, 'commit-dataCollector.dat'))).toBe(true);
    s.close();
  });
});
