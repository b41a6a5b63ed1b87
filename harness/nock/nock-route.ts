// Routes every request nock intercepts for one origin to an in-process app, through InMemoryHttp.
// The interceptors are registered on the user's own nock (a peer dependency), persisted (they serve
// any number of requests) and optional (they never make the user's `nock.isDone()` fail).
import type Nock from 'nock';
import { InMemoryHttp, type ExchangeRequest } from './in-memory-http.ts';
import { nock } from './load-nock.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface NockRoute {
  /** Removes these interceptors from nock; other interceptors are left alone. */
  restore(): void;
}

/**
 * `origin`: `https://host` or a RegExp over `https://host:443` (nock's basePath matching); `secure`
 * tells the app the request came over TLS (`req.protocol`, the origin it puts in URLs it returns).
 */
export function routeOrigin(origin: string | RegExp, app: InMemoryHttp, secure: boolean): NockRoute {
  const scope = nock(origin).persist();
  const interceptors = METHODS.map((method) => {
    const interceptor = scope.intercept(() => true, method).optionally();
    interceptor.reply(async function (this: Nock.ReplyFnContext, path: string) {
      const response = await app.exchange(requestOf(this.req, method, path, secure));
      return [response.status, response.body, response.rawHeaders];
    });
    return interceptor;
  });
  return {
    restore() {
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
    },
  };
}

type InterceptedRequest = Nock.ReplyFnContext['req'] & { requestBodyBuffers?: unknown };

function requestOf(req: InterceptedRequest, method: string, path: string, secure: boolean): ExchangeRequest {
  const headers = req.getHeaders();
  // nock sets Host from the URL when the client did not.
  return { method, path, host: String(headers.host ?? ''), headers, body: rawBodyOf(req), secure };
}

/**
 * The request body exactly as sent. nock hands reply functions a decoded body (JSON parsed, gzip
 * inflated), which would break the byte-exact checks the mock makes (SharedKey signs the byte length;
 * Logs Ingestion reads gzip), so the bytes are taken from the buffers nock 14 collects on the request.
 * A nock without them fails loudly here rather than forwarding a re-encoded body.
 */
function rawBodyOf(req: InterceptedRequest): Buffer {
  const buffers = req.requestBodyBuffers;
  if (!Array.isArray(buffers) || !buffers.every((b) => Buffer.isBuffer(b))) {
    throw new Error('darktrace-sentinel-lab/nock: this nock does not expose the raw request body (requestBodyBuffers); nock 14 is required');
  }
  return Buffer.concat(buffers);
}
