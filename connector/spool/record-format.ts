// One spool record per line: `<crc32 hex>\t<seq>\t<key>\t<json>\n`. The CRC covers
// `<seq>\t<key>\t<json>`; a line without its newline or with a wrong CRC is a torn write.
// JSON.stringify never emits a raw newline or tab, and keys are sanitised, so lines split cleanly.
import { crc32 } from 'node:zlib';

/**
 * What a spool record's JSON holds: one flat record as Darktrace pushes it to `darktrace_model_alerts_CL`
 * (keys before suffixing). Intake writes it, every sink reads it: one format for all sinks.
 */
export type PushRecord = Record<string, string | number | boolean | unknown[]>;

export interface SpoolRecord {
  seq: number;
  key: string;
  /** The push record, serialised, as UTF-8 bytes (sinks concatenate these without re-encoding). */
  data: Buffer;
  /** The same as a string (decoded on demand). */
  readonly json: string;
}

class StoredRecord implements SpoolRecord {
  constructor(
    readonly seq: number,
    readonly key: string,
    readonly data: Buffer,
  ) {}
  get json(): string {
    return this.data.toString('utf8');
  }
}

function record(seq: number, key: string, data: Buffer): SpoolRecord {
  return new StoredRecord(seq, key, data);
}

/** A record built in memory (tests, benchmarks). */
export function spoolRecord(seq: number, key: string, json: string): SpoolRecord {
  return record(seq, key, Buffer.from(json, 'utf8'));
}

export function sanitiseKey(key: string): string {
  return key.replace(/[\t\n\r]/g, ' ');
}

export function encodeRecord(seq: number, key: string, json: string): string {
  const body = `${seq}\t${key}\t${json}`;
  return `${crc32(body).toString(16).padStart(8, '0')}\t${body}\n`;
}

const TAB = 9;

/** Parses the line buf[start, end) (without its newline); undefined when it is torn or corrupt. */
export function decodeLine(buf: Buffer, start = 0, end = buf.length): SpoolRecord | undefined {
  if (end - start < 12 || buf[start + 8] !== TAB) return undefined;
  const bodyStart = start + 9;
  const want = parseInt(buf.toString('latin1', start, start + 8), 16);
  if (!Number.isFinite(want) || crc32(buf.subarray(bodyStart, end)) !== want) return undefined;
  const t1 = buf.indexOf(TAB, bodyStart);
  const t2 = t1 < 0 || t1 >= end ? -1 : buf.indexOf(TAB, t1 + 1);
  if (t1 < 0 || t2 < 0 || t2 >= end) return undefined;
  const seq = Number(buf.toString('latin1', bodyStart, t1));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return record(seq, buf.toString('utf8', t1 + 1, t2), buf.subarray(t2 + 1, end));
}
