// A poller's checkpoint: written atomically (temp + fsync + rename) only after the alerts it covers
// are spooled. `seen` holds the dedupe keys of the overlap window with the window end they were last seen in.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.ts';

export interface Checkpoint {
  version: 1;
  /** Window end (epoch ms) of the last completed poll. */
  endMs: number;
  seen: Record<string, number>;
  /** Spool sequence after the poll's append: keys spooled later are recovered from the spool. */
  spoolSeq: number;
}

export class CheckpointStore {
  readonly file: string;
  constructor(stateDir: string, source: string) {
    mkdirSync(path.join(stateDir, 'checkpoints'), { recursive: true });
    this.file = path.join(stateDir, 'checkpoints', `${source}.json`);
  }

  load(): Checkpoint | undefined {
    if (!existsSync(this.file)) return undefined;
    const c = JSON.parse(readFileSync(this.file, 'utf8')) as Checkpoint;
    return c.version === 1 ? c : undefined;
  }

  save(c: Checkpoint): void {
    writeFileAtomic(this.file, JSON.stringify(c));
  }
}
