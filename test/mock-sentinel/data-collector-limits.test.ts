// The 30 MB body limit (azure-ingestion.md A5, A10): over it → 404, enforced while the body streams.
import { once } from 'node:events';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyLimited } from '../../mock-sentinel/middlewares/readBody.ts';
import { getJson, postLogs, startMock } from './helpers.ts';

const LIMIT = 31_457_280;

interface StreamResult {
  status: number;
  json: any;
  bytesWritten: number;
  finishedSending: boolean;
}

/** Streams `chunk` repeatedly (up to `maxBytes`) and stops as soon as the server answers. */
function streamUntilAnswered(url: string, headers: Record<string, string>, chunk: Buffer, maxBytes: number): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    let bytesWritten = 0;
    let finishedSending = false;
    let answered = false;
    const req = request(new URL('/api/logs?api-version=2016-04-01', url), { method: 'POST', headers });
    const response = new Promise<void>((resolveResponse) => {
      req.on('response', (res) => {
        answered = true;
        resolveResponse();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          req.destroy();
          resolve({ status, json: JSON.parse(Buffer.concat(chunks).toString('utf8')), bytesWritten, finishedSending });
        });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    void (async () => {
      while (!answered && bytesWritten < maxBytes) {
        const ok = req.write(chunk);
        bytesWritten += chunk.length;
        if (!ok) await Promise.race([once(req, 'drain'), response]);
      }
      if (!answered) {
        finishedSending = true;
        req.end();
      }
    })().catch(reject);
  });
}

const HEADERS = { 'Content-Type': 'application/json', 'Log-Type': 'Big' };

describe('body limit: 30 MB → 404', () => {
  it('a chunked body that streams past 30 MB is answered 404 before the client has finished sending', async () => {
    const { url } = await startMock();
    const chunk = Buffer.alloc(1 << 20, 0x20); // 1 MiB of spaces
    const result = await streamUntilAnswered(url, HEADERS, chunk, 1 << 30); // would be 1 GiB
    expect(result.status).toBe(404);
    expect(result.json.Error).toBe('NotFound');
    expect(result.finishedSending).toBe(false);
    expect(result.bytesWritten).toBeLessThan(200 << 20);
    const [entry] = await getJson(url, '/_lab/requests');
    expect(entry).toMatchObject({ status: 404, table: 'Big_CL' });
    expect(entry.bytes).toBeGreaterThan(LIMIT);
    expect(entry.bytes).toBeLessThan(LIMIT + (64 << 20));
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
  });

  it('a declared Content-Length over 30 MB is answered 404 without reading the body', async () => {
    const { url } = await startMock();
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const result = await streamUntilAnswered(url, { ...HEADERS, 'Content-Length': String(LIMIT + 1) }, chunk, LIMIT + 1);
    expect(result.status).toBe(404);
    const [entry] = await getJson(url, '/_lab/requests');
    expect(entry).toMatchObject({ status: 404, bytes: 0 });
  });

  it('exactly the limit is accepted; one byte more is 404 (limit configurable)', async () => {
    const { url } = await startMock({ dataCollector: { maxBodyBytes: 1000 } });
    const body = (n: number) => JSON.stringify([{ pad: 'x'.repeat(n - 12) }]);
    expect(Buffer.byteLength(body(1000))).toBe(1000);
    expect((await postLogs(url, body(1000))).status).toBe(200);
    const res = await postLogs(url, body(1001));
    expect(res.status).toBe(404);
    expect(res.json.Error).toBe('NotFound');
  });

  it('a 30 MB body under the limit is accepted', async () => {
    const { url } = await startMock();
    const record = { blob: 'y'.repeat(31_000) };
    const records = Array.from({ length: 1000 }, () => record); // ≈ 30 MB
    const body = JSON.stringify(records);
    expect(Buffer.byteLength(body)).toBeLessThan(LIMIT);
    expect(Buffer.byteLength(body)).toBeGreaterThan(29 * 1024 * 1024);
    expect((await postLogs(url, body, { logType: 'Big' })).status).toBe(200);
    expect((await getJson(url, '/_lab/tables'))[0].rowCount).toBe(1000);
  });
});

describe('readBodyLimited', () => {
  it('stops at the first chunk past the limit of a 1 GiB stream: the rest is never read', async () => {
    let produced = 0;
    const chunk = Buffer.alloc(1 << 20);
    const source = new Readable({
      read() {
        if (produced >= 1 << 30) {
          this.push(null);
          return;
        }
        produced += chunk.length;
        this.push(chunk);
      },
    });
    const result = await readBodyLimited(source, 10 << 20);
    expect(result).toEqual({ ok: false, bytesSeen: (10 << 20) + (1 << 20) });
    source.destroy();
    expect(produced).toBeLessThan(64 << 20);
  });

  it('returns the whole body under the limit', async () => {
    const result = await readBodyLimited(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 3);
    expect(result.ok && result.body.toString()).toBe('abc');
  });
});
