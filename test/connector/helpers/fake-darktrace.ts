// A small fake Darktrace for connector tests: verifies DTAPI signatures as darktrace-api.md §1
// describes (percent-decoded path+query, or the raw JSON body), serves alerts by time window, pages
// the email search, and can be told to fail the next requests. Its `/status` reports its clock (the
// machine's, or `clockOffsetMs` off it) as the appliance does, `YYYY-MM-DD HH:MM:SS` UTC.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Failure = { status: number; body: string; contentType?: string } | 'drop';

export interface FakeDarktrace {
  url: string;
  breaches: Array<Record<string, unknown>>;
  events: Array<Record<string, unknown>>;
  emails: Array<Record<string, unknown>>;
  requests: Array<{ method: string; path: string; query: URLSearchParams; body: string; dtapiDate: string }>;
  /** The next requests for alerts (not `/status`, which the connector also reads for the clock) fail so. */
  failNext(...f: Failure[]): void;
  close(): Promise<void>;
}

export async function startFakeDarktrace(tokens: { publicToken: string; privateToken: string }, opts: { clockOffsetMs?: number } = {}): Promise<FakeDarktrace> {
  const failures: Failure[] = [];
  const self = {
    breaches: [] as Array<Record<string, unknown>>,
    events: [] as Array<Record<string, unknown>>,
    emails: [] as Array<Record<string, unknown>>,
    requests: [] as FakeDarktrace['requests'],
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url!, 'http://x');
      self.requests.push({ method: req.method!, path: u.pathname, query: u.searchParams, body, dtapiDate: String(req.headers['dtapi-date'] ?? '') });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      const f = u.pathname === '/status' ? undefined : failures.shift();
      if (f === 'drop') return req.socket.destroy();
      if (f) {
        res.writeHead(f.status, { 'content-type': f.contentType ?? 'application/json' });
        return res.end(f.body);
      }
      const rawQuery = req.url!.includes('?') ? req.url!.slice(req.url!.indexOf('?') + 1) : '';
      const pathQuery = req.method === 'POST' ? `${u.pathname}?${body}` : rawQuery ? `${decodeURIComponent(u.pathname)}?${decodeURIComponent(rawQuery)}` : u.pathname;
      const date = String(req.headers['dtapi-date'] ?? '');
      const want = Buffer.from(createHmac('sha1', tokens.privateToken).update(`${pathQuery}\n${tokens.publicToken}\n${date}`).digest('hex'));
      const got = Buffer.from(String(req.headers['dtapi-signature'] ?? ''));
      if (req.headers['dtapi-token'] !== tokens.publicToken || want.length !== got.length || !timingSafeEqual(want, got)) {
        return json(400, { [u.pathname.split('/')[1] ?? 'error']: 'API SIGNATURE ERROR' });
      }
      const start = Number(u.searchParams.get('starttime') ?? 0);
      const end = Number(u.searchParams.get('endtime') ?? Number.MAX_SAFE_INTEGER);
      const within = (t: unknown) => typeof t === 'number' && t >= start && t <= end;
      if (u.pathname === '/status') return json(200, { hostname: 'fake', time: new Date(Date.now() + (opts.clockOffsetMs ?? 0)).toISOString().slice(0, 19).replace('T', ' ') });
      if (u.pathname === '/modelbreaches') {
        const field = u.searchParams.get('creationtime') === 'true' ? 'creationTime' : 'time';
        return json(200, self.breaches.filter((b) => within(b[field]) || !('time' in b)));
      }
      if (u.pathname === '/aianalyst/incidentevents') return json(200, self.events.filter((e) => within(e.createdAt) || !('createdAt' in e)));
      if (u.pathname.endsWith('/emails/search') && req.method === 'POST') {
        const q = JSON.parse(body) as { page: number; itemsPerPage: number; timeFrom: number; timeTo: number };
        const all = self.emails.filter((e) => (e.dtime_unix as number) >= q.timeFrom * 1000 && (e.dtime_unix as number) <= q.timeTo * 1000 + 999);
        return json(200, all.slice(q.page * q.itemsPerPage, (q.page + 1) * q.itemsPerPage));
      }
      res.writeHead(302, { 'content-type': 'text/plain', location: '/login' });
      res.end('Found. Redirecting to /login');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(self, {
    url: `http://127.0.0.1:${port}`,
    failNext: (...f: Failure[]) => void failures.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
