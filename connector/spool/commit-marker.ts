// The spool's commit marker: which seqs have left the spool and which batch is in flight, kept in a
// preallocated file that is only ever overwritten in place, so that committing (and marking a batch
// in flight) never needs new disk space: delivery, which is what frees the disk, keeps working on a
// full one (issue 14).
//
// <spool>/commit.dat: two 128-byte slots, each `<crc32 hex>\t{"gen":N,"committed":N,"inflight":N}`
// padded with spaces and ended by a newline. Writes alternate between the slots (the older one is
// overwritten) and are fdatasync'd; recovery takes the valid slot with the higher gen, so a write
// torn by a crash leaves the previous state. The old `commit.json` (a whole-file atomic rewrite,
// which needed a new file each time) is read once and replaced.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { fsyncDir, writeFileAtomic } from '../util/atomic-file.ts';

export interface CommitState {
  /** Every seq ≤ committed has left the spool. */
  committed: number;
  /** Last seq of a batch sent but not yet committed (= committed when none). */
  inflight: number;
}

const SLOT = 128;
const FILE = 'commit.dat';
const LEGACY = 'commit.json';

function encodeSlot(gen: number, s: CommitState): Buffer {
  const json = JSON.stringify({ gen, committed: s.committed, inflight: s.inflight });
  const line = `${crc32(json).toString(16).padStart(8, '0')}\t${json}`;
  return Buffer.from(line.padEnd(SLOT - 1, ' ') + '\n', 'latin1');
}

function decodeSlot(buf: Buffer): ({ gen: number } & CommitState) | undefined {
  const line = buf.toString('latin1').trimEnd();
  const tab = line.indexOf('\t');
  if (tab !== 8) return undefined;
  const json = line.slice(9);
  if (crc32(json) !== parseInt(line.slice(0, 8), 16)) return undefined;
  const v = JSON.parse(json) as { gen: number; committed: number; inflight: number };
  return Number.isSafeInteger(v.gen) && Number.isSafeInteger(v.committed) && Number.isSafeInteger(v.inflight) ? v : undefined;
}

export class CommitMarker {
  private constructor(private fd: number, private gen: number) {}

  /**
   * Opens (or creates: the only time it needs disk space) the marker of `dir`. `onWarning` hears
   * of a marker with no valid slot: everything still on disk is then delivered again (duplicates,
   * never a loss).
   */
  static open(
    dir: string,
    onWarning?: (msg: string, detail: Record<string, unknown>) => void,
    name = FILE,
    seed: CommitState = { committed: 0, inflight: 0 },
  ): { marker: CommitMarker; state: CommitState } {
    const file = path.join(dir, name);
    if (!existsSync(file)) {
      // The old whole-file marker belongs to the default reader's `commit.dat` only.
      const legacy = path.join(dir, LEGACY);
      const state: CommitState = { ...seed };
      if (name === FILE && existsSync(legacy)) {
        const c = JSON.parse(readFileSync(legacy, 'utf8')) as { committed: number; inflight?: number };
        state.committed = c.committed;
        state.inflight = c.inflight ?? c.committed;
      }
      writeFileAtomic(file, Buffer.concat([encodeSlot(0, state), encodeSlot(1, state)]).toString('latin1'));
      if (name === FILE && existsSync(legacy)) {
        unlinkSync(legacy);
        fsyncDir(dir);
      }
      return { marker: new CommitMarker(openSync(file, 'r+'), 1), state };
    }
    const fd = openSync(file, 'r+');
    const buf = Buffer.alloc(2 * SLOT);
    readSync(fd, buf, 0, buf.length, 0);
    const slots = [decodeSlotSafe(buf.subarray(0, SLOT)), decodeSlotSafe(buf.subarray(SLOT))].filter((s) => s !== undefined);
    const best = slots.sort((a, b) => b.gen - a.gen)[0];
    if (!best) {
      onWarning?.('spool: commit marker unreadable; every record still on disk is delivered again', { file: name });
      return { marker: new CommitMarker(fd, 1), state: { committed: 0, inflight: 0 } };
    }
    return { marker: new CommitMarker(fd, best.gen), state: { committed: best.committed, inflight: Math.max(best.inflight, best.committed) } };
  }

  /** The state in an existing marker file (undefined when there is none), without keeping it open. */
  static peek(dir: string, name: string): CommitState | undefined {
    if (!existsSync(path.join(dir, name))) return undefined;
    const { marker, state } = CommitMarker.open(dir, undefined, name);
    marker.close();
    return state;
  }

  /** Persists `s` in place (the older slot), fdatasync'd. */
  write(s: CommitState): void {
    const gen = this.gen + 1;
    const buf = encodeSlot(gen, s);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, (gen % 2) * SLOT + off);
    fdatasyncSync(this.fd);
    this.gen = gen;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function decodeSlotSafe(buf: Buffer): ReturnType<typeof decodeSlot> {
  try {
    return decodeSlot(buf);
  } catch {
    return undefined; // the CRC matched but the JSON did not parse: treated as torn
  }
}
