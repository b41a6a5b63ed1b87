// HTTP Data Collector API sink (azure-ingestion.md part A). Per batch: serialized-size split, fresh
// signature on every attempt, retries only for 408/429/5xx/network errors (exponential backoff with
// jitter, Retry-After honoured, bounded), 404/413 split and resend. Refusals that no record can
// pass — 403 with every key, 404 for a single small record, 400 codes about the table, workspace or
// request rather than the records — are configuration-like: the batch is parked (per table) and
// retried for `stuckAfter` (delivery/parking.ts); other 400s (InvalidDataFormat) dead-letter the
// batch. A 403 whose response `Date` is minutes away from the x-ms-date we signed is clock skew, not
// a bad key: retried like a transient error (docs/decisions/0002-connector-403-clock-skew-retried.md).
import { Agent, request } from 'undici';
import { LEGACY_TYPES, type DataCollectorSinkConfig } from '../../config/types.ts';
import { backoffDelay, parseRetryAfter } from '../../util/backoff.ts';
import type { SpoolRecord } from '../../spool/spool.ts';
import { SigningClock } from '../../util/signing-clock.ts';
import { sleep } from '../../util/sleep.ts';
import {
  DeliveryAbortedError, RetryExhaustedError, type ConfigFault, type Sink, type SinkObserver, type SinkOutcome, type SinkResponse,
} from '../sink.ts';
import { DATA_COLLECTOR_CONTENT_TYPE, authorizationHeader, decodeWorkspaceKey, rfc1123Date } from './shared-key.ts';

export const DATA_COLLECTOR_MAX_POST_BYTES = 30 * 1024 * 1024;
const RESPONSE_BODY_LIMIT = 64 * 1024;
/**
 * A 403 is read as clock skew when our signed x-ms-date and the response's `Date` differ by at
 * least this much. Azure's window is ±15 min (azure-ingestion.md A4, undocumented; the mock's
 * default); 5 min leaves room for a server with a narrower window while staying far above
 * network latency and the 1 s resolution of both headers.
 */
export const CLOCK_SKEW_SUSPECT_MS = 5 * 60_000;

/**
 * 400 codes (azure-ingestion.md A8) that refuse the request whatever records it carries: the table
 * name, the workspace, or the request's form. Each with the likely cause and the config key.
 */
const CONFIG_400: Record<string, [cause: string, key: string]> = {
  InvalidLogType: ['the workspace refused the Log-Type (table name)', 'logType'],
  MissingLogType: ['no Log-Type (table name) was sent', 'logType'],
  InvalidCustomerId: ['the workspace ID is invalid', 'workspaceId'],
  InactiveCustomer: ['the workspace has been closed', 'workspaceId'],
  InvalidApiVersion: ['the endpoint does not know the API version (not a Data Collector API endpoint?)', 'endpoint'],
  MissingApiVersion: ['the endpoint did not see the API version (not a Data Collector API endpoint?)', 'endpoint'],
  MissingContentType: ['the endpoint did not see the content type (a proxy in between?)', 'endpoint'],
  UnsupportedContentType: ['the endpoint refused the content type (a proxy in between?)', 'endpoint'],
};

type Attempt = { kind: 'response'; res: SinkResponse; signedAt: Date } | { kind: 'network'; error: string };

/** How far our signing clock was from the server's, when the response says (its `Date` header). */
export function clockOffsetMs(signedAt: Date, res: SinkResponse): number | undefined {
  const server = Date.parse(res.headers['date'] ?? '');
  return Number.isFinite(server) ? signedAt.getTime() - server : undefined;
}

export function createDataCollectorSink(cfg: DataCollectorSinkConfig, observer: SinkObserver = {}, clock: SigningClock = new SigningClock()): Sink {
  const keys = { primary: decodeWorkspaceKey(cfg.sharedKey), secondary: cfg.secondaryKey ? decodeWorkspaceKey(cfg.secondaryKey) : undefined };
  let activeKey: 'primary' | 'secondary' = 'primary';
  const url = `${cfg.endpoint}/api/logs?api-version=2016-04-01`;
  const agent = new Agent({ headersTimeout: cfg.timeoutMs, bodyTimeout: cfg.timeoutMs, connectTimeout: Math.min(cfg.timeoutMs, 30_000) });
  const maxBytes = Math.min(cfg.batch.maxBytes, DATA_COLLECTOR_MAX_POST_BYTES);

  async function post(body: Buffer, key: Buffer, signal?: AbortSignal): Promise<Attempt> {
    // Signed afresh for every attempt: a new x-ms-date, the UTF-8 byte length, exactly application/json.
    const signedAt = clock.now();
    const date = rfc1123Date(signedAt);
    const headers: Record<string, string> = {
      'content-type': DATA_COLLECTOR_CONTENT_TYPE,
      'log-type': cfg.logType,
      'x-ms-date': date,
      authorization: authorizationHeader(cfg.workspaceId, key, body.length, date),
    };
    if (cfg.timeGeneratedField) headers['time-generated-field'] = cfg.timeGeneratedField;
    if (cfg.azureResourceId) headers['x-ms-azureresourceid'] = cfg.azureResourceId;
    try {
      const res = await request(url, { method: 'POST', headers, body, dispatcher: agent, signal });
      let text = '';
      for await (const chunk of res.body) {
        if (text.length < RESPONSE_BODY_LIMIT) text += (chunk as Buffer).toString('utf8');
      }
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
      return { kind: 'response', res: { status: res.statusCode, headers: h, body: text.slice(0, RESPONSE_BODY_LIMIT) }, signedAt };
    } catch (err) {
      if (signal?.aborted) throw new DeliveryAbortedError();
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      return { kind: 'network', error: e.code ?? e.cause?.code ?? e.name ?? 'network error' };
    }
  }

  const OPEN = Buffer.from('[');
  const COMMA = Buffer.from(',');
  const CLOSE = Buffer.from(']');
  /** `[r1,r2,…]` from the spooled bytes, without decoding or re-encoding them. */
  function bodyOf(records: SpoolRecord[]): Buffer {
    const parts: Buffer[] = [OPEN];
    records.forEach((r, i) => {
      if (i) parts.push(COMMA);
      parts.push(r.data);
    });
    parts.push(CLOSE);
    return Buffer.concat(parts);
  }

  /** Splits by serialized bytes (brackets and commas counted) and record count. */
  function chunk(records: SpoolRecord[]): SpoolRecord[][] {
    const out: SpoolRecord[][] = [];
    let cur: SpoolRecord[] = [];
    let size = 2;
    for (const r of records) {
      const len = r.data.length + 1;
      if (cur.length > 0 && (size + len > maxBytes || cur.length >= cfg.batch.maxRecords)) {
        out.push(cur);
        cur = [];
        size = 2;
      }
      cur.push(r);
      size += len;
    }
    if (cur.length) out.push(cur);
    return out;
  }

  const table = `${cfg.logType}_CL`;
  const at = (key: string) => `${cfg.configPath ?? 'sentinel'}.${key}`;
  const fault = (reason: string, cause: string, configKey: string, response?: SinkResponse): ConfigFault =>
    ({ target: table, reason, cause, configKey, ...(response ? { response } : {}) });

  /** `parked`: a configuration-like refusal met earlier in this delivery; the rest of it is parked unsent (one table). */
  async function sendRun(records: SpoolRecord[], emit: (o: SinkOutcome) => Promise<void>, parked: { fault?: ConfigFault }, signal?: AbortSignal): Promise<void> {
    if (parked.fault) {
      await emit({ kind: 'park', records, fault: parked.fault });
      return;
    }
    const park = async (f: ConfigFault) => {
      parked.fault = f;
      await emit({ kind: 'park', records, fault: f });
    };
    const body = bodyOf(records);
    if (records.length === 1 && body.length > DATA_COLLECTOR_MAX_POST_BYTES) {
      await emit({ kind: 'dead-letter', records, reason: `RecordTooLarge: ${body.length} bytes is over the 30 MB post limit` });
      return;
    }
    let attempt = 0;
    let triedSecondary = false;
    for (;;) {
      if (signal?.aborted) throw new DeliveryAbortedError();
      attempt++;
      const started = performance.now();
      const r = await post(body, keys[activeKey]!, signal);
      observer.onAttempt?.({
        status: r.kind === 'response' ? r.res.status : 'network',
        durationMs: performance.now() - started,
        records: records.length,
        bytes: body.length,
      });
      let reason: string;
      let retryAfter: number | undefined;
      if (r.kind === 'network') {
        reason = `network error ${r.error}`;
      } else {
        const { status } = r.res;
        if (status >= 200 && status < 300) {
          await emit({ kind: 'delivered', records });
          return;
        }
        const offset = status === 403 ? clockOffsetMs(r.signedAt, r.res) : undefined;
        if (offset !== undefined && Math.abs(offset) >= CLOCK_SKEW_SUSPECT_MS) {
          // Neither key can fix a wrong clock, and the data is fine: keep it spooled and retry, so
          // nothing is lost once the clock is corrected (NTP, or the debug hook reset).
          reason = `403 clock skew: x-ms-date is ${Math.round(offset / 1000)} s off the server's Date (${errorCode(r.res)})`;
          observer.onWarning?.("sentinel: 403 while our clock is off the server's; fix the system clock (NTP). Records stay spooled and are retried", { offsetMs: offset, error: errorCode(r.res) });
        } else if (status === 403 && keys.secondary && !triedSecondary) {
          triedSecondary = true;
          const next = activeKey === 'primary' ? 'secondary' : 'primary';
          observer.onWarning?.('sentinel: 403 with the current key, retrying once with the other key', { key: next, error: errorCode(r.res) });
          activeKey = next;
          attempt--; // the key switch is not a transient retry
          continue;
        } else if (status === 403) {
          const both = keys.secondary !== undefined;
          const keyPaths = both ? `${at('sharedKey')}, ${at('secondaryKey')}` : at('sharedKey');
          await park(fault(`403 ${errorCode(r.res)}`.trim(), `the workspace refused the SharedKey signature${both ? ' with either key' : ''} (a wrong or regenerated key, or another workspace)`, `${keyPaths} and ${at('workspaceId')}`, r.res));
          return;
        } else if (status === 400 && CONFIG_400[errorName(r.res)]) {
          const [cause, key] = CONFIG_400[errorName(r.res)]!;
          await park(fault(`400 ${errorCode(r.res)}`.trim(), cause, at(key), r.res));
          return;
        } else if (status === 400) {
          await emit({ kind: 'dead-letter', records, reason: `${status} ${errorCode(r.res)}`.trim(), response: r.res });
          return;
        } else if (status === 404 || status === 413) {
          if (records.length > 1) {
            const mid = Math.ceil(records.length / 2);
            observer.onWarning?.(`sentinel: ${status} for a ${body.length}-byte batch, splitting`, { records: records.length });
            await sendRun(records.slice(0, mid), emit, parked, signal);
            await sendRun(records.slice(mid), emit, parked, signal);
            return;
          }
          if (status === 404) {
            // One small record still refused: a wrong URL, not a size problem.
            await park(fault(`404 for a single ${body.length}-byte record`, 'the endpoint does not serve the Data Collector API (a wrong URL)', `${at('endpoint')} and ${at('workspaceId')}`, r.res));
            return;
          }
          reason = `413 for a single ${body.length}-byte record: check ${at('endpoint')}`;
        } else if (status === 408 || status === 429 || status >= 500) {
          reason = `${status} ${errorCode(r.res)}`.trim();
          retryAfter = parseRetryAfter(r.res.headers['retry-after']);
        } else {
          await emit({ kind: 'dead-letter', records, reason: `${status} ${errorCode(r.res)}`.trim(), response: r.res });
          return;
        }
      }
      if (attempt >= cfg.retry.maxAttempts) throw new RetryExhaustedError(reason, attempt);
      const delayMs = retryAfter ?? backoffDelay(attempt, cfg.retry);
      observer.onRetry?.({ reason, attempt, delayMs });
      await sleep(delayMs, signal);
    }
  }

  return {
    name: cfg.name ?? 'dataCollector',
    targetKind: 'table',
    // darktrace_model_alerts_CL holds the four alert types Darktrace pushes; the activity streams
    // exist only as Custom-Darktrace* streams, so in a dual run they are not for this sink.
    accepts: (type) => LEGACY_TYPES.includes(type),
    targetOf: () => table,
    async deliver(records, onOutcome, signal) {
      const emit = async (o: SinkOutcome) => {
        await onOutcome(o);
      };
      const parked: { fault?: ConfigFault } = {};
      for (const run of chunk(records)) await sendRun(run, emit, parked, signal);
    },
    async check() {
      const r = await post(Buffer.from('[]'), keys[activeKey]!);
      if (r.kind === 'network') throw new Error(`Sentinel endpoint ${cfg.endpoint} unreachable: ${r.error}`);
      const offset = r.res.status === 403 ? clockOffsetMs(r.signedAt, r.res) : undefined;
      if (offset !== undefined && Math.abs(offset) >= CLOCK_SKEW_SUSPECT_MS) {
        throw new Error(`Sentinel endpoint ${cfg.endpoint} answered 403: this machine's clock is ${Math.round(offset / 1000)} s off the server's (fix NTP)`);
      }
      if (r.res.status !== 200) throw new Error(`Sentinel endpoint ${cfg.endpoint} answered ${r.res.status} ${errorCode(r.res)}`);
    },
    async close() {
      await agent.close();
    },
  };
}

/** The `Error` code of a Data Collector error body ('' when there is none). */
function errorName(res: SinkResponse): string {
  try {
    const j = JSON.parse(res.body) as { Error?: unknown };
    return j && typeof j.Error === 'string' ? j.Error : '';
  } catch {
    return '';
  }
}

function errorCode(res: SinkResponse): string {
  try {
    const j = JSON.parse(res.body) as { Error?: string; Message?: string };
    if (j && typeof j.Error === 'string') return j.Message ? `${j.Error}: ${j.Message}` : j.Error;
  } catch {
    /* not JSON */
  }
  return res.body.slice(0, 200);
}
