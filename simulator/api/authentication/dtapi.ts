// DTAPI request authentication (darktrace-api.md §1): HMAC-SHA1 over PATHQUERY, the public token
// and the DTAPI-Date header value, hex encoded; dates within ±30 minutes in one of four formats.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenPair {
  public: string;
  private: string;
  /** Who acknowledgements and comments are attributed to (default `DTAPI_<public>`). */
  username?: string;
  /** Path prefixes this pair may call; absent = all (a miss answers 302 /403). */
  permissions?: string[];
}

/** `lowercase_hex(HMAC_SHA1(private, PATHQUERY + "\n" + public + "\n" + date))`. */
export function dtapiSignature(privateToken: string, pathQuery: string, publicToken: string, date: string): string {
  return createHmac('sha1', Buffer.from(privateToken, 'ascii')).update(`${pathQuery}\n${publicToken}\n${date}`, 'utf8').digest('hex');
}

export function signaturesEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;
const SPACED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses a DTAPI-Date value: `YYYYMMDDTHHMMSS`, `YYYY-MM-DD HH:MM:SS`, or ISO-8601 with optional
 * fraction and offset (a value without an offset is UTC). Returns epoch ms, or null.
 */
export function parseDtapiDate(value: string): number | null {
  let m = COMPACT.exec(value) ?? SPACED.exec(value);
  let fraction = '';
  let offset = '';
  if (!m) {
    m = ISO.exec(value);
    if (!m) return null;
    fraction = m[7] ?? '';
    offset = m[8] ?? '';
  }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second) + Number((fraction + '000').slice(0, 3));
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return ms;
}

/** Percent-decodes a query or form string as clients sent it ('+' is a space), leaving bad escapes. */
export function decodeQuery(raw: string): string {
  const spaced = raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%[0-9A-Fa-f]{2}/g, (hex) => {
      try {
        return decodeURIComponent(hex);
      } catch {
        return hex;
      }
    });
  }
}

export function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
