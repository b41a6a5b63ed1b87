// One HTTP exchange with a node:http request listener, with no socket and no port. The request is
// written as HTTP/1.1 bytes into an in-memory duplex that an unlistened http.Server takes as a
// connection (Node documents that its 'connection' event accepts any Duplex), so the app gets the
// IncomingMessage and ServerResponse of Node's own parser, exactly as over TCP, and its answer comes
// back as the bytes a client would read.
import http from 'node:http';
import { Duplex } from 'node:stream';

export interface ExchangeRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The Host header (the real hostname the client asked for). */
  host: string;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
  /** Whether the client used https: the app sees `req.secure` / `req.protocol === 'https'`. */
  secure: boolean;
}

export interface ExchangeResponse {
  status: number;
  /** Raw header pairs, flattened `[name, value, name, value, …]`, without hop-by-hop headers. */
  rawHeaders: string[];
  body: Buffer;
}

/** The server dropped the connection before a whole response: what a client sees as a reset. */
export class ConnectionResetError extends Error {
  readonly code = 'ECONNRESET';
  constructor(host: string) {
    super(`socket hang up: ${host} closed the connection before a complete response`);
    this.name = 'ConnectionResetError';
  }
}

/** Headers the exchange sets itself (framing and connection), or that would make the server answer twice. */
const REQUEST_HEADERS_SET_HERE = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'expect', 'upgrade']);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

export class InMemoryHttp {
  private readonly server: http.Server;

  constructor(listener: http.RequestListener) {
    this.server = http.createServer(listener);
  }

  exchange(request: ExchangeRequest): Promise<ExchangeResponse> {
    const [client, server] = MemorySocket.pair(request.secure);
    const received: Buffer[] = [];
    const answer = new Promise<ExchangeResponse>((resolve, reject) => {
      client.on('data', (chunk: Buffer) => received.push(chunk));
      client.once('end', () => {
        client.destroy();
        const response = parseResponse(Buffer.concat(received), request.method);
        if (response) resolve(response);
        else reject(new ConnectionResetError(request.host));
      });
    });
    this.server.emit('connection', server);
    client.write(serializeRequest(request));
    return answer;
  }
}

/** One end of an in-memory connection; what one end writes, the other reads. */
class MemorySocket extends Duplex {
  private peer!: MemorySocket;
  private ended = false;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly remoteFamily = 'IPv4';

  private constructor(readonly encrypted: boolean) {
    super();
  }

  static pair(secure: boolean): [client: MemorySocket, server: MemorySocket] {
    const client = new MemorySocket(false);
    const server = new MemorySocket(secure);
    client.peer = server;
    server.peer = client;
    return [client, server];
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.peer.destroyed) this.peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.endPeer();
    callback();
  }

  // A destroyed end (a dropped connection) ends the other's input: the client then finds the
  // response incomplete, as it would on a reset TCP connection.
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.endPeer();
    callback(error);
  }

  // node:http calls these on real sockets when present.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }

  private endPeer(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.peer.destroyed) this.peer.push(null);
  }
}

function serializeRequest(request: ExchangeRequest): Buffer {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${request.host}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || REQUEST_HEADERS_SET_HERE.has(name.toLowerCase())) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  // The body is whole here, so it is framed by its length; close makes the server end the connection.
  lines.push(`Content-Length: ${request.body.length}`, 'Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), request.body]);
}

/** The final response in `bytes`, or undefined when they stop before it is complete. */
function parseResponse(bytes: Buffer, method: string): ExchangeResponse | undefined {
  let rest = bytes;
  for (;;) {
    const headerEnd = rest.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const [statusLine = '', ...headerLines] = rest.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) return undefined;
    rest = rest.subarray(headerEnd + 4);
    if (status >= 100 && status < 200) continue; // an interim response (100 Continue): the final one follows
    const headers: [string, string][] = headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    });
    const find = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];
    const chunked = /\bchunked\b/i.test(find('transfer-encoding') ?? '');
    let body: Buffer | undefined;
    if (method === 'HEAD' || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (chunked) body = dechunk(rest);
    else if (find('content-length') !== undefined) {
      const length = Number(find('content-length'));
      body = rest.length >= length ? rest.subarray(0, length) : undefined;
    } else body = rest; // delimited by the end of the connection
    if (!body) return undefined;
    const rawHeaders = headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())).flat();
    if (chunked) rawHeaders.push('Content-Length', String(body.length));
    return { status, rawHeaders, body };
  }
}

/** The body of a chunked transfer coding, or undefined when the last chunk is missing. */
function dechunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isInteger(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (bytes.length < start + size + 2) return undefined;
    parts.push(bytes.subarray(start, start + size));
    at = start + size + 2;
  }
}
