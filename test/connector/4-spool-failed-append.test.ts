// Regression: an append whose write failed part-way (disk full, I/O error) rejected but left its
// partial bytes at the end of the active segment, uncounted. The next append was written after them:
// its first line glued onto them (read as corrupt, skipped) and its last line was cut by the reader's
// byte limit, so records of an append that had resolved (durably spooled) were never delivered.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// writeSync writes `partial` bytes of the next call, then the following call throws ENOSPC.
const disk = vi.hoisted(() => ({ partial: 0, failNext: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((fd: number, buffer: NodeJS.ArrayBufferView, offset?: number, length?: number, position?: number | null) => {
    if (disk.failNext) {
      disk.failNext = false;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    if (disk.partial > 0 && typeof length === 'number') {
      const written = fs.writeSync(fd, buffer, offset, Math.min(length, disk.partial), position);
      disk.partial = 0;
      disk.failNext = true;
      return written;
    }
    return fs.writeSync(fd, buffer, offset, length, position);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { Spool } = await import('../../connector/spool/spool.ts');
const entries = (tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${tag}${i}`, json: JSON.stringify({ id: `${tag}${i}` }) }));

describe('spool append that fails part-way', () => {
  it('leaves nothing behind: every record of every append that resolved is handed out, in order', async () => {
    const s = Spool.open(mkdtempSync(join(tmpdir(), 'dtlab-spool-enospc-')), { maxBytes: 1 << 24, segmentBytes: 1 << 20 });
    await s.append(entries('a', 3));
    disk.partial = 30;
    await expect(s.append(entries('b', 2))).rejects.toThrow(/ENOSPC/);
    await s.append(entries('c', 3));
    const got: string[] = [];
    while (s.pending > 0) {
      // Guard only: a read that would wait for ever fails the test instead of hanging it.
      const batch = await s.read(1 << 20, 1000, AbortSignal.timeout(5_000));
      if (batch.length === 0) break;
      got.push(...batch.map((r) => r.key));
      s.commit(batch.at(-1)!.seq);
    }
    expect(got).toEqual(['a0', 'a1', 'a2', 'c0', 'c1', 'c2']);
    expect(s.pending).toBe(0);
    s.close();
  });
});
