// DarktraceClient.getList/postJsonList: lists are filtered element by element as they stream in;
// a wrapped list is filtered too; an error body still gives the classified error; a broken array is bad-json.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DarktraceClient, DarktraceError } from '../../connector/darktrace/client.ts';

let server: Server | undefined;
let client: DarktraceClient | undefined;
afterEach(async () => {
  await client?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** Serves `body` in small pieces so the array arrives across many chunks. */
async function serve(status: number, body: string): Promise<DarktraceClient> {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' });
    const buf = Buffer.from(body);
    let i = 0;
    const next = () => {
      if (i >= buf.length) return res.end();
      res.write(buf.subarray(i, (i += 7)), next);
    };
    next();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new DarktraceClient({ url: `http://127.0.0.1:${port}`, publicToken: 'p', privateToken: 'q', linkBase: 'x', timeoutMs: 5000, emailPathPrefix: '/agemail/api/v1.0' });
  return client;
}

const breaches = Array.from({ length: 50 }, (_, i) => ({ pbid: i, note: `x, ] } "${i}"` }));
const even = (item: unknown) => (item as { pbid: number }).pbid % 2 === 0;

describe('DarktraceClient lists', () => {
  it('getList keeps only what keep accepts, calling it once per element', async () => {
    const c = await serve(200, JSON.stringify(breaches));
    let calls = 0;
    const got = await c.getList('/modelbreaches', [], (item) => (calls++, even(item)));
    expect(calls).toBe(50);
    expect(got).toEqual(breaches.filter(even));
  });

  it('a list wrapped in an object is filtered the same way', async () => {
    const c = await serve(200, JSON.stringify({ emails: breaches }));
    expect(await c.postJsonList('/agemail/api/v1.0/emails/search', { page: 0 }, even)).toEqual(breaches.filter(even));
  });

  it('an API SIGNATURE ERROR body is still an auth error', async () => {
    const c = await serve(400, JSON.stringify({ error: 'API SIGNATURE ERROR' }));
    await expect(c.getList('/modelbreaches', [], even)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('a truncated or broken array is bad-json', async () => {
    for (const body of ['[{"pbid":1},{"pbid":', '[{"pbid":1},{pbid:2}]']) {
      const c = await serve(200, body);
      const err = await c.getList('/modelbreaches', [], even).catch((e: unknown) => e);
      expect(err, body).toBeInstanceOf(DarktraceError);
      expect((err as DarktraceError).kind, body).toBe('bad-json');
      await client!.close();
      client = undefined;
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
  });
});
