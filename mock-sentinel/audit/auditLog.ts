// The request audit log: every request on every route, with its outcome, in a bounded ring.
import type { AuditNote } from './audit-notes.ts';

export interface AuditEntry {
  id: number;
  time: string;
  route: string;
  method: string;
  path: string;
  workspace: string | null;
  table: string | null;
  status: number;
  errorCode: string | null;
  message: string | null;
  bytes: number;
  records: number;
  injectedFault: string | null;
  /** Notes on documented policies that applied (renamed properties, truncated values, …). */
  flags: string[];
  /** The same policies counted per kind, table and column (uncapped counts). */
  notes: AuditNote[];
  /** Logs Ingestion: the stream posted to (from the path). */
  stream: string | null;
  /**
   * Who sent it, from the request itself (so an injected fault, answered before the handler runs,
   * has it too): `workspace <id>` from a SharedKey Authorization header, `dcr <immutable id>` from a
   * Logs Ingestion path; null otherwise.
   */
  client: string | null;
  /** The Retry-After the answer carried, in seconds; null when none. */
  retryAfterSeconds: number | null;
  durationMs: number;
}

export class AuditLog {
  private readonly entries: AuditEntry[] = [];

  constructor(private readonly capacity = 10_000) {}

  add(entry: AuditEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** The most recent `limit` entries, oldest first. */
  list(limit = 100): AuditEntry[] {
    return this.entries.slice(Math.max(0, this.entries.length - Math.max(0, limit)));
  }

  clear(): void {
    this.entries.length = 0;
  }
}
