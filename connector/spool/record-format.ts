// One spool record per line: `<crc32 hex>\t<seq>\t<key>\t<json>\n`. The CRC covers
// `<seq>\t<key>\t<json>`; a line without its newline or with a wrong CRC is a torn write.
// JSON.stringify never emits a raw newline or tab, and keys are sanitised, so lines split cleanly.
import { crc32 } from 'node:zlib';

export interface SpoolRecord {
  seq: number;
  key: string;
  /** The push record, already serialised. */
  json: string;
}

export function sanitiseKey(key: string): string {
  return key.replace(/[\t\n\r]/g, ' ');
}

export function encodeRecord(seq: number, key: string, json: string): string {
  const body = `${seq}\t${key}\t${json}`;
  return `${crc32(body).toString(16).padStart(8, '0')}\t${body}\n`;
}

/** Parses one line (without its newline); undefined when the line is torn or corrupt. */
export function decodeLine(line: string): SpoolRecord | undefined {
  if (line.length < 12 || line[8] !== '\t') return undefined;
  const body = line.slice(9);
  const want = parseInt(line.slice(0, 8), 16);
  if (!Number.isFinite(want) || crc32(body) !== want) return undefined;
  const t1 = body.indexOf('\t');
  const t2 = body.indexOf('\t', t1 + 1);
  if (t1 < 0 || t2 < 0) return undefined;
  const seq = Number(body.slice(0, t1));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return { seq, key: body.slice(t1 + 1, t2), json: body.slice(t2 + 1) };
}
