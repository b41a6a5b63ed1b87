// The connector's HTTP surface: the Darktrace push receiver (bearer token; 2xx only once durably
// spooled), GET /health and GET /metrics. Request bodies are size-limited while streaming.
// With `debug.enabled` only: GET/PUT /debug/clock-skew, the test hook that skews the signing clock.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ReceiverConfig } from '../config/types.ts';
import type { AlertIngest } from '../sources/ingest.ts';
import { checkBodyShape } from '../sources/push-body.ts';
import { SpoolFullError } from '../spool/spool.ts';
import { DiskFullError } from '../util/disk-full.ts';
import { MAX_CLOCK_SKEW_MS, type SigningClock } from '../util/signing-clock.ts';
import type { Metrics } from './metrics.ts';
import type { AdminGuard } from './admin-guard.ts';

export interface HttpServerDeps {
  receiver?: ReceiverConfig;
  ingest: AlertIngest;
  metrics: Metrics;
  health: () => Record<string, unknown>;
  /** Resolves true once the spool is drained, false after `timeoutMs`. */
  waitIdle: (timeoutMs: number) => Promise<boolean>;
  log: Logger;
  /** Set only when `debug.enabled`: the signing clock the debug route may skew. */
  debugClock?: SigningClock;
  /** Host check and admin token for every route but the receiver's (answers and returns false to refuse). */
  admitAdmin?: AdminGuard;
}

class BodyTooLarge extends Error {}

/** Retry-After (seconds) of a push refused while the spool or the disk is full. */
const RETRY_AFTER_S = '5';

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; version=0.0.4' : 'application/json', ...headers });
  res.end(text);
}

/** Constant-time bearer check: both sides hashed to equal length first. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!.trim()).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

export function createHttpServer(d: HttpServerDeps): { server: Server; listen(listen: string): Promise<string>; close(): Promise<void> } {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      d.log.error({ err: (err as Error).message }, 'receiver: unexpected error');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== d.receiver?.path && d.admitAdmin && !d.admitAdmin(req, res)) return;
    if (req.method === 'GET' && path === '/health') return send(res, 200, d.health());
    if (req.method === 'GET' && path === '/idle') {
      // Long-poll for quiescence (tests, the harness): 200 once nothing is pending, 503 on timeout.
      const timeout = Math.min(Number(new URL(req.url ?? '/', 'http://x').searchParams.get('timeout') ?? 30_000) || 30_000, 300_000);
      const idle = await d.waitIdle(timeout);
      return send(res, idle ? 200 : 503, d.health());
    }
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': d.metrics.registry.contentType });
      res.end(await d.metrics.registry.metrics());
      return;
    }
    if (path === '/debug/clock-skew' && d.debugClock) return clockSkewRoute(req, res, d.debugClock);
    const r = d.receiver;
    if (!r || path !== r.path) return send(res, 404, { error: `no route ${req.method} ${path}` });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
    if (!tokenMatches(req.headers.authorization, r.token)) {
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
      return await pushBody(res, r, body);
    } catch (err) {
      // A full disk is a state, not a fault: the same push succeeds once space returns (503, not 500).
      if (err instanceof DiskFullError) return send(res, 503, { error: 'disk full, retry later' }, { 'retry-after': RETRY_AFTER_S });
      throw err;
    }
  }

  /** A read push body: checked (depth, alert count), parsed, ingested. */
  async function pushBody(res: ServerResponse, r: ReceiverConfig, body: Buffer): Promise<void> {
    const text = body.toString('utf8');
    const shape = checkBodyShape(body, r.maxDepth, r.maxAlerts);
    if (!shape.ok && shape.limit === 'depth') {
      const reason = `body is nested deeper than ${r.maxDepth} levels (receiver.maxDepth)`;
      d.ingest.rejectBody('push', text, reason);
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
      d.ingest.rejectBody('push', text, reason); // whatever alerts it held are kept, with the reason
      return send(res, 400, { error: reason });
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    let result;
    try {
      result = await d.ingest.ingest('push', items, undefined, r.spoolWaitMs);
    } catch (err) {
      if (err instanceof SpoolFullError) return send(res, 503, { error: 'spool full, retry later' }, { 'retry-after': RETRY_AFTER_S });
      throw err;
    }
    if (items.length > 0 && result.rejected.length === items.length) {
      return send(res, 400, { error: 'no valid alert in the body', rejected: result.rejected });
    }
    return send(res, 200, { accepted: result.spooled, filtered: result.filtered, duplicates: result.duplicates, rejected: result.rejected });
  }

  /** GET → {"ms": current}; PUT {"ms": N} → sets it (every later signature reads it). */
  async function clockSkewRoute(req: IncomingMessage, res: ServerResponse, clock: SigningClock): Promise<void> {
    if (req.method === 'GET') return send(res, 200, { ms: clock.skewMs });
    if (req.method !== 'PUT') {
      req.resume();
      return send(res, 405, { error: 'use GET or PUT' }, { allow: 'GET, PUT' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse((await readBody(req, 1024)).toString('utf8'));
    } catch (err) {
      if (err instanceof BodyTooLarge) return send(res, 413, { error: 'body over 1024 bytes' }, { connection: 'close' });
      return send(res, 400, { error: `body is not valid JSON: ${(err as Error).message}` });
    }
    const ms = (parsed as { ms?: unknown } | null)?.ms;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || Math.abs(ms) > MAX_CLOCK_SKEW_MS) {
      return send(res, 400, { error: `ms: must be an integer number of milliseconds within ±${MAX_CLOCK_SKEW_MS}` });
    }
    const from = clock.skewMs;
    clock.setSkewMs(ms);
    d.log.warn({ fromMs: from, toMs: ms }, 'debug: signing clock skew changed');
    return send(res, 200, { ms });
  }

  return {
    server,
    listen(listen: string) {
      const m = /^(?:(.+):)?(\d+)$/.exec(listen);
      const host = m?.[1] ?? '127.0.0.1';
      const port = Number(m?.[2] ?? 0);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
