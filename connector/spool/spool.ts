// The durable spool: append-only segment files on disk, fsync'd before an append resolves, bounded
// in size (appenders wait for space: back-pressure), read in order by one cursor per sink (cursor.ts),
// trimmed only once every enabled sink has committed past a segment. Memory holds the segment list
// and at most one read batch per cursor, never the backlog.
//
// Files under <dir>:
//   seg-<first seq, 16 digits>.log   records, see record-format.ts
//   commit-<sink>.dat (commit.dat    { committed, inflight } of one cursor: every seq ≤ committed has
//    for the default reader)         left the spool for that sink (delivered, dead-lettered or parked);
//                                    inflight = last seq of a batch sent but not yet committed, so a
//                                    restart can count suspected duplicates. Overwritten in place
//                                    (commit-marker.ts): it never needs new space.
//
// On a full disk an append fails with DiskFullError (nothing of it is left behind) while reading,
// committing and deleting segments go on, so delivery frees the disk.
import { EventEmitter } from 'node:events';
import {
  closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync,
  readSync, readdirSync, unlinkSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../util/atomic-file.ts';
import { DiskSpace } from '../util/disk-full.ts';
import { CommitMarker, type CommitState } from './commit-marker.ts';
import { DEFAULT_CURSOR, markerFile, SpoolCursor, type SegmentSource } from './cursor.ts';
import { decodeLine, encodeRecord, sanitiseKey, type SpoolRecord } from './record-format.ts';

export { SpoolCursor };

export type { SpoolRecord };

export interface SpoolOptions {
  maxBytes: number;
  segmentBytes: number;
  /** Called for data problems found while reading (corrupt lines skipped, torn tail cut). */
  onWarning?: (msg: string, detail: Record<string, unknown>) => void;
  /** The disk-full state of the state directory (shared with the dead-letter file); the spool's own by default. */
  disk?: DiskSpace;
  /**
   * One reader per sink, by name (default: one unnamed reader, driven through the spool's own
   * read/commit). A cursor without a marker yet starts where the old single marker (`commit.dat`)
   * stood, else at the oldest record some open cursor still needs, else at the first record on disk.
   */
  cursors?: string[];
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
  private readonly cursors = new Map<string, SpoolCursor>();
  private readonly source: SegmentSource;
  readonly disk: DiskSpace;
  private totalBytes = 0;
  private spaceWaiters: Array<() => void> = [];
  private isClosed = false;
  /** Set when a failed append could not be undone: appending after its bytes would corrupt the segment. */
  private writeFailure?: Error;
  private dataWaiters: Array<() => void> = [];
  recovery!: RecoveryReport;

  private constructor(dir: string, opts: SpoolOptions) {
    super();
    this.dir = dir;
    this.opts = opts;
    this.disk = opts.disk ?? new DiskSpace(dir);
    // What cursors may see of the spool: the segment list and its records, nothing else.
    const spool = this;
    this.source = {
      dir,
      disk: this.disk,
      get bytes() { return spool.totalBytes; },
      get lastSeq() { return spool.nextSeq - 1; },
      get closed() { return spool.isClosed; },
      get diskFloor() { return spool.diskFloor; },
      segmentCount: () => this.segments.length,
      segmentAt: (i) => this.segments[i]!,
      indexOfSeq: (seq) => this.segments.findIndex((s) => s.lastSeq >= seq),
      forEachLine: (i, offset, fn) => this.forEachLine(this.segments[i]!, offset, fn),
      waitForData: (after, signal) => this.waitForData(after, signal),
      cursorMoved: () => this.trim(),
      warn: (msg, detail) => this.opts.onWarning?.(msg, detail),
    };
  }

  static open(dir: string, opts: SpoolOptions): Spool {
    const s = new Spool(dir, opts);
    s.recover();
    return s;
  }

  private recover(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir)) if (f.endsWith('.tmp')) unlinkSync(path.join(this.dir, f));
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
    // Every segment may be gone (all committed): the next seq then follows the highest marker.
    const cursorNames = this.opts.cursors?.length ? this.opts.cursors : [DEFAULT_CURSOR];
    const highest = Math.max(0, ...cursorNames.map((n) => CommitMarker.peek(this.dir, markerFile(n))?.committed ?? 0), CommitMarker.peek(this.dir, markerFile(DEFAULT_CURSOR))?.committed ?? 0);
    this.nextSeq = Math.max(lastSeq, highest) + 1;
    if (!last || last.firstSeq > this.nextSeq) this.createSegment();
    this.fd = openSync(this.segments[this.segments.length - 1]!.file, 'a');
    this.totalBytes = this.segments.reduce((n, s) => n + s.bytes, 0);
    for (const n of cursorNames) this.cursor(n);
    // The single marker of a spool from before several sinks has seeded every cursor: it is done.
    if (!cursorNames.includes(DEFAULT_CURSOR) && existsSync(path.join(this.dir, markerFile(DEFAULT_CURSOR)))) {
      unlinkSync(path.join(this.dir, markerFile(DEFAULT_CURSOR)));
      fsyncDir(this.dir);
    }
    this.trim();
    const first = this.cursors.values().next().value!;
    this.recovery = { committed: this.committedSeq, nextSeq: this.nextSeq, tornBytes, suspectedDuplicates: first.recovery.suspectedDuplicates };
  }

  /**
   * The cursor of sink `name`, opened (its marker created, seeded) on first use. A new cursor starts
   * where the single marker of an older spool stood, else at the oldest record an open cursor still
   * needs, else at the first record on disk: a sink added later gets what is still pending, not history.
   */
  cursor(name: string): SpoolCursor {
    let c = this.cursors.get(name);
    if (c) return c;
    const legacy = name === DEFAULT_CURSOR ? undefined : CommitMarker.peek(this.dir, markerFile(DEFAULT_CURSOR));
    const floor = this.cursors.size ? this.committedSeq : this.diskFloor;
    const seed: CommitState = legacy ?? { committed: floor, inflight: floor };
    c = new SpoolCursor(name, this.source, seed);
    this.cursors.set(name, c);
    c.rewindReader();
    return c;
  }

  /** Enables or disables a sink's claim on the spool: a disabled sink does not hold segments back. */
  setEnabled(name: string, enabled: boolean): void {
    const c = this.cursor(name);
    c.enabled = enabled;
    if (enabled) c.rewindReader();
    this.trim();
  }

  /** First seq still on disk minus one. */
  private get diskFloor(): number {
    const first = this.segments[0];
    return first ? first.firstSeq - 1 : this.nextSeq - 1;
  }

  private waitForData(after: number, signal?: AbortSignal): Promise<void> {
    if (this.isClosed || signal?.aborted || after < this.nextSeq - 1) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.dataWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
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

  /** Records spooled that some enabled sink has not settled yet. */
  get pending(): number {
    return this.nextSeq - 1 - this.committedSeq;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * Every seq ≤ this has left the spool for every enabled sink (for every sink when none is enabled:
   * records nobody will deliver are kept, not dropped), and never below the first record on disk.
   */
  get committedSeq(): number {
    const all = [...this.cursors.values()];
    const claims = all.some((c) => c.enabled) ? all.filter((c) => c.enabled) : all;
    const min = claims.length ? Math.min(...claims.map((c) => c.committedSeq)) : this.nextSeq - 1;
    return Math.min(this.nextSeq - 1, Math.max(min, this.diskFloor));
  }

  /** The sinks' cursors, by name. */
  cursorNames(): string[] {
    return [...this.cursors.keys()];
  }

  /**
   * Appends records durably (written and fdatasync'd before this resolves). Waits while the spool
   * is over its size bound (back-pressure); `waitMs` bounds that wait (then rejects with SpoolFullError).
   */
  async append(entries: Array<{ key: string; json: string }>, waitMs = Infinity): Promise<{ firstSeq: number; lastSeq: number }> {
    if (this.isClosed) throw new Error('spool is closed');
    if (this.writeFailure) throw new Error(`spool is unusable after a failed write: ${this.writeFailure.message}`);
    if (entries.length === 0) return { firstSeq: this.nextSeq, lastSeq: this.nextSeq - 1 };
    let text = '';
    let seq = this.nextSeq;
    for (const e of entries) text += encodeRecord(seq++, sanitiseKey(e.key), e.json);
    const buf = Buffer.from(text, 'utf8');
    await this.waitForSpace(buf.length, waitMs);
    if (this.isClosed) throw new Error('spool is closed');
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
    const fits = () => this.isClosed || this.pending === 0 || this.totalBytes + bytes <= this.opts.maxBytes;
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

  /** The default cursor's read (a spool with a single reader: tools and tests drive it directly). */
  read(maxBytes: number, maxRecords: number, signal?: AbortSignal): Promise<SpoolRecord[]> {
    return this.only().read(maxBytes, maxRecords, signal);
  }

  rewindReader(): void {
    this.only().rewindReader();
  }

  markInflight(lastSeq: number): void {
    this.only().markInflight(lastSeq);
  }

  commit(lastSeq: number): void {
    this.only().commit(lastSeq);
  }

  /** The single cursor; a spool with several must be read through `cursor(name)`. */
  private only(): SpoolCursor {
    if (this.cursors.size !== 1) throw new Error(`the spool has ${this.cursors.size} readers; use cursor(name)`);
    return this.cursors.values().next().value!;
  }

  private trim(): void {
    const active = this.segments[this.segments.length - 1]!;
    // A fully committed, full active segment is rotated so that it can go too. On a full disk the
    // new (empty) segment may not be creatable: the old one then stays until a later commit.
    const committed = this.committedSeq;
    if (active.bytes >= this.opts.segmentBytes && active.lastSeq <= committed && !this.isClosed) {
      try {
        this.rotate();
      } catch (err) {
        this.opts.onWarning?.('spool: cannot start a new segment; the committed one is deleted later', { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
      }
    }
    let removed = 0;
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= committed) {
      const seg = this.segments.shift()!;
      unlinkSync(seg.file);
      this.totalBytes -= seg.bytes;
      removed++;
    }
    // The cursors move with the segments. One that sat in a removed segment had handed out all of
    // it and goes on at the start of the next one; keeping its offset skipped that many bytes of
    // the next segment (docs/decisions/0004).
    for (const c of this.cursors.values()) c.segmentsRemoved(removed);
    if (removed) fsyncDir(this.dir);
    for (const w of this.spaceWaiters.splice(0)) w();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    for (const c of this.cursors.values()) c.close();
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
