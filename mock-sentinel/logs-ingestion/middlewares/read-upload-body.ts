// Reads an upload body: `Content-Type: application/json` required, `Content-Encoding: gzip` optional
// (spec B3); at most 1,048,576 bytes as received and after gunzip (spec B4/B8), enforced while the
// bytes stream in, so an oversized body is never held in memory.
import { createGunzip } from 'node:zlib';
import type { Request } from 'express';
import { readBodyLimited } from '../../middlewares/readBody.ts';
import { ingestionErrors, MAX_BODY_BYTES } from '../errors/ingestion-error.ts';

export interface UploadBody {
  /** The JSON text (decompressed). */
  json: Buffer;
  /** Bytes as received on the wire. */
  wireBytes: number;
  gzip: boolean;
}

export function checkContentHeaders(req: Request): { gzip: boolean } {
  const contentType = req.headers['content-type'];
  if (!contentType || contentType.split(';', 1)[0]!.trim().toLowerCase() !== 'application/json') {
    throw ingestionErrors.unsupportedContentType(contentType);
  }
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'gzip' && encoding !== 'identity') throw ingestionErrors.unsupportedContentEncoding(encoding);
  return { gzip: encoding === 'gzip' };
}

export async function readUploadBody(req: Request, gzip: boolean, onWireBytes: (n: number) => void): Promise<UploadBody> {
  const declared = declaredLength(req);
  const read = await readBodyLimited(req, MAX_BODY_BYTES, declared);
  if (!read.ok) {
    onWireBytes(read.bytesSeen);
    // The real message states the provided length: the header when there is one, else what arrived
    // before the limit stopped the read (a chunked body is not read to its end).
    throw ingestionErrors.contentLengthLimitExceeded(declared ?? read.bytesSeen);
  }
  onWireBytes(read.body.length);
  if (!gzip) return { json: read.body, wireBytes: read.body.length, gzip };
  const inflated = await gunzipLimited(read.body, MAX_BODY_BYTES);
  if (!inflated.ok) throw ingestionErrors.contentLengthLimitExceeded(inflated.totalBytes);
  return { json: inflated.body, wireBytes: read.body.length, gzip };
}

/**
 * Gunzips keeping at most `limit` bytes; past it the rest is only counted (the 413 message states the
 * decompressed size). The input is at most 1 MiB, so counting is bounded too.
 */
function gunzipLimited(input: Buffer, limit: number): Promise<{ ok: true; body: Buffer } | { ok: false; totalBytes: number }> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    gunzip.on('end', () => resolve(total <= limit ? { ok: true, body: Buffer.concat(chunks, total) } : { ok: false, totalBytes: total }));
    gunzip.on('error', () => reject(ingestionErrors.invalidGzip()));
    gunzip.end(input);
  });
}

function declaredLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Query parameter names decoded before matching: the SDK sends `api%2Dversion=2023-01-01`. */
export function queryParam(req: Request, name: string): string | undefined {
  const raw = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === name) return safeDecode(eq < 0 ? '' : pair.slice(eq + 1));
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}
