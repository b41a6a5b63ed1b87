// SharedKey for the HTTP Data Collector API (azure-ingestion.md A4):
//   StringToSign = POST\n<UTF-8 byte length>\n<Content-Type as received>\nx-ms-date:<date>\n/api/logs
//   Signature    = Base64(HMAC-SHA256(Base64Decode(key), UTF8(StringToSign)))
// The service side rebuilds the string from what it received and compares in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function buildStringToSign(contentLength: number, contentType: string, date: string): string {
  return `POST\n${contentLength}\n${contentType}\nx-ms-date:${date}\n/api/logs`;
}

export function computeSignature(stringToSign: string, key: Buffer): Buffer {
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest();
}

/** Base64 signature, as a client puts it in `SharedKey <id>:<signature>`. */
export function signSharedKey(stringToSign: string, base64Key: string): string {
  return computeSignature(stringToSign, Buffer.from(base64Key, 'base64')).toString('base64');
}

export type ParsedAuthorization =
  | { kind: 'missing' }
  | { kind: 'invalid-scheme' }
  | { kind: 'malformed' }
  | { kind: 'shared-key'; workspaceId: string; signature: string };

export function parseAuthorization(value: string | undefined): ParsedAuthorization {
  if (value === undefined || value.trim() === '') return { kind: 'missing' };
  const match = /^(\S+)\s+(.*)$/.exec(value.trim());
  if (!match || match[1] !== 'SharedKey') return { kind: 'invalid-scheme' };
  const credentials = match[2]!;
  const colon = credentials.indexOf(':');
  if (colon <= 0) return { kind: 'malformed' };
  return { kind: 'shared-key', workspaceId: credentials.slice(0, colon), signature: credentials.slice(colon + 1) };
}

/** True when `signature` (base64) is the HMAC of `stringToSign` under any of `keys`. Constant time per key. */
export function verifySignature(stringToSign: string, signature: string, keys: readonly Buffer[]): boolean {
  const received = Buffer.from(signature, 'base64');
  let ok = false;
  for (const key of keys) {
    const expected = computeSignature(stringToSign, key);
    // Lengths are public (32 bytes); compare a same-length buffer so timingSafeEqual never throws.
    const candidate = received.length === expected.length ? received : Buffer.alloc(expected.length);
    const equal = timingSafeEqual(candidate, expected) && received.length === expected.length;
    // Also require the base64 text to round-trip, so padding variants of one MAC are not all accepted.
    ok = (equal && received.toString('base64') === signature) || ok;
  }
  return ok;
}

const RFC1123 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses `ddd, dd MMM yyyy HH:mm:ss GMT`; any other zone or layout is undefined. */
export function parseRfc1123(value: string): Date | undefined {
  const m = RFC1123.exec(value);
  if (!m) return undefined;
  const [, , day, mon, year, hh, mm, ss] = m;
  const date = new Date(Date.UTC(Number(year), MONTHS.indexOf(mon!), Number(day), Number(hh), Number(mm), Number(ss)));
  if (date.getUTCDate() !== Number(day) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  return date;
}

/** Formats a date as the RFC 1123 string clients put in `x-ms-date`. */
export function formatRfc1123(date: Date): string {
  return date.toUTCString();
}
