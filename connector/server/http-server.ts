// The connector's HTTP surface: the push receiver (sources/push-receiver.ts) on its path, and the
// admin routes behind the admin guard: GET /health, GET /idle, GET /metrics, POST /sinks/{name}/enable|disable. With `debug.enabled`
// only: GET/PUT /debug/clock-skew, the test hook that skews the signing clock.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { PushReceiver } from '../sources/push-receiver.ts';
import { BodyTooLarge, readBody, send } from '../util/http.ts';
import type { Metrics } from '../util/metrics.ts';
import { MAX_CLOCK_SKEW_MS, type SigningClock } from '../util/signing-clock.ts';
import type { AdminGuard } from './admin-guard.ts';

export interface HttpServerDeps {
  /** The receiver's path and handler, when a receiver is configured. */
  receiver?: { path: string; handle: PushReceiver };
  metrics: Metrics;
  health: () => Record<string, unknown>;
  /** Resolves true once the spool is drained, false after `timeoutMs`. */
  waitIdle: (timeoutMs: number) => Promise<boolean>;
  log: Logger;
  /** Set only when `debug.enabled`: the signing clock the debug route may skew. */
  debugClock?: SigningClock;
  /** Enables or disables a sink by name; false when there is none (POST /sinks/{name}/enable|disable). */
  setSinkEnabled?: (name: string, enabled: boolean) => Promise<boolean>;
  /** Host check and admin token for every route but the receiver's (answers and returns false to refuse). */
  admitAdmin?: AdminGuard;
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
    const sinkRoute = /^\/sinks\/([^/]+)\/(enable|disable)$/.exec(path ?? '');
    if (sinkRoute && d.setSinkEnabled) {
      req.resume();
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST' });
      const name = decodeURIComponent(sinkRoute[1]!);
      const enabled = sinkRoute[2] === 'enable';
      if (!(await d.setSinkEnabled(name, enabled))) return send(res, 404, { error: `no sink named '${name}' (see GET /health: sinks)` });
      return send(res, 200, { sink: name, enabled });
    }
    if (path === '/debug/clock-skew' && d.debugClock) return clockSkewRoute(req, res, d.debugClock);
    if (d.receiver && path === d.receiver.path) return d.receiver.handle(req, res);
    return send(res, 404, { error: `no route ${req.method} ${path}` });
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
