// One parked target's durable queue: the records of one stream (Logs Ingestion) or table (Data
// Collector) that met a configuration-like error, moved out of the in-order path so that other
// targets keep flowing (docs/decisions/0014-parked-targets.md). It is a Spool of its own, so it has
// the spool's record format, fsync'd appends, torn-tail recovery, in-place commits and disk-full
// state; `fault.json` (written atomically) says why the target is parked and since when, so the
// `stuckAfter` clock and the reason survive a restart.
//
// <parkedDir>/<target>/
//   seg-*.log, commit.dat   the Spool's files; each record's key is `<main seq>:<alert key>`, so a
//                           record keeps its place in the main spool's order and a restart that
//                           re-reads a batch parked just before a kill -9 does not park it twice
//   fault.json              ParkedFault
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ConfigFault } from '../sinks/sink.ts';
import { spoolRecord, type SpoolRecord } from '../spool/record-format.ts';
import { Spool, type SpoolOptions } from '../spool/spool.ts';
import { fsyncDir, writeFileAtomic } from '../util/atomic-file.ts';
import type { DiskSpace } from '../util/disk-full.ts';

/** Why a target is parked: the first configuration-like failure of this episode, and when. */
export interface ParkedFault extends ConfigFault {
  /** ISO time the target was parked (the `stuckAfter` clock starts here). */
  since: string;
}

export interface ParkedQueueOptions {
  maxBytes: number;
  segmentBytes: number;
  disk: DiskSpace;
  onWarning?: SpoolOptions['onWarning'];
}

const FAULT_FILE = 'fault.json';

/** A directory name for a target: stream and table names are safe already; anything else is escaped. */
function dirName(target: string): string {
  return target.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export class ParkedQueue {
  private constructor(
    readonly target: string,
    readonly dir: string,
    private spool: Spool,
    readonly fault: ParkedFault,
    /** Highest main-spool seq parked here: a record at or below it is here already. */
    private lastMainSeq: number,
  ) {}

  /** Parks a target for the first time in this episode: writes its fault, then opens its queue. */
  static create(parkedDir: string, fault: ParkedFault, o: ParkedQueueOptions): ParkedQueue {
    const dir = path.join(parkedDir, dirName(fault.target));
    const text = JSON.stringify(fault);
    try {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(path.join(dir, FAULT_FILE), text);
    } catch (err) {
      throw o.disk.failed('a parked queue', err, text.length);
    }
    return ParkedQueue.openDir(dir, fault, o);
  }

  /** The queues a previous run left with records in them (a queue left empty is removed). */
  static recover(parkedDir: string, o: ParkedQueueOptions): ParkedQueue[] {
    if (!existsSync(parkedDir)) return [];
    const out: ParkedQueue[] = [];
    for (const name of readdirSync(parkedDir).sort()) {
      const dir = path.join(parkedDir, name);
      let fault: ParkedFault;
      try {
        fault = JSON.parse(readFileSync(path.join(dir, FAULT_FILE), 'utf8')) as ParkedFault;
      } catch {
        // Killed between the directory and its fault file: nothing was parked yet.
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const q = ParkedQueue.openDir(dir, fault, o);
      if (q.pending > 0) out.push(q);
      else q.remove();
    }
    return out;
  }

  private static openDir(dir: string, fault: ParkedFault, o: ParkedQueueOptions): ParkedQueue {
    let spool: Spool;
    try {
      spool = Spool.open(dir, { maxBytes: o.maxBytes, segmentBytes: o.segmentBytes, disk: o.disk, onWarning: o.onWarning });
    } catch (err) {
      throw o.disk.failed('a parked queue', err, 0);
    }
    let last = 0;
    for (const key of spool.keysAfter(spool.committedSeq)) last = Math.max(last, mainSeqOf(key));
    return new ParkedQueue(fault.target, dir, spool, fault, last);
  }

  /** Records parked and not yet landed or dead-lettered. */
  get pending(): number {
    return this.spool.pending;
  }

  get bytes(): number {
    return this.spool.bytes;
  }

  /**
   * Appends records (fsync'd before this resolves), skipping any parked already. Never waits for
   * space: over `maxBytes` it rejects with SpoolFullError at once, and the records stay in the main
   * spool. A full disk rejects with DiskFullError.
   */
  async append(records: SpoolRecord[]): Promise<void> {
    const fresh = records.filter((r) => r.seq > this.lastMainSeq);
    if (fresh.length === 0) return;
    await this.spool.append(fresh.map((r) => ({ key: `${r.seq}:${r.key}`, json: r.json })), 0);
    this.lastMainSeq = fresh[fresh.length - 1]!.seq;
  }

  /**
   * The oldest parked records (from the start of the queue each time), as they were in the main
   * spool: their own seq and key. `commit(n)` later removes the first n of them.
   */
  async head(maxBytes: number, maxRecords: number): Promise<SpoolRecord[]> {
    if (this.spool.pending === 0) return [];
    this.spool.rewindReader();
    const got = await this.spool.read(maxBytes, maxRecords);
    this.headSeqs = got.map((r) => r.seq);
    return got.map((r) => {
      const colon = r.key.indexOf(':');
      return spoolRecord(mainSeqOf(r.key), r.key.slice(colon + 1), r.json);
    });
  }

  private headSeqs: number[] = [];

  /** The first `n` records of the last `head()` have their fate: they leave the queue. */
  commit(n: number): void {
    if (n <= 0) return;
    this.spool.commit(this.headSeqs[n - 1]!);
    this.headSeqs = this.headSeqs.slice(n);
  }

  close(): void {
    this.spool.close();
  }

  /** Closes and deletes the queue (every record has its fate). */
  remove(): void {
    this.spool.close();
    rmSync(this.dir, { recursive: true, force: true });
    fsyncDir(path.dirname(this.dir));
  }
}

function mainSeqOf(key: string): number {
  const n = Number(key.slice(0, key.indexOf(':')));
  return Number.isSafeInteger(n) ? n : 0;
}
