// Dead-letter file: one JSON object per line in <state>/dead-letter/dead-letter.ndjson, fsync'd
// before the records leave the spool. Nothing is dropped silently: each entry carries its reason.
// Work is bounded per request: refused alerts are written in groups (one entry, one fsync each),
// never one entry per alert. A write that fails (disk full) leaves nothing behind and throws.
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SpoolRecord } from './spool.ts';
import { DiskSpace } from '../util/disk-full.ts';

/** A Sentinel answer as a sink saw it, kept with the records it refused. */
export interface SinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryDeadLetter {
  kind: 'delivery';
  time: string;
  sink: string;
  reason: string;
  response?: SinkResponse;
  seqs: [number, number];
  records: unknown[];
}

/** Alerts of one push or poll that could not be mapped, each as received with its own reason. */
export interface AlertsDeadLetter {
  kind: 'alerts';
  time: string;
  source: string;
  /** `<n> alert(s) refused; first: <reason of the first>`. */
  reason: string;
  alerts: Array<{ index: number; reason: string; alert: unknown }>;
}

/** Refused alerts per dead-letter entry: bounds an entry's size and the fsyncs per request. */
export const ALERTS_PER_ENTRY = 1000;

/** A pushed body that could not be read as alerts at all (not JSON, nested too deep): kept as received. */
export interface BodyDeadLetter {
  kind: 'body';
  time: string;
  source: string;
  reason: string;
  body: string;
}

export type DeadLetterEntry = DeliveryDeadLetter | AlertsDeadLetter | BodyDeadLetter;

/** Where a connector with this state directory writes its dead letters (read by the harness too). */
export function deadLetterPath(stateDir: string): string {
  return path.join(stateDir, 'dead-letter', 'dead-letter.ndjson');
}

export class DeadLetterFile {
  readonly file: string;
  private fd: number;
  private size: number;
  private readonly disk: DiskSpace;

  constructor(stateDir: string, disk?: DiskSpace) {
    this.file = deadLetterPath(stateDir);
    const dir = path.dirname(this.file);
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(this.file, 'a');
    this.size = fstatSync(this.fd).size;
    this.disk = disk ?? new DiskSpace(dir);
  }

  private write(entries: DeadLetterEntry[]): void {
    const buf = Buffer.from(entries.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      fdatasyncSync(this.fd);
    } catch (err) {
      // Cut what was written, so the next entry does not glue onto half a line.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        /* the line stays torn; readers skip a line that is not JSON */
      }
      throw this.disk.failed('the dead-letter file', err, buf.length);
    }
    this.size += buf.length;
    this.disk.ok();
  }

  records(sink: string, records: SpoolRecord[], reason: string, response?: SinkResponse): void {
    this.write([{
      kind: 'delivery',
      time: new Date().toISOString(),
      sink,
      reason,
      response,
      seqs: [records[0]!.seq, records[records.length - 1]!.seq],
      records: records.map((r) => JSON.parse(r.json) as unknown),
    }]);
  }

  /** Refused alerts of one request, in entries of at most ALERTS_PER_ENTRY, written with one fsync. */
  alerts(source: string, refused: Array<{ index: number; reason: string; alert: unknown }>): void {
    if (refused.length === 0) return;
    const time = new Date().toISOString();
    const entries: AlertsDeadLetter[] = [];
    for (let i = 0; i < refused.length; i += ALERTS_PER_ENTRY) {
      const alerts = refused.slice(i, i + ALERTS_PER_ENTRY);
      const reason = `${alerts.length} alert${alerts.length === 1 ? '' : 's'} refused; first: ${alerts[0]!.reason}`;
      entries.push({ kind: 'alerts', time, source, reason, alerts });
    }
    this.write(entries);
  }

  body(source: string, body: string, reason: string): void {
    this.write([{ kind: 'body', time: new Date().toISOString(), source, reason, body }]);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
