// Guards the connector's own endpoints (/health, /idle, /metrics, /debug/*), not the push receiver:
// they answer only requests that name this machine (a loopback Host, or one of `admin.allowedHosts`)
// — a web page that rebinds its DNS name to 127.0.0.1 still sends its own name and is refused with
// 421 — and, when `admin.token` is set, only requests carrying it as a bearer token (401 otherwise,
// compared in constant time). The mock workspace and the simulator have their own copies: the
// services share no code (docs/decisions/0001).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { AdminConfig } from '../config/types.ts';
import { bearerMatches, tokenDigest } from '../util/http.ts';

/** Answers and returns false when the request may not use the admin endpoints; true otherwise. */
export type AdminGuard = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createAdminGuard(admin: AdminConfig): AdminGuard {
  const allowed = new Set(admin.allowedHosts.map((h) => h.toLowerCase()));
  const expected = admin.token === undefined ? undefined : tokenDigest(admin.token);
  return (req, res) => {
    const host = hostName(req.headers.host);
    if (host === undefined || !(isLoopbackHost(host) || allowed.has(host))) {
      refuse(req, res, 421, { error: `the connector's admin endpoints do not answer for host '${String(req.headers.host ?? '')}' (loopback only; allow others with admin.allowedHosts)` });
      return false;
    }
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      refuse(req, res, 401, { error: 'the admin endpoints need admin.token: Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer realm="dtconnector-admin"' });
      return false;
    }
    return true;
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  req.resume();
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The name in a Host header, lower-cased, without its port or IPv6 brackets; undefined when absent. */
function hostName(header: string | undefined): string | undefined {
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
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}
