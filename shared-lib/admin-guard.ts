// Guards the three services' admin endpoints (the mock's and the simulator's /_lab, the connector's
// /health, /idle, /metrics, /debug/*): they answer only requests that name this machine (a loopback
// Host, or one allowed by the operator) — a web page that rebinds its own DNS name to 127.0.0.1
// still sends its own name and is refused with 421 — and, when an admin token is configured, only
// requests that carry it as a bearer token (401 otherwise, compared in constant time).
//
// The services share no code of their own (docs/decisions/0001); this folder holds the few neutral
// pieces all three need, written once. It imports nothing from them.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

export interface AdminAccess {
  /** Host names (or addresses) accepted besides the loopback ones, matched case-insensitively. */
  allowedHosts?: readonly string[];
  /** When set, every admin request needs `Authorization: Bearer <token>`. */
  token?: string;
}

/** What a refusal says: each service names its own flag or config key. */
export interface AdminGuardWording {
  /** The `WWW-Authenticate` realm of a 401. */
  realm: string;
  /** The 421's error for a request naming `host`. */
  wrongHost: (host: string) => string;
  /** The 401's error. */
  noToken: string;
}

/** Answers and returns false when the request may not use the admin endpoints; true otherwise. */
export type AdminGuard = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createAdminGuard(access: AdminAccess, wording: AdminGuardWording): AdminGuard {
  const allowed = new Set((access.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const expected = access.token === undefined ? undefined : tokenDigest(access.token);
  return (req, res) => {
    const host = hostName(req.headers.host);
    if (host === undefined || !(isLoopbackHost(host) || allowed.has(host))) {
      refuse(req, res, 421, wording.wrongHost(String(req.headers.host ?? '')));
      return false;
    }
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      refuse(req, res, 401, wording.noToken, { 'www-authenticate': `Bearer realm="${wording.realm}"` });
      return false;
    }
    return true;
  };
}

/** The mock's and the simulator's /_lab guard, as middleware (Express or any `(req, res, next)` router). */
export function labAdminGuard(access: AdminAccess = {}): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const guard = createAdminGuard(access, {
    realm: 'dtlab-admin',
    wrongHost: (host) => `the admin API does not answer for host '${host}' (loopback names and addresses only; allow others with --allowed-host)`,
    noToken: 'the admin API needs the admin token: Authorization: Bearer <token>',
  });
  return (req, res, next) => {
    if (guard(req, res)) next();
  };
}

/** Answers with a JSON error; the request's unread body is drained, so the client reads the answer. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  if (!req.readableEnded) req.resume();
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify({ error }));
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

/**
 * `localhost` (and `*.localhost`, RFC 6761), 127.0.0.0/8, `::1`; any case, IPv6 with or without
 * brackets. Also whether a process bound to `host` is reachable only from this machine.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time bearer check: both sides hashed to equal length first. */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(tokenDigest(m[1]!.trim()), expected);
}
