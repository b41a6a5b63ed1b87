// DTAPI request signing (darktrace-api.md §1.2–§1.5), written from the spec on the connector side.
import { createHmac } from 'node:crypto';

/** HMAC-SHA1 over `PATHQUERY\npublic\ndate`, lower-case hex. */
export function dtapiSignature(pathQuery: string, publicToken: string, privateToken: string, date: string): string {
  return createHmac('sha1', Buffer.from(privateToken, 'ascii'))
    .update(`${pathQuery}\n${publicToken}\n${date}`)
    .digest('hex');
}

/** `YYYYMMDDTHHMMSS` in UTC: the documented compact DTAPI-Date form. */
export function dtapiDate(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2024-01-15T09:30:00.000Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19);
}

export interface PathQuery {
  /** What goes into the signature: values unencoded, in sending order. */
  signed: string;
  /** What goes on the wire: the same parameters, same order, percent-encoded. */
  sent: string;
}

/** Builds the signed and the sent forms of one GET path + query (§1.3: sign unencoded, send encoded). */
export function buildPathQuery(path: string, params: Array<[string, string | number | boolean]>): PathQuery {
  if (params.length === 0) return { signed: path, sent: path };
  const signed = params.map(([k, v]) => `${k}=${v}`).join('&');
  const sent = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v)).replace(/%3A/gi, ':')}`).join('&');
  return { signed: `${path}?${signed}`, sent: `${path}?${sent}` };
}

/** A JSON POST is signed as `/path?<exact body bytes>` (§1.3 "sign exactly the bytes sent"). */
export function jsonBodyPathQuery(path: string, body: string): string {
  return `${path}?${body}`;
}
