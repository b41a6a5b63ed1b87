// Disk full (ENOSPC, or EDQUOT: the quota is spent) as a state, not a crash. A write that fails so
// becomes a DiskFullError (intake answers 503 + Retry-After: the same request succeeds once space
// returns); the state is left when a write succeeds again or the filesystem shows room for the
// write that failed. /health reports it with the free bytes.
import { statfsSync } from 'node:fs';

export class DiskFullError extends Error {
  readonly code: string;
  constructor(readonly what: string, cause: NodeJS.ErrnoException) {
    super(`disk full: cannot write ${what} (${cause.code})`);
    this.name = 'DiskFullError';
    this.code = cause.code ?? 'ENOSPC';
  }
}

export function isDiskFull(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`; undefined when unknown. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

export interface DiskStatus {
  full: boolean;
  /** Free bytes on the state filesystem (statfs), null when the platform cannot tell. */
  freeBytes: number | null;
  /** When the last failed write happened (ISO), while full. */
  since?: string;
}

/** Room the failed write needed beyond its own bytes before the disk counts as usable again. */
const SLACK_BYTES = 64 * 1024;

/** The disk-full state of one state directory, shared by everything that writes there. */
export class DiskSpace {
  private full?: { since: string; needed: number };

  constructor(readonly dir: string) {}

  /** Turns a failed write of `bytes` into the error to throw: DiskFullError when the disk is full. */
  failed(what: string, err: unknown, bytes: number): unknown {
    if (!isDiskFull(err)) return err;
    this.full = { since: this.full?.since ?? new Date().toISOString(), needed: bytes };
    return new DiskFullError(what, err);
  }

  /** A write succeeded: the disk is not full (any more). */
  ok(): void {
    this.full = undefined;
  }

  status(): DiskStatus {
    const free = freeBytes(this.dir);
    if (this.full && free !== undefined && free >= this.full.needed + SLACK_BYTES) this.full = undefined;
    return { full: this.full !== undefined, freeBytes: free ?? null, ...(this.full ? { since: this.full.since } : {}) };
  }
}
