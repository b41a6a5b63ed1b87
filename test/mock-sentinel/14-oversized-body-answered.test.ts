// Issue 14 item 8: a client that writes its whole body before reading (Python's urllib, which also
// sends `Connection: close`, and many simple connectors) got EPIPE/ECONNRESET for an oversized post:
// the mock answered at once and closed while the body was still arriving. Now the rest of the body is
// read and discarded (bounded) and the client reads the documented 404 / 413.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { getJson, startMock } from './helpers.ts';
import { DCR_ID, MODEL_ALERTS, startLabMock, tokenFor } from '../logs-ingestion/helpers.ts';

const MiB = 1 << 20;

interface RawOutcome {
  /** The error a write met (EPIPE, ECONNRESET), if any. */
  writeError?: string;
  bytesWritten: number;
  status?: number;
  body?: string;
}

/**
 * Writes `head` and then `bodyBytes` bytes (as is, or chunked) before reading anything, as a blocking
 * client does; then reads one response.
 */
async function writeAllThenRead(socket: net.Socket, head: string, bodyBytes: number, chunked: boolean): Promise<RawOutcome> {
  let failure: Error | undefined;
  socket.on('error', (err) => {
    failure ??= err;
  });
  socket.pause(); // read nothing until the body is written
  let bytesWritten = 0;
  const write = async (data: Buffer | string) => {
    if (failure || socket.destroyed) return;
    // once() rejects on 'error'; the error is kept by the listener above
    if (!socket.write(data)) await Promise.race([once(socket, 'drain'), once(socket, 'close')]).catch(() => undefined);
  };
  await write(head);
  const piece = Buffer.alloc(MiB, 0x20);
  while (bytesWritten < bodyBytes && !failure && !socket.destroyed) {
    const n = Math.min(piece.length, bodyBytes - bytesWritten);
    await write(chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), piece.subarray(0, n), Buffer.from('\r\n')]) : piece.subarray(0, n));
    bytesWritten += n;
  }
  if (chunked) await write('0\r\n\r\n');
  if (failure) return { writeError: (failure as NodeJS.ErrnoException).code ?? failure.message, bytesWritten };
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  socket.resume();
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    socket.on('data', () => {
      if (parse(Buffer.concat(received).toString('latin1')).complete) done();
    });
    socket.once('close', done);
    socket.once('end', done);
  });
  socket.destroy();
  const late = failure as NodeJS.ErrnoException | undefined; // set by the listener meanwhile
  if (late && received.length === 0) return { writeError: late.code ?? late.message, bytesWritten };
  const parsed = parse(Buffer.concat(received).toString('utf8'));
  return { bytesWritten, status: parsed.status, body: parsed.body };
}

function parse(text: string): { complete: boolean; status?: number; body?: string } {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { complete: false };
  const head = text.slice(0, end);
  const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  const body = text.slice(end + 4);
  return { complete: body.length >= length, status: Number(head.split(' ')[1]), body: body.slice(0, length) };
}

function dataCollectorHead(url: string, framing: string): { socket: net.Socket; head: string } {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  const head =
    'POST /api/logs?api-version=2016-04-01 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' +
    `Content-Type: application/json\r\nLog-Type: Big\r\n${framing}\r\n\r\n`;
  return { socket, head };
}

describe('Data Collector: a client that writes the whole oversized body first reads the 404', () => {
  it('Content-Length over the limit, Connection: close', async () => {
    const { url } = await startMock({ dataCollector: { maxBodyBytes: 1000 } });
    const { socket, head } = dataCollectorHead(url, `Content-Length: ${16 * MiB}`);
    await once(socket, 'connect');
    const outcome = await writeAllThenRead(socket, head, 16 * MiB, false);
    expect(outcome).toMatchObject({ bytesWritten: 16 * MiB, status: 404 });
    expect(JSON.parse(outcome.body!)).toEqual({ Error: 'NotFound', Message: 'Either the provided URL is incorrect or the request is too large (limit 1000 bytes).' });
    const [entry] = await getJson(url, '/_lab/requests?limit=1');
    expect(entry).toMatchObject({ status: 404, table: 'Big_CL' });
  });

  it('a chunked body that grows past the limit', async () => {
    const { url } = await startMock({ dataCollector: { maxBodyBytes: 1000 } });
    const { socket, head } = dataCollectorHead(url, 'Transfer-Encoding: chunked');
    await once(socket, 'connect');
    const outcome = await writeAllThenRead(socket, head, 16 * MiB, true);
    expect(outcome).toMatchObject({ bytesWritten: 16 * MiB, status: 404 });
    expect(JSON.parse(outcome.body!).Error).toBe('NotFound');
  });

  it('bounded in bytes: past unreadBody.maxBytes discarded the connection is dropped', async () => {
    const { url } = await startMock({ dataCollector: { maxBodyBytes: 1000 }, unreadBody: { maxBytes: MiB } });
    const { socket, head } = dataCollectorHead(url, `Content-Length: ${64 * MiB}`);
    await once(socket, 'connect');
    const outcome = await writeAllThenRead(socket, head, 64 * MiB, false);
    expect(outcome.writeError).toMatch(/EPIPE|ECONNRESET/);
    expect(outcome.bytesWritten).toBeLessThan(64 * MiB);
  });

  it('bounded in time: a body that stops arriving is dropped after unreadBody.maxMs', async () => {
    const { url } = await startMock({ dataCollector: { maxBodyBytes: 1000 }, unreadBody: { maxMs: 50 } });
    const { socket, head } = dataCollectorHead(url, `Content-Length: ${16 * MiB}`);
    await once(socket, 'connect');
    socket.write(head + ' '.repeat(2000)); // then nothing more
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    await once(socket, 'close');
    expect(Buffer.concat(received).toString('utf8')).toMatch(/^HTTP\/1\.1 404 /);
  });
});

describe('Logs Ingestion: the same client reads the 413', () => {
  it('Content-Length over 1 MiB, Connection: close, over HTTPS', async () => {
    const lab = await startLabMock();
    const token = await tokenFor(lab);
    const { port } = new URL(lab.httpsUrl);
    const socket = tls.connect({ port: Number(port), host: '127.0.0.1', ca: await readFile(lab.caPath, 'utf8') });
    await once(socket, 'secureConnect');
    const head =
      `POST /dataCollectionRules/${DCR_ID}/streams/${MODEL_ALERTS}?api-version=2023-01-01 HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Connection: close\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${8 * MiB}\r\n\r\n`;
    const outcome = await writeAllThenRead(socket, head, 8 * MiB, false);
    expect(outcome).toMatchObject({ bytesWritten: 8 * MiB, status: 413 });
    expect(JSON.parse(outcome.body!)).toEqual({
      error: { code: 'ContentLengthLimitExceeded', message: `Maximum allowed content length: 1048576 bytes (1 MB). Provided content length: ${8 * MiB} bytes.` },
    });
  });
});
