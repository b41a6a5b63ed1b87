// Guards the simulator's /_lab control plane (emit, clock, rates, faults): it answers only requests
// that name this machine (a loopback Host, or one allowed with --allowed-host) — a web page that
// rebinds its own DNS name to 127.0.0.1 still sends its own name and is refused — and, when an admin
// token is configured, only requests that carry it as a bearer token (compared in constant time).
// The Darktrace API routes are not guarded (DTAPI signs them). The mock workspace has its own copy:
// the services share no code (docs/decisions/0001).
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';

export interface AdminAccess {
  /** Host names (or addresses) accepted besides the loopback ones, matched case-insensitively. */
  allowedHosts?: string[];
  /** When set, every admin request needs `Authorization: Bearer <token>`. */
  token?: string;
}

export function adminGuard(access: AdminAccess = {}): RequestHandler {
  const allowed = new Set((access.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const expected = access.token === undefined ? undefined : digest(access.token);
  return (req, res, next) => {
    const host = hostName(req.headers.host);
    if (host === undefined || !(isLoopbackHost(host) || allowed.has(host))) {
      res.status(421).json({ error: `the admin API does not answer for host '${String(req.headers.host ?? '')}' (loopback names and addresses only; allow others with --allowed-host)` });
      if (!req.readableEnded) req.resume();
      return;
    }
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      res.status(401).set('www-authenticate', 'Bearer realm="dtlab-admin"').json({ error: 'the admin API needs the admin token: Authorization: Bearer <token>' });
      if (!req.readableEnded) req.resume();
      return;
    }
    next();
  };
}

/** The name in a Host header, lower-cased, without its port or IPv6 brackets; undefined when absent. */
export function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : undefined;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** `localhost` (and `*.localhost`, RFC 6761), 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** Whether the process is reachable only from this machine when bound to `host`. */
export function isLoopbackBind(host: string): boolean {
  return isLoopbackHost(host.toLowerCase().replace(/^\[|\]$/g, ''));
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time: both sides hashed to the same length first. */
function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), expected);
}
