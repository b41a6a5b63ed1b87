// Regression: when a commit removed the segment the reader had finished (the reader parked at its
// end, the active segment full, so trim() rotated and unlinked it), the reader kept that segment's
// end offset and applied it to the next segment: the records appended there up to that offset were
// handed to nobody, marked read, and lost (bench:load lost 1,639–13,451 of 119,756 alerts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../connector/spool/spool.ts';

const entries = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, json: JSON.stringify({ n: from + i, pad: 'x'.repeat(200) }) }));

describe('spool reader after trim', () => {
  it('a commit that removes the segment the reader finished does not skip the records appended next', async () => {
    const warnings: string[] = [];
    const s = Spool.open(mkdtempSync(join(tmpdir(), 'dtlab-spool-trim-')), { maxBytes: 1 << 24, segmentBytes: 4096, onWarning: (m) => warnings.push(m) });
    // Fill the active segment past its size, read everything, then commit it: trim rotates and unlinks it.
    await s.append(entries(0, 30));
    const first = await s.read(1 << 20, 1000);
    expect(first).toHaveLength(30);
    s.commit(first.at(-1)!.seq);
    // New records go to the fresh segment; the reader must hand out every one of them.
    await s.append(entries(30, 5));
    const next = await s.read(1 << 20, 1000);
    expect(next.map((r) => JSON.parse(r.json).n)).toEqual([30, 31, 32, 33, 34]);
    s.commit(next.at(-1)!.seq);
    expect(s.pending).toBe(0);
    expect(warnings).toEqual([]); // the cursor was right, not rescued by the resync below
    s.close();
  });

  it('the same when the reader finished a segment that append rotated away from before the commit', async () => {
    const warnings: string[] = [];
    const s = Spool.open(mkdtempSync(join(tmpdir(), 'dtlab-spool-trim-')), { maxBytes: 1 << 24, segmentBytes: 4096, onWarning: (m) => warnings.push(m) });
    await s.append(entries(0, 15));
    const first = await s.read(1 << 20, 1000);
    await s.append(entries(15, 15)); // does not fit: a new segment
    s.commit(first.at(-1)!.seq); // removes the first segment while the reader sits at its end
    const rest = await s.read(1 << 20, 1000);
    expect(rest.map((r) => JSON.parse(r.json).n)).toEqual(Array.from({ length: 15 }, (_, i) => 15 + i));
    expect(warnings).toEqual([]);
    s.close();
  });

  it('a reader cursor that is off anyway is resynchronised by seq, with a warning, instead of skipping records', async () => {
    const warnings: string[] = [];
    const s = Spool.open(mkdtempSync(join(tmpdir(), 'dtlab-spool-trim-')), { maxBytes: 1 << 24, segmentBytes: 1 << 20, onWarning: (m) => warnings.push(m) });
    await s.append(entries(0, 5));
    // White-box: put the cursor past the records, as the trim bug above did.
    (s.cursor('default') as unknown as { readOffset: number }).readOffset = 1 << 19;
    const got = await s.read(1 << 20, 1000);
    expect(got.map((r) => JSON.parse(r.json).n)).toEqual([0, 1, 2, 3, 4]);
    expect(warnings).toContain('spool: reader cursor resynchronised');
    s.close();
  });
});
