// Reads a request body up to a byte limit while it streams: past the limit nothing more is kept, so an
// oversize body (even 1 GB) costs no memory. The stream is paused there; the caller answers and
// lets the rest drain to nowhere.
import type { Readable } from 'node:stream';

export type BodyReadResult = { ok: true; body: Buffer } | { ok: false; bytesSeen: number };

export function readBodyLimited(stream: Readable, limit: number, declaredLength?: number): Promise<BodyReadResult> {
  if (declaredLength !== undefined && declaredLength > limit) return Promise.resolve({ ok: false, bytesSeen: 0 });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        stream.pause(); // the caller answers, then drains (resume) or drops the rest
        chunks.length = 0;
        resolve({ ok: false, bytesSeen: size });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('request aborted'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('aborted', onAborted);
  });
}
