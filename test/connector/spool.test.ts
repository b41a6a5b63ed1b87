// The durable spool: order, commit, torn tails, restart, size bound with back-pressure.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool, SpoolFullError } from '../../connector/spool/spool.ts';

const dir = () => mkdtempSync(path.join(tmpdir(), 'dtspool-'));
const entries = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ key: `k:${from + i}`, json: JSON.stringify({ n: from + i, pad: 'x'.repeat(50) }) }));
const opts = { maxBytes: 1 << 20, segmentBytes: 4096 };

describe('spool', () => {
  it('hands out records in order with sequence numbers, across segments', async () => {
    const s = Spool.open(dir(), opts);
    for (let i = 0; i < 10; i++) await s.append(entries(10, i * 10)); // segments rotate between appends
    const got = [];
    while (got.length < 100) got.push(...(await s.read(1 << 20, 30)));
    expect(got.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(got.map((r) => JSON.parse(r.json).n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(readdirSync(s.dir).filter((f) => f.startsWith('seg-')).length).toBeGreaterThan(1);
    s.close();
  });

  it('records leave the spool only on commit: a restart re-reads everything after the commit', async () => {
    const d = dir();
    const s = Spool.open(d, opts);
    await s.append(entries(50));
    const first = await s.read(1 << 20, 20);
    s.commit(first[first.length - 1]!.seq);
    await s.read(1 << 20, 20); // read but not committed
    s.close();
    const again = Spool.open(d, opts);
    expect(again.pending).toBe(30);
    const rest = await again.read(1 << 20, 100);
    expect(rest.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
    again.close();
  });

  it('deletes fully committed segments, so disk use follows the backlog', async () => {
    const s = Spool.open(dir(), opts);
    for (let i = 0; i < 20; i++) await s.append(entries(10, i * 10));
    const before = s.bytes;
    let last = 0;
    while (last < 200) {
      const b = await s.read(1 << 20, 50);
      last = b[b.length - 1]!.seq;
      s.commit(last);
    }
    expect(s.pending).toBe(0);
    expect(s.bytes).toBeLessThan(before / 4);
    s.close();
  });

  it('a torn tail write is detected and ignored on recovery; sequence numbers continue', async () => {
    const d = dir();
    const s = Spool.open(d, { ...opts, segmentBytes: 1 << 20 });
    await s.append(entries(10));
    s.close();
    const seg = readdirSync(d).find((f) => f.startsWith('seg-'))!;
    appendFileSync(path.join(d, seg), '1a2b3c4d\t11\tk:10\t{"n":10,"pad":"xx'); // crash mid-write: no newline
    const warnings: string[] = [];
    const r = Spool.open(d, { ...opts, segmentBytes: 1 << 20, onWarning: (m) => warnings.push(m) });
    expect(r.recovery.tornBytes).toBeGreaterThan(0);
    expect(warnings).toContain('spool: torn tail ignored on recovery');
    expect(r.pending).toBe(10);
    const { firstSeq } = await r.append(entries(1, 10));
    expect(firstSeq).toBe(11);
    const all = await r.read(1 << 20, 100);
    expect(all.map((x) => JSON.parse(x.json).n)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    r.close();
  });

  it('a corrupt last record (bad checksum) is cut as a torn tail', async () => {
    const d = dir();
    const s = Spool.open(d, { ...opts, segmentBytes: 1 << 20 });
    await s.append(entries(3));
    s.close();
    const file = path.join(d, readdirSync(d).find((f) => f.startsWith('seg-'))!);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, -10) + 'XXXXXXXXX\n');
    const r = Spool.open(d, { ...opts, segmentBytes: 1 << 20 });
    expect(r.pending).toBe(2);
    expect(statSync(file).size).toBeLessThan(text.length);
    r.close();
  });

  it('a batch sent but not committed before a stop is reported as suspected duplicates', async () => {
    const d = dir();
    const s = Spool.open(d, opts);
    await s.append(entries(5));
    const b = await s.read(1 << 20, 5);
    s.markInflight(b[b.length - 1]!.seq);
    s.close(); // "crash" between the send and the commit
    const r = Spool.open(d, opts);
    expect(r.recovery.suspectedDuplicates).toEqual({ from: 0, to: 5 });
    r.close();
  });

  it('is bounded: an append waits for space (back-pressure) and fails after its wait', async () => {
    const s = Spool.open(dir(), { maxBytes: 8192, segmentBytes: 2048 });
    await s.append(entries(60)); // > 4 KB
    await expect(s.append(entries(60, 60), 50)).rejects.toBeInstanceOf(SpoolFullError);
    let appended = false;
    const waiting = s.append(entries(10, 200)).then(() => (appended = true));
    await Promise.resolve();
    expect(appended).toBe(false);
    let last = 0;
    while (last < 60) {
      const b = await s.read(1 << 20, 20);
      last = b[b.length - 1]!.seq;
      s.commit(last);
    }
    await waiting;
    expect(appended).toBe(true);
    s.close();
  });

  it('a batch spanning several read chunks keeps every record intact', async () => {
    const s = Spool.open(dir(), { maxBytes: 1 << 30, segmentBytes: 64 << 20 });
    const big = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ key: `k:${from + i}`, json: JSON.stringify({ n: from + i, pad: 'é'.repeat(1500 + ((from + i) % 7)) }) }));
    for (let i = 0; i < 10; i++) await s.append(big(100, i * 100)); // ~3 MB: more than one 1 MB read chunk
    const all = await s.read(1 << 30, 10_000);
    expect(all).toHaveLength(1000);
    expect(all.map((r) => JSON.parse(r.json).n)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(all.every((r) => JSON.parse(r.json).pad.length === 1500 + (JSON.parse(r.json).n % 7))).toBe(true);
    s.close();
  });

  it('keysAfter recovers the keys spooled after a checkpoint', async () => {
    const s = Spool.open(dir(), opts);
    await s.append(entries(5));
    expect([...s.keysAfter(3, 'k:')]).toEqual(['k:3', 'k:4']);
    s.close();
  });
});
