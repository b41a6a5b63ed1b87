// Answers a request whose body is still arriving (over the size limit, or refused before it was read)
// without breaking the connection under the client. Closing the socket at once — what Node does after
// the response when the client sent `Connection: close`, as Python's urllib does — resets it while the
// client is still writing, and a client that writes the whole body before reading its answer sees
// EPIPE/ECONNRESET, a network error it retries, never the documented 404 / 413. So the whole answer is
// written at once (a client that reads early has it), the rest of the body is read and thrown away —
// never kept — and the response ends only when the body has ended. Both bounded: past `maxBytes`
// discarded or `maxMs`, the connection is dropped.
import type { Request, Response } from 'express';

export interface UnreadBodyLimits {
  /** Most bytes of an unread body discarded after the answer (default 100 MiB). */
  maxBytes: number;
  /** Longest wait for the rest of the body after the answer, in ms (default 30 s). */
  maxMs: number;
}

export const DEFAULT_UNREAD_BODY_LIMITS: UnreadBodyLimits = { maxBytes: 100 * 1024 * 1024, maxMs: 30_000 };

/**
 * Sends `payload` as the complete response (status and headers already set on `res`). When the
 * request body has been read, that is all; otherwise its rest is discarded first, within `limits`.
 */
export function sendDiscardingUnreadBody(req: Request, res: Response, payload: Buffer, limits: UnreadBodyLimits = DEFAULT_UNREAD_BODY_LIMITS): void {
  if (req.complete || req.readableEnded || req.destroyed) {
    res.end(payload);
    return;
  }
  res.setHeader('Content-Length', payload.length);
  if (payload.length > 0) res.write(payload);
  else res.flushHeaders();
  let discarded = 0;
  const settle = (dropConnection: boolean) => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('close', onClose);
    res.end();
    if (dropConnection) req.socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limits.maxBytes) settle(true);
  };
  const onEnd = () => settle(false);
  const onClose = () => settle(false); // the client went away: nothing left to wait for
  const timer = setTimeout(() => settle(true), limits.maxMs);
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('close', onClose);
  req.resume();
}
