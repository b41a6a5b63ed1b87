// The durable spool: append-only segment files on disk, fsync'd before an append resolves, bounded
// in size (appenders wait for space: back-pressure), read in order by one deliverer, trimmed only
// after a commit. Memory holds the segment list and at most one read batch, never the backlog.
//
// Files under <dir>:
//   seg-<first seq, 16 digits>.log   records, see record-format.ts
//   commit.dat                       { committed, inflight }: every seq ≤ committed has left the spool
//                                    (delivered or dead-lettered); inflight = last seq of a batch sent
//                                    but not yet committed, so a restart can count suspected duplicates.
//                                    Overwritten in place (commit-marker.ts): it never needs new space.
//
// On a full disk an append fails with DiskFullError (nothing of it is left behind) while reading,
// committing and deleting segments go on, so delivery frees the disk.
import { EventEmitter } from 'node:events';
import {
  closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync,
  readSync, readdirSync, unlinkSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../util/atomic-file.ts';
import { DiskSpace } from '../util/disk-full.ts';
import { CommitMarker } from './commit-marker.ts';
import { decodeLine, encodeRecord, sanitiseKey, type SpoolRecord } from './record-format.ts';

export type { SpoolRecord };

export interface SpoolOptions {
  maxBytes: number;
  segmentBytes: number;
  /** Called for data problems found while reading (corrupt lines skipped, torn tail cut). */
  onWarning?: (msg: string, detail: Record<string, unknown>) => void;
  /** The disk-full state of the state directory (shared with the dead-letter file); the spool's own by default. */
  disk?: DiskSpace;
}

interface Segment {
  file: string;
  firstSeq: number;
  /** Last seq written to it; firstSeq - 1 while empty. */
  lastSeq: number;
  bytes: number;
}

export interface RecoveryReport {
  committed: number;
  nextSeq: number;
  tornBytes: number;
  /** Seqs (from, to] that were sent but not committed before the last stop: may already have landed. */
  suspectedDuplicates?: { from: number; to: number };
}

const READ_CHUNK = 1 << 20;
const SEG_RE = /^seg-(\d{16})\.log$/;

export class Spool extends EventEmitter {
  readonly dir: string;
  private readonly opts: SpoolOptions;
  private segments: Segment[] = [];
  private fd = -1; // active (last) segment, opened for append
  private nextSeq = 1;
  private committed = 0;
  private inflight = 0;
  private marker!: CommitMarker;
  readonly disk: DiskSpace;
  private totalBytes = 0;
  private spaceWaiters: Array<() => void> = [];
  private closed = false;
  /** Set when a failed append could not be undone: appending after its bytes would corrupt the segment. */
  private writeFailure?: Error;
  // Reader cursor: next unread byte of segment `readSeg`; every seq ≤ readSeq has been handed out.
  private readSeg = 0;
  private readOffset = 0;
  private readSeq = 0;
  private dataWaiters: Array<() => void> = [];
  recovery!: RecoveryReport;

  private constructor(dir: string, opts: SpoolOptions) {
    super();
    this.dir = dir;
    this.opts = opts;
    this.disk = opts.disk ?? new DiskSpace(dir);
  }

  static open(dir: string, opts: SpoolOptions): Spool {
    const s = new Spool(dir, opts);
    s.recover();
    return s;
  }

  private recover(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir)) if (f.endsWith('.tmp')) unlinkSync(path.join(this.dir, f));
    const { marker, state } = CommitMarker.open(this.dir, this.opts.onWarning);
    this.marker = marker;
    this.committed = state.committed;
    this.inflight = state.inflight;
    const names = readdirSync(this.dir).filter((f) => SEG_RE.test(f)).sort();
    this.segments = names.map((name, i) => {
      const file = path.join(this.dir, name);
      const firstSeq = Number(SEG_RE.exec(name)![1]);
      const nextFirst = i + 1 < names.length ? Number(SEG_RE.exec(names[i + 1]!)![1]) : undefined;
      const bytes = fstatBytes(file);
      return { file, firstSeq, lastSeq: nextFirst !== undefined ? nextFirst - 1 : firstSeq - 1, bytes };
    });
    let tornBytes = 0;
    const last = this.segments[this.segments.length - 1];
    if (last) tornBytes = this.scanTail(last);
    const lastSeq = last ? last.lastSeq : 0;
    this.nextSeq = Math.max(lastSeq, this.committed) + 1;
    if (!last || last.firstSeq > this.nextSeq) this.createSegment();
    this.fd = openSync(this.segments[this.segments.length - 1]!.file, 'a');
    this.totalBytes = this.segments.reduce((n, s) => n + s.bytes, 0);
    this.trim();
    this.rewindReader();
    this.recovery = {
      committed: this.committed,
      nextSeq: this.nextSeq,
      tornBytes,
      suspectedDuplicates: this.inflight > this.committed ? { from: this.committed, to: this.inflight } : undefined,
    };
  }

  /** Validates the last segment line by line; cuts a torn or corrupt tail. Returns the bytes cut. */
  private scanTail(seg: Segment): number {
    let validEnd = 0;
    let lastSeq = seg.firstSeq - 1;
    this.forEachLine(seg, 0, (rec, endOffset) => {
      if (!rec || rec.seq !== lastSeq + 1) return false;
      lastSeq = rec.seq;
      validEnd = endOffset;
      return true;
    });
    const torn = seg.bytes - validEnd;
    if (torn > 0) {
      const fd = openSync(seg.file, 'r+');
      try {
        ftruncateSync(fd, validEnd);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.opts.onWarning?.('spool: torn tail ignored on recovery', { file: path.basename(seg.file), bytes: torn, lastValidSeq: lastSeq });
    }
    seg.bytes = validEnd;
    seg.lastSeq = lastSeq;
    return torn;
  }

  /**
   * Streams complete lines of a segment from `offset`; `fn` gets the decoded record (undefined when
   * the line is corrupt) and the offset just past the line. Returning false stops. A trailing
   * partial line (no newline) is never passed.
   */
  private forEachLine(seg: Segment, offset: number, fn: (rec: SpoolRecord | undefined, end: number) => boolean, limit = seg.bytes): void {
    const fd = openSync(seg.file, 'r');
    try {
      let pos = offset;
      let carry: Buffer = Buffer.alloc(0);
      while (pos < limit) {
        // A fresh buffer per chunk: records handed out are views into it and must stay intact.
        const buf = Buffer.allocUnsafe(carry.length + READ_CHUNK);
        carry.copy(buf, 0);
        const n = readSync(fd, buf, carry.length, Math.min(READ_CHUNK, limit - pos), pos);
        if (n <= 0) break;
        const data = buf.subarray(0, carry.length + n);
        const base = pos - carry.length;
        pos += n;
        let start = 0;
        let nl: number;
        while ((nl = data.indexOf(10, start)) >= 0) {
          if (!fn(decodeLine(data, start, nl), base + nl + 1)) return;
          start = nl + 1;
        }
        carry = data.subarray(start);
      }
    } finally {
      closeSync(fd);
    }
  }

  private createSegment(): void {
    const file = path.join(this.dir, `seg-${String(this.nextSeq).padStart(16, '0')}.log`);
    closeSync(openSync(file, 'a'));
    fsyncDir(this.dir);
    this.segments.push({ file, firstSeq: this.nextSeq, lastSeq: this.nextSeq - 1, bytes: 0 });
  }

  /** Starts a new active segment. The old one stays active if the new one cannot be made (disk full). */
  private rotate(): void {
    this.createSegment();
    const fd = openSync(this.segments[this.segments.length - 1]!.file, 'a');
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = fd;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Records spooled and not yet committed. */
  get pending(): number {
    return this.nextSeq - 1 - this.committed;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get committedSeq(): number {
    return this.committed;
  }

  /**
   * Appends records durably (written and fdatasync'd before this resolves). Waits while the spool
   * is over its size bound (back-pressure); `waitMs` bounds that wait (then rejects with SpoolFullError).
   */
  async append(entries: Array<{ key: string; json: string }>, waitMs = Infinity): Promise<{ firstSeq: number; lastSeq: number }> {
    if (this.closed) throw new Error('spool is closed');
    if (this.writeFailure) throw new Error(`spool is unusable after a failed write: ${this.writeFailure.message}`);
    if (entries.length === 0) return { firstSeq: this.nextSeq, lastSeq: this.nextSeq - 1 };
    let text = '';
    let seq = this.nextSeq;
    for (const e of entries) text += encodeRecord(seq++, sanitiseKey(e.key), e.json);
    const buf = Buffer.from(text, 'utf8');
    await this.waitForSpace(buf.length, waitMs);
    if (this.closed) throw new Error('spool is closed');
    // Sequence numbers were assigned optimistically: re-encode if another append got in while waiting.
    const final = seq - entries.length === this.nextSeq ? buf : this.encodeAt(entries);
    let active = this.segments[this.segments.length - 1]!;
    if (active.bytes > 0 && active.bytes + final.length > this.opts.segmentBytes) {
      try {
        this.rotate();
      } catch (err) {
        throw this.disk.failed('the spool', err, final.length);
      }
      active = this.segments[this.segments.length - 1]!;
    }
    try {
      let off = 0;
      while (off < final.length) off += writeSync(this.fd, final, off, final.length - off);
      fdatasyncSync(this.fd);
    } catch (err) {
      // A failed append leaves nothing behind: the next one is written at the file's end, and bytes
      // of this one before it would glue onto its first line (read as corrupt, records skipped).
      try {
        ftruncateSync(this.fd, active.bytes);
      } catch (truncateErr) {
        this.writeFailure = truncateErr as Error;
      }
      throw this.disk.failed('the spool', err, final.length);
    }
    this.disk.ok();
    const firstSeq = this.nextSeq;
    this.nextSeq += entries.length;
    active.lastSeq = this.nextSeq - 1;
    active.bytes += final.length;
    this.totalBytes += final.length;
    for (const w of this.dataWaiters.splice(0)) w();
    this.emit('appended', { firstSeq, lastSeq: this.nextSeq - 1 });
    return { firstSeq, lastSeq: this.nextSeq - 1 };
  }

  private encodeAt(entries: Array<{ key: string; json: string }>): Buffer {
    let text = '';
    let seq = this.nextSeq;
    for (const e of entries) text += encodeRecord(seq++, sanitiseKey(e.key), e.json);
    return Buffer.from(text, 'utf8');
  }

  private waitForSpace(bytes: number, waitMs: number): Promise<void> {
    const fits = () => this.closed || this.pending === 0 || this.totalBytes + bytes <= this.opts.maxBytes;
    if (fits()) return Promise.resolve();
    this.emit('full', { bytes: this.totalBytes });
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (fits()) {
          if (timer) clearTimeout(timer);
          resolve();
        } else this.spaceWaiters.push(check);
      };
      if (Number.isFinite(waitMs)) {
        timer = setTimeout(() => {
          this.spaceWaiters = this.spaceWaiters.filter((w) => w !== check);
          reject(new SpoolFullError(this.totalBytes, this.opts.maxBytes));
        }, waitMs);
      }
      this.spaceWaiters.push(check);
    });
  }

  /** Records with seq > `after` still on disk whose key starts with `prefix` (for poller dedupe after a crash). */
  keysAfter(after: number, prefix = ''): Set<string> {
    const keys = new Set<string>();
    for (const seg of this.segments) {
      if (seg.lastSeq <= after) continue;
      this.forEachLine(seg, 0, (rec) => {
        if (rec && rec.seq > after && rec.key.startsWith(prefix)) keys.add(rec.key);
        return true;
      });
    }
    return keys;
  }

  private seekReaderTo(seq: number): void {
    let i = this.segments.findIndex((s) => s.lastSeq >= seq);
    if (i < 0) i = this.segments.length - 1;
    this.readSeg = i;
    this.readOffset = 0;
  }

  /**
   * Hands out the next records in order, at most `maxRecords` and `maxBytes` of JSON plus separators (always at
   * least one record). Waits until at least one is available; resolves [] when the spool closes or
   * `signal` aborts.
   */
  async read(maxBytes: number, maxRecords: number, signal?: AbortSignal): Promise<SpoolRecord[]> {
    while (!this.closed && !signal?.aborted && this.readSeq >= this.nextSeq - 1) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.dataWaiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    if (this.closed || signal?.aborted) return [];
    let out = this.readFromCursor(maxBytes, maxRecords);
    if (out.records.length === 0 && out.corrupt === 0) {
      // Records are due but the cursor found none: it is off. Find the next record by its seq
      // rather than skip records nobody has seen.
      this.opts.onWarning?.('spool: reader cursor resynchronised', { readSeq: this.readSeq, nextSeq: this.nextSeq });
      this.seekReaderTo(this.readSeq + 1);
      out = this.readFromCursor(maxBytes, maxRecords);
    }
    // Only corrupt lines were left: their seqs are gone, so the reader moves past them.
    if (out.records.length === 0) this.readSeq = this.nextSeq - 1;
    return out.records;
  }

  private readFromCursor(maxBytes: number, maxRecords: number): { records: SpoolRecord[]; corrupt: number } {
    const out: SpoolRecord[] = [];
    let corrupt = 0;
    let size = 0;
    while (out.length < maxRecords && this.readSeg < this.segments.length) {
      const seg = this.segments[this.readSeg]!;
      let stopped = false;
      this.forEachLine(seg, this.readOffset, (rec, end) => {
        if (!rec) {
          corrupt++;
          this.opts.onWarning?.('spool: corrupt record skipped', { file: path.basename(seg.file), endOffset: end });
          this.readOffset = end;
          return true;
        }
        if (rec.seq <= this.readSeq) {
          this.readOffset = end;
          return true;
        }
        if (out.length > 0 && (size + rec.data.length + 1 > maxBytes || out.length >= maxRecords)) {
          stopped = true;
          return false;
        }
        this.readOffset = end;
        out.push(rec);
        this.readSeq = rec.seq;
        size += rec.data.length + 1;
        return true;
      });
      if (stopped || out.length >= maxRecords) break;
      if (this.readOffset >= seg.bytes && this.readSeg < this.segments.length - 1) {
        this.readSeg++;
        this.readOffset = 0;
      } else break;
    }
    return { records: out, corrupt };
  }

  /**
   * The next read starts again after the last commit: a deliverer starting (again) on an open spool
   * gets every record not yet committed, including those an earlier run had read but not settled
   * (a batch whose retries ran out, a read-ahead batch dropped by stop()).
   */
  rewindReader(): void {
    this.readSeq = this.committed;
    this.seekReaderTo(this.committed + 1);
  }

  /**
   * Records that a batch up to `lastSeq` is about to be sent (so a crash before commit is visible).
   * Written in place: it needs no new disk space. The mark is taken in memory only once it is on disk.
   */
  markInflight(lastSeq: number): void {
    this.marker.write({ committed: this.committed, inflight: lastSeq });
    this.inflight = lastSeq;
  }

  /** Every seq ≤ lastSeq has left the spool: persist that (in place), then delete fully committed segments. */
  commit(lastSeq: number): void {
    if (lastSeq <= this.committed) return;
    const inflight = Math.max(this.inflight, lastSeq);
    this.marker.write({ committed: lastSeq, inflight });
    this.committed = lastSeq;
    this.inflight = inflight;
    this.trim();
  }

  private trim(): void {
    const active = this.segments[this.segments.length - 1]!;
    // A fully committed, full active segment is rotated so that it can go too. On a full disk the
    // new (empty) segment may not be creatable: the old one then stays until a later commit.
    if (active.bytes >= this.opts.segmentBytes && active.lastSeq <= this.committed && !this.closed) {
      try {
        this.rotate();
      } catch (err) {
        this.opts.onWarning?.('spool: cannot start a new segment; the committed one is deleted later', { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
      }
    }
    let removed = false;
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.committed) {
      const seg = this.segments.shift()!;
      unlinkSync(seg.file);
      this.totalBytes -= seg.bytes;
      // The reader's cursor moves with the segments. One that sat in the removed segment had handed
      // out all of it (every record there is committed) and goes on at the start of the next one;
      // keeping its offset skipped that many bytes of the next segment (docs/decisions/0004).
      if (this.readSeg === 0) this.readOffset = 0;
      else this.readSeg--;
      removed = true;
    }
    if (removed) fsyncDir(this.dir);
    for (const w of this.spaceWaiters.splice(0)) w();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.marker.close();
    for (const w of this.dataWaiters.splice(0)) w();
    for (const w of this.spaceWaiters.splice(0)) w();
  }
}

export class SpoolFullError extends Error {
  constructor(bytes: number, max: number) {
    super(`spool full (${bytes} of ${max} bytes)`);
    this.name = 'SpoolFullError';
  }
}

function fstatBytes(file: string): number {
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
