// SharedKey signing for the HTTP Data Collector API (azure-ingestion.md A4).
// Pitfalls avoided on purpose: Content-Length is the UTF-8 *byte* length, Content-Type is exactly
// `application/json` (no charset), the key is base64-decoded, the date is RFC 1123 GMT.
import { createHmac } from 'node:crypto';

export const DATA_COLLECTOR_CONTENT_TYPE = 'application/json';

export function stringToSign(contentLength: number, date: string, contentType = DATA_COLLECTOR_CONTENT_TYPE): string {
  return `POST\n${contentLength}\n${contentType}\nx-ms-date:${date}\n/api/logs`;
}

export function sharedKeySignature(decodedKey: Buffer, contentLength: number, date: string, contentType?: string): string {
  return createHmac('sha256', decodedKey).update(stringToSign(contentLength, date, contentType), 'utf8').digest('base64');
}

export function authorizationHeader(workspaceId: string, decodedKey: Buffer, contentLength: number, date: string): string {
  return `SharedKey ${workspaceId}:${sharedKeySignature(decodedKey, contentLength, date)}`;
}

/** RFC 1123 date, e.g. `Mon, 04 Apr 2016 08:00:00 GMT` (Date#toUTCString produces exactly this form). */
export function rfc1123Date(now: Date = new Date()): string {
  return now.toUTCString();
}

export function decodeWorkspaceKey(base64Key: string): Buffer {
  return Buffer.from(base64Key, 'base64');
}
