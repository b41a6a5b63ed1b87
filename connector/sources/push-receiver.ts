// The Darktrace push receiver: POST <receiver.path> with the receiver's bearer token. Bodies are
// size-limited while streaming, checked (depth, alert count) before parsing, and answered 2xx only
// once their alerts are durably spooled; a full spool or disk is a 503 with Retry-After.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReceiverConfig } from '../config/types.ts';
import type { AlertIngest } from '../intake/ingest.ts';
import { SpoolFullError } from '../spool/spool.ts';
import { DiskFullError } from '../util/disk-full.ts';
import { BodyTooLarge, bearerMatches, readBody, send, tokenDigest } from '../util/http.ts';
import { checkBodyShape } from './push-body.ts';

/** Retry-After (seconds) of a push refused while the spool or the disk is full. */
const RETRY_AFTER_S = '5';

export type PushReceiver = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createPushReceiver(r: ReceiverConfig, ingest: AlertIngest): PushReceiver {
  const token = tokenDigest(r.token);

  /** A read push body: checked (depth, alert count), parsed, ingested. */
  async function pushBody(res: ServerResponse, body: Buffer): Promise<void> {
    const text = body.toString('utf8');
    const shape = checkBodyShape(body, r.maxDepth, r.maxAlerts);
    if (!shape.ok && shape.limit === 'depth') {
      const reason = `body is nested deeper than ${r.maxDepth} levels (receiver.maxDepth)`;
      ingest.rejectBody('push', text, reason);
      return send(res, 400, { error: reason });
    }
    if (!shape.ok) {
      // Not dead-lettered: like a body over maxBodyBytes, the sender still has it and splits it.
      return send(res, 413, { error: `body holds more than ${r.maxAlerts} alerts (receiver.maxAlertsPerPush); send them in smaller pushes` });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      const reason = `body is not valid JSON: ${(err as Error).message}`;
      ingest.rejectBody('push', text, reason); // whatever alerts it held are kept, with the reason
      return send(res, 400, { error: reason });
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    let result;
    try {
      result = await ingest.ingest('push', items, undefined, r.spoolWaitMs);
    } catch (err) {
      if (err instanceof SpoolFullError) return send(res, 503, { error: 'spool full, retry later' }, { 'retry-after': RETRY_AFTER_S });
      throw err;
    }
    if (items.length > 0 && result.rejected.length === items.length) {
      return send(res, 400, { error: 'no valid alert in the body', rejected: result.rejected });
    }
    return send(res, 200, { accepted: result.spooled, filtered: result.filtered, duplicates: result.duplicates, rejected: result.rejected });
  }

  return async (req, res) => {
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    if (!bearerMatches(req.headers.authorization, token)) {
      req.resume();
      return send(res, 401, { error: 'missing or invalid bearer token' }, { 'www-authenticate': 'Bearer' });
    }
    const type = String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json' && !type.endsWith('+json')) {
      req.resume();
      return send(res, 415, { error: `content-type must be application/json (got ${type})` });
    }
    let body: Buffer;
    try {
      body = await readBody(req, r.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLarge) return send(res, 413, { error: `body over ${r.maxBodyBytes} bytes` }, { connection: 'close' });
      throw err;
    }
    try {
      return await pushBody(res, body);
    } catch (err) {
      // A full disk is a state, not a fault: the same push succeeds once space returns (503, not 500).
      if (err instanceof DiskFullError) return send(res, 503, { error: 'disk full, retry later' }, { 'retry-after': RETRY_AFTER_S });
      throw err;
    }
  };
}
