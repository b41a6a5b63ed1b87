// Dead-letter file: one JSON object per line in <state>/dead-letter/dead-letter.ndjson, fsync'd
// before the records leave the spool. Nothing is dropped silently: each entry carries its reason.
import { closeSync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SinkResponse } from '../sinks/sink.ts';
import type { SpoolRecord } from '../spool/spool.ts';

export interface DeliveryDeadLetter {
  kind: 'delivery';
  time: string;
  sink: string;
  reason: string;
  response?: SinkResponse;
  seqs: [number, number];
  records: unknown[];
}

export interface AlertDeadLetter {
  kind: 'alert';
  time: string;
  source: string;
  reason: string;
  alert: unknown;
}

/** A pushed body that could not be read as alerts at all (not JSON): kept as received. */
export interface BodyDeadLetter {
  kind: 'body';
  time: string;
  source: string;
  reason: string;
  body: string;
}

export type DeadLetterEntry = DeliveryDeadLetter | AlertDeadLetter | BodyDeadLetter;

export class DeadLetterFile {
  readonly file: string;
  private fd: number;

  constructor(stateDir: string) {
    const dir = path.join(stateDir, 'dead-letter');
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, 'dead-letter.ndjson');
    this.fd = openSync(this.file, 'a');
  }

  private write(entry: DeadLetterEntry): void {
    const buf = Buffer.from(JSON.stringify(entry) + '\n', 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    fdatasyncSync(this.fd);
  }

  records(sink: string, records: SpoolRecord[], reason: string, response?: SinkResponse): void {
    this.write({
      kind: 'delivery',
      time: new Date().toISOString(),
      sink,
      reason,
      response,
      seqs: [records[0]!.seq, records[records.length - 1]!.seq],
      records: records.map((r) => JSON.parse(r.json) as unknown),
    });
  }

  alert(source: string, alert: unknown, reason: string): void {
    this.write({ kind: 'alert', time: new Date().toISOString(), source, reason, alert });
  }

  body(source: string, body: string, reason: string): void {
    this.write({ kind: 'body', time: new Date().toISOString(), source, reason, body });
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
