// A DTAPI-signed HTTP client for the Threat Visualizer and Darktrace/Email APIs. Errors are
// classified (auth, permission, server, timeout, network, bad-json, http) so sources can back off
// and log clearly. Tokens never appear in errors or logs.
import { Agent, request } from 'undici';
import type { DarktraceConfig } from '../config/types.ts';
import { SigningClock } from '../util/signing-clock.ts';
import { JsonArrayError, JsonArrayStream } from './json-array-stream.ts';
import { buildPathQuery, dtapiDate, dtapiSignature, jsonBodyPathQuery } from './dtapi-signature.ts';

export type DarktraceErrorKind = 'auth' | 'permission' | 'server' | 'timeout' | 'network' | 'bad-json' | 'http';

export class DarktraceError extends Error {
  constructor(readonly kind: DarktraceErrorKind, message: string, readonly status?: number) {
    super(message);
    this.name = 'DarktraceError';
  }
}

const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export class DarktraceClient {
  private readonly agent: Agent;
  constructor(private readonly cfg: DarktraceConfig, private readonly clock: SigningClock = new SigningClock()) {
    this.agent = new Agent({ headersTimeout: cfg.timeoutMs, bodyTimeout: cfg.timeoutMs, connectTimeout: Math.min(cfg.timeoutMs, 30_000) });
  }

  async get(path: string, params: Array<[string, string | number | boolean]> = [], signal?: AbortSignal): Promise<unknown> {
    const pq = buildPathQuery(path, params);
    return this.send('GET', pq.sent, pq.signed, undefined, signal);
  }

  /** POSTs compact JSON, signed as `/path?<the exact body>` (darktrace-api.md §1.3). */
  async postJson(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const text = JSON.stringify(body);
    return this.send('POST', path, jsonBodyPathQuery(path, text), text, signal);
  }

  /**
   * GETs a list, keeping only the elements `keep` accepts. A top-level array is parsed element by
   * element as it streams in, so memory follows the kept elements, not the response (a poll's
   * overlap window re-reads many alerts already seen). Any other body is read whole, as `get` does.
   */
  async getList(path: string, params: Array<[string, string | number | boolean]>, keep: (item: unknown) => boolean, signal?: AbortSignal): Promise<unknown> {
    const pq = buildPathQuery(path, params);
    return this.send('GET', pq.sent, pq.signed, undefined, signal, keep);
  }

  /** `postJson` with `getList`'s element-by-element parsing. */
  async postJsonList(path: string, body: unknown, keep: (item: unknown) => boolean, signal?: AbortSignal): Promise<unknown> {
    const text = JSON.stringify(body);
    return this.send('POST', path, jsonBodyPathQuery(path, text), text, signal, keep);
  }

  private async send(method: 'GET' | 'POST', sentPath: string, signedPathQuery: string, body: string | undefined, signal?: AbortSignal, keep?: (item: unknown) => boolean): Promise<unknown> {
    const date = dtapiDate(this.clock.now());
    const headers: Record<string, string> = {
      'DTAPI-Token': this.cfg.publicToken,
      'DTAPI-Date': date,
      'DTAPI-Signature': dtapiSignature(signedPathQuery, this.cfg.publicToken, this.cfg.privateToken, date),
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const where = `${method} ${sentPath.split('?')[0]}`;
    let res;
    try {
      res = await request(this.cfg.url + sentPath, { method, headers, body, dispatcher: this.agent, signal });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      const code = e.code ?? e.cause?.code ?? e.name;
      const kind: DarktraceErrorKind = /TIMEOUT/i.test(String(code)) ? 'timeout' : 'network';
      throw new DarktraceError(kind, `${where}: ${kind === 'timeout' ? 'timed out' : 'network error'} (${code})`);
    }
    const status = res.statusCode;
    const chunks: Buffer[] = [];
    let size = 0;
    // Streamed only for a 2xx list; errors, redirects and objects are read whole (they are small).
    const kept: unknown[] = [];
    let stream = keep && status >= 200 && status < 300
      ? new JsonArrayStream((bytes) => {
          const item: unknown = JSON.parse(bytes.toString('utf8'));
          if (keep(item)) kept.push(item);
        })
      : undefined;
    try {
      for await (const c of res.body) {
        size += (c as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          res.body.destroy();
          throw new DarktraceError('http', `${where}: response over ${MAX_RESPONSE_BYTES} bytes`);
        }
        if (stream) {
          stream.write(c as Buffer);
          if (!stream.notAnArray) continue;
          stream = undefined;
        }
        chunks.push(c as Buffer);
      }
      if (stream) {
        stream.end();
        return kept;
      }
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof JsonArrayError) {
        res.body.destroy();
        throw new DarktraceError('bad-json', `${where}: response is not JSON (status ${status}: ${(err as Error).message})`, status);
      }
      throw err;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (status === 302 || status === 301) {
      const to = /Redirecting to (\S+)/.exec(text)?.[1] ?? String(res.headers.location ?? '');
      throw new DarktraceError('permission', `${where}: redirected to ${to || '?'} (${to.includes('403') ? 'the token lacks permission' : 'unknown endpoint or not logged in'})`, status);
    }
    if (status >= 500) throw new DarktraceError('server', `${where}: server error ${status}`, status);
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      if (/<title>Log In \| Darktrace<\/title>/i.test(text)) throw new DarktraceError('auth', `${where}: answered with the login page (privilege or token problem)`, status);
      throw new DarktraceError('bad-json', `${where}: response is not JSON (status ${status}, ${text.length} bytes)`, status);
    }
    const values = json && typeof json === 'object' && !Array.isArray(json) ? Object.values(json as object) : [];
    if (values.includes('API SIGNATURE ERROR')) throw new DarktraceError('auth', `${where}: API SIGNATURE ERROR (check darktrace.publicToken/privateToken)`, status);
    if (values.includes('API DATE ERROR')) throw new DarktraceError('auth', `${where}: API DATE ERROR (check the clock: DTAPI-Date must be within 30 minutes)`, status);
    if (status < 200 || status >= 300) {
      const msg = json && typeof json === 'object' && 'error' in (json as object) ? String((json as { error: unknown }).error) : text.slice(0, 200);
      throw new DarktraceError('http', `${where}: HTTP ${status}: ${msg}`, status);
    }
    if (keep && json && typeof json === 'object') {
      // A list wrapped in an object (`{"emails": [...]}`): filter its array the same way.
      const list = Array.isArray(json) ? json : Object.values(json).find(Array.isArray);
      if (list) return list.filter((item) => keep(item));
    }
    return json;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** The array inside a response: the response itself, or its first array-valued property. */
export function arrayOf(json: unknown, what: string): unknown[] {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    for (const v of Object.values(json)) if (Array.isArray(v)) return v;
  }
  throw new DarktraceError('bad-json', `${what}: expected a JSON array of alerts`);
}
