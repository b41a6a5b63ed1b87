// The in-memory transport behind the nock interceptors: Node's own HTTP parser on both the request
// and the app's answer, with no socket: bodies byte for byte, chunked answers, HEAD, repeated headers,
// TLS as the app sees it, and a connection the app drops.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConnectionResetError, InMemoryHttp } from '../../harness/nock/in-memory-http.ts';

const request = (overrides: Partial<Parameters<InMemoryHttp['exchange']>[0]> = {}) => ({
  method: 'POST',
  path: '/echo?x=1',
  host: 'example.test',
  headers: {},
  body: Buffer.alloc(0),
  secure: true,
  ...overrides,
});

describe('InMemoryHttp', () => {
  it('the app receives the body byte for byte, the headers, the host and TLS', async () => {
    const seen: { body?: Buffer; headers?: IncomingMessage['headers']; url?: string; encrypted?: boolean } = {};
    const http = new InMemoryHttp((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Object.assign(seen, { body: Buffer.concat(chunks), headers: req.headers, url: req.url, encrypted: (req.socket as { encrypted?: boolean }).encrypted });
        res.end('ok');
      });
    });
    const binary = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x80]);
    const res = await http.exchange(request({ body: binary, headers: { 'content-encoding': 'gzip', 'x-multi': ['a', 'b'], 'transfer-encoding': 'chunked' } }));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok');
    expect(seen.body?.equals(binary)).toBe(true);
    expect(seen.url).toBe('/echo?x=1');
    expect(seen.headers).toMatchObject({ host: 'example.test', 'content-encoding': 'gzip', 'x-multi': 'a, b', 'content-length': String(binary.length) });
    expect(seen.headers?.['transfer-encoding']).toBeUndefined();
    expect(seen.encrypted).toBe(true);
  });

  it('a chunked answer arrives whole, framed by Content-Length; repeated headers stay repeated; hop-by-hop headers go', async () => {
    const http = new InMemoryHttp((_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.write('first,');
      setImmediate(() => res.end('second'));
    });
    const res = await http.exchange(request({ method: 'GET' }));
    expect(res.body.toString()).toBe('first,second');
    const names = res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.filter((n) => n === 'set-cookie')).toHaveLength(2);
    expect(names).not.toContain('transfer-encoding');
    expect(names).not.toContain('connection');
    expect(res.rawHeaders[res.rawHeaders.indexOf('Content-Length') + 1]).toBe('12');
  });

  it('HEAD and 204 answers have no body', async () => {
    const http = new InMemoryHttp((req, res) => {
      if (req.method === 'HEAD') res.setHeader('content-length', '42');
      res.statusCode = req.method === 'HEAD' ? 200 : 204;
      res.end();
    });
    expect((await http.exchange(request({ method: 'HEAD' }))).body).toHaveLength(0);
    expect(await http.exchange(request({ method: 'DELETE' }))).toMatchObject({ status: 204, body: Buffer.alloc(0) });
  });

  it('a connection the app destroys, before or during its answer, is a ConnectionResetError', async () => {
    const before = new InMemoryHttp((req) => req.socket.destroy());
    await expect(before.exchange(request())).rejects.toBeInstanceOf(ConnectionResetError);
    const during = new InMemoryHttp((req, res) => {
      res.setHeader('content-length', '100');
      res.write('partial', () => req.socket.destroy());
    });
    await expect(during.exchange(request())).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('serves many exchanges, concurrently, each on its own connection', async () => {
    const http = new InMemoryHttp((req, res) => res.end(req.url));
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => http.exchange(request({ method: 'GET', path: `/n/${i}` }))));
    expect(answers.map((a) => a.body.toString())).toEqual(Array.from({ length: 50 }, (_, i) => `/n/${i}`));
  });
});
