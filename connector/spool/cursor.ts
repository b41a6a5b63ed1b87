// One sink's place in the spool: its reader cursor (segment, byte offset, last seq handed out) and its
// own commit marker, so each sink reads and commits the one spool at its own pace (issue 12). The
// spool deletes a segment only once every enabled sink's cursor is past it (Spool.floor).
import path from 'node:path';
import type { DiskSpace } from '../util/disk-full.ts';
import { CommitMarker, type CommitState } from './commit-marker.ts';
import type { SpoolRecord } from './record-format.ts';

export interface CursorRecovery {
  /** Seqs (from, to] this sink sent but did not commit before the last stop: may already have landed. */
  suspectedDuplicates?: { from: number; to: number };
}

/** What a cursor reads from its spool: the segment list and the records in it. */
export interface SegmentSource {
  readonly dir: string;
  readonly disk: DiskSpace;
  readonly bytes: number;
  readonly lastSeq: number;
  readonly closed: boolean;
  /** First seq still on disk minus one: nothing at or below it can be read any more. */
  readonly diskFloor: number;
  segmentCount(): number;
  segmentAt(i: number): { firstSeq: number; lastSeq: number; bytes: number; file: string };
  indexOfSeq(seq: number): number;
  forEachLine(i: number, offset: number, fn: (rec: SpoolRecord | undefined, end: number) => boolean): void;
  /** Resolves once records past `after` exist, the spool closes or `signal` aborts. */
  waitForData(after: number, signal?: AbortSignal): Promise<void>;
  /** A cursor committed or changed state: the spool may delete segments now. */
  cursorMoved(): void;
  warn(msg: string, detail: Record<string, unknown>): void;
}

/** The marker file of a cursor: `commit.dat` for the spool's unnamed default reader, `commit-<name>.dat` per sink. */
export function markerFile(name: string): string {
  return name === DEFAULT_CURSOR ? 'commit.dat' : `commit-${name}.dat`;
}

export const DEFAULT_CURSOR = 'default';

export class SpoolCursor {
  private marker: CommitMarker;
  private committed: number;
  private inflight: number;
  // Reader cursor: next unread byte of segment `readSeg`; every seq ≤ readSeq has been handed out.
  private readSeg = 0;
  private readOffset = 0;
  private readSeq = 0;
  /** A disabled cursor does not hold segments back (docs/decisions, "several sinks"). */
  enabled = true;
  private skipWarned = false;
  readonly recovery: CursorRecovery;

  constructor(
    readonly name: string,
    private readonly src: SegmentSource,
    seed: CommitState,
  ) {
    const { marker, state } = CommitMarker.open(src.dir, (msg, detail) => src.warn(msg, detail), markerFile(name), seed);
    this.marker = marker;
    this.committed = state.committed;
    this.inflight = state.inflight;
    this.recovery = { suspectedDuplicates: this.inflight > this.committed ? { from: this.committed, to: this.inflight } : undefined };
  }

  get dir(): string {
    return this.src.dir;
  }

  get disk(): DiskSpace {
    return this.src.disk;
  }

  get bytes(): number {
    return this.src.bytes;
  }

  get lastSeq(): number {
    return this.src.lastSeq;
  }

  get committedSeq(): number {
    return this.committed;
  }

  get inflightSeq(): number {
    return this.inflight;
  }

  /** Records spooled that this sink has not settled. */
  get pending(): number {
    return Math.max(0, this.src.lastSeq - Math.max(this.committed, this.src.diskFloor));
  }

  private seekTo(seq: number): void {
    let i = this.src.indexOfSeq(seq);
    if (i < 0) i = this.src.segmentCount() - 1;
    this.readSeg = i;
    this.readOffset = 0;
  }

  /** Segments at the head were deleted: the cursor moves with them (docs/decisions/0004). */
  segmentsRemoved(count: number): void {
    for (let n = 0; n < count; n++) {
      if (this.readSeg === 0) this.readOffset = 0;
      else this.readSeg--;
    }
  }

  /**
   * Hands out the next records in order, at most `maxRecords` and `maxBytes` of JSON plus separators
   * (always at least one record). Waits until one is available; [] when the spool closes or `signal` aborts.
   */
  async read(maxBytes: number, maxRecords: number, signal?: AbortSignal): Promise<SpoolRecord[]> {
    while (!this.src.closed && !signal?.aborted && this.readSeq >= this.src.lastSeq) await this.src.waitForData(this.readSeq, signal);
    if (this.src.closed || signal?.aborted) return [];
    // Records this cursor never read may have been deleted while it was disabled: it goes on at the first on disk.
    if (this.readSeq < this.src.diskFloor) this.rewindReader();
    let out = this.readFromCursor(maxBytes, maxRecords);
    if (out.records.length === 0 && out.corrupt === 0) {
      // Records are due but the cursor found none: it is off. Find the next record by its seq
      // rather than skip records nobody has seen.
      this.src.warn('spool: reader cursor resynchronised', { sink: this.name, readSeq: this.readSeq, nextSeq: this.src.lastSeq + 1 });
      this.seekTo(this.readSeq + 1);
      out = this.readFromCursor(maxBytes, maxRecords);
    }
    // Only corrupt lines were left: their seqs are gone, so the reader moves past them.
    if (out.records.length === 0) this.readSeq = this.src.lastSeq;
    return out.records;
  }

  private readFromCursor(maxBytes: number, maxRecords: number): { records: SpoolRecord[]; corrupt: number } {
    const out: SpoolRecord[] = [];
    let corrupt = 0;
    let size = 0;
    while (out.length < maxRecords && this.readSeg < this.src.segmentCount()) {
      const seg = this.src.segmentAt(this.readSeg);
      let stopped = false;
      this.src.forEachLine(this.readSeg, this.readOffset, (rec, end) => {
        if (!rec) {
          corrupt++;
          this.src.warn('spool: corrupt record skipped', { file: path.basename(seg.file), endOffset: end });
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
      if (this.readOffset >= seg.bytes && this.readSeg < this.src.segmentCount() - 1) {
        this.readSeg++;
        this.readOffset = 0;
      } else break;
    }
    return { records: out, corrupt };
  }

  /**
   * The next read starts again after the last commit (or at the first record still on disk): a
   * deliverer starting (again) gets every record this sink has not settled, including those an
   * earlier run had read but not settled.
   */
  rewindReader(): void {
    if (this.committed < this.src.diskFloor && !this.skipWarned) {
      this.skipWarned = true;
      this.src.warn('spool: records deleted while this sink was disabled are not delivered to it', { sink: this.name, from: this.committed + 1, to: this.src.diskFloor });
    }
    this.readSeq = Math.max(this.committed, this.src.diskFloor);
    this.seekTo(this.readSeq + 1);
  }

  /** Records that a batch up to `lastSeq` is about to be sent; written in place, taken in memory once on disk. */
  markInflight(lastSeq: number): void {
    this.marker.write({ committed: this.committed, inflight: lastSeq });
    this.inflight = lastSeq;
  }

  /** Every seq ≤ lastSeq has left the spool for this sink: persisted in place; the spool may then delete segments. */
  commit(lastSeq: number): void {
    if (lastSeq <= this.committed) return;
    const inflight = Math.max(this.inflight, lastSeq);
    this.marker.write({ committed: lastSeq, inflight });
    this.committed = lastSeq;
    this.inflight = inflight;
    this.skipWarned = false;
    this.src.cursorMoved();
  }

  close(): void {
    this.marker.close();
  }
}
