// Logs Ingestion API sink (azure-ingestion.md part B): spooled push records are mapped to their
// `Custom-Darktrace*` stream rows and uploaded with Microsoft's LogsIngestionClient and an Entra
// ClientSecretCredential. The SDK splits each upload into ~1 MB chunks and reports every failed
// chunk through `onError` with the very row objects it could not send, so each record gets its own
// fate: landed, dead-lettered (permanent errors) or retried (transient ones) — never two of them.
// The connector owns every retry (the SDK's are off): a 429 without Retry-After, which the SDK
// would not retry, is retried with backoff like any other transient failure.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { LogsIngestionClient, isAggregateLogsUploadError } from '@azure/monitor-ingestion';
import { LEGACY_TYPES, type AlertType, type LogsIngestionSinkConfig } from '../../config/types.ts';
import { backoffDelay } from '../../util/backoff.ts';
import { alertTypeOf, toStreamRow, UnmappableRecordError, type StreamRow } from './rows.ts';
import type { PushRecord } from '../../spool/record-format.ts';
import type { SpoolRecord } from '../../spool/spool.ts';
import { sleep } from '../../util/sleep.ts';
import { DeliveryAbortedError, RetryExhaustedError, type ConfigFault, type Sink, type SinkObserver, type SinkOutcome } from '../sink.ts';
import { classifyUploadError, type ConfigProblem, type Verdict } from './errors.ts';
import { checkStream } from './check.ts';

/** The scope the SDK asks Entra for (the documented double slash). */
export const MONITOR_SCOPE = 'https://monitor.azure.com//.default';

interface Entry {
  rec: SpoolRecord;
  stream: string;
  type?: AlertType;
  row?: StreamRow;
  verdict?: Verdict;
}

/** The `streams.*` config key of each alert type. */
const STREAM_KEYS: Record<AlertType, string> = {
  'Policy Breach': 'policyBreach',
  'AI Analyst': 'aiAnalyst',
  'System Alert': 'systemAlert',
  'Antigena Email': 'antigenaEmail',
  'Response Action': 'responseActions',
  ASM: 'asm',
  'Email Release': 'emailRelease',
};

/** The likely cause of a configuration-like refusal, and the config keys to check. */
function configFault(cfg: LogsIngestionSinkConfig, v: Extract<Verdict, { kind: 'config' }>, stream: string, type: AlertType | undefined): ConfigFault {
  const at = (key: string) => `${cfg.configPath ?? 'sentinel'}.${key}`;
  const streamKey = type ? at(`streams.${STREAM_KEYS[type]}`) : at('streams');
  const explain: Record<ConfigProblem, [string, string]> = {
    stream: [`unknown stream in the DCR ${cfg.dcrImmutableId}`, streamKey],
    dcr: [`unknown DCR ${cfg.dcrImmutableId} at ${cfg.endpoint}`, `${at('dcrImmutableId')} and ${at('endpoint')}`],
    'dcr-or-stream': ['unknown DCR or stream', `${streamKey}, ${at('dcrImmutableId')} and ${at('endpoint')}`],
    role: [`the app ${cfg.clientId} has no Monitoring Metrics Publisher role on the DCR (a new role assignment can take up to 30 minutes to apply)`, `the role assignment of ${at('clientId')} on ${at('dcrImmutableId')}`],
    audience: ['the ingestion endpoint refused the token (another tenant, cloud or audience)', `${at('tenantId')}, ${at('authorityHost')} and ${at('endpoint')}`],
    credentials: ['Entra refused the client credentials (wrong secret, unknown app or tenant)', `${at('clientSecret')}, ${at('clientId')} and ${at('tenantId')}`],
    schema: ['every record of the upload was refused (400): the records do not fit the stream declaration', `${streamKey} and the DCR's declaration of ${stream}`],
  };
  const [cause, configKey] = explain[v.problem];
  return { target: stream, reason: v.reason, cause, configKey, ...(v.response ? { response: v.response } : {}) };
}

export function createLogsIngestionSink(cfg: LogsIngestionSinkConfig, observer: SinkObserver = {}): Sink {
  // The lab's CA is trusted next to the public roots (an `ca` option alone would replace them).
  const agent = cfg.caFile ? new https.Agent({ ca: [...tls.rootCertificates, readFileSync(cfg.caFile, 'utf8')], keepAlive: true }) : undefined;
  const credential = new ClientSecretCredential(cfg.tenantId, cfg.clientId, cfg.clientSecret, {
    ...(cfg.authorityHost ? { authorityHost: cfg.authorityHost, disableInstanceDiscovery: true } : {}),
    ...(agent ? { agent } : {}),
  });
  const client = new LogsIngestionClient(cfg.endpoint, credential, { ...(agent ? { agent } : {}), retryOptions: { maxRetries: 0 } });
  // Fates decided for records behind one whose attempts ran out: they are not uploaded again when
  // the batch is retried after the pause (they cannot be committed before the stuck one).
  const settledAhead = new Map<number, Verdict>();

  /** One SDK upload of rows of one stream; sets each entry's verdict. */
  async function upload(stream: string, entries: Entry[], signal?: AbortSignal): Promise<void> {
    const byRow = new Map<object, Entry>(entries.map((e) => [e.row!, e]));
    const timeout = AbortSignal.timeout(cfg.timeoutMs);
    const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const failed = new Set<Entry>();
    const started = performance.now();
    let firstStatus: number | 'network' | undefined;
    try {
      await client.upload(cfg.dcrImmutableId, stream, entries.map((e) => e.row!), {
        maxConcurrency: cfg.maxConcurrency,
        abortSignal,
        onError: ({ failedLogs, cause }) => {
          const verdict = classifyUploadError(cause, failedLogs.length, abortSignal.aborted);
          firstStatus ??= verdict.status;
          for (const row of failedLogs) {
            const e = byRow.get(row as object);
            if (!e) continue;
            e.verdict = verdict;
            failed.add(e);
          }
        },
      });
    } catch (err) {
      if (!isAggregateLogsUploadError(err)) throw err;
    }
    if (signal?.aborted) throw new DeliveryAbortedError();
    for (const e of entries) {
      if (failed.has(e)) continue;
      // After an abort (timeout) the SDK stops starting chunks and reports no error for them: only
      // a completed upload proves the rest landed.
      e.verdict = abortSignal.aborted ? { kind: 'retry', reason: 'network timeout', status: 'network' } : { kind: 'delivered' };
    }
    observer.onAttempt?.({ status: firstStatus ?? 204, durationMs: performance.now() - started, records: entries.length, bytes: 0 });
  }

  /** Uploads every entry still without a final verdict, stream by stream, in seq order. */
  async function round(entries: Entry[], signal?: AbortSignal): Promise<void> {
    const byStream = new Map<string, Entry[]>();
    for (const e of entries) {
      if (e.verdict && e.verdict.kind !== 'retry') continue;
      const list = byStream.get(e.stream) ?? [];
      list.push(e);
      byStream.set(e.stream, list);
    }
    for (const [stream, list] of byStream) {
      // A 413 on a chunk of several records: each goes alone, so only the oversized one is refused.
      const alone = list.filter((e) => e.verdict?.kind === 'retry' && e.verdict.alone);
      const together = list.filter((e) => !alone.includes(e));
      if (together.length) await upload(stream, together, signal);
      for (const e of alone) await upload(stream, [e], signal);
    }
  }

  async function emitSettled(entries: Entry[], onOutcome: (o: SinkOutcome) => Promise<void> | void): Promise<Entry | undefined> {
    let i = 0;
    while (i < entries.length) {
      const v = entries[i]!.verdict;
      if (!v || v.kind === 'retry') break; // no verdict yet: a stop came before its upload
      const same = (e: Entry) => (v.kind === 'delivered' ? e.verdict?.kind === 'delivered' : e.verdict === v);
      let j = i + 1;
      // A run: contiguous records with the same fate (a dead-letter or park run shares one failure).
      while (j < entries.length && same(entries[j]!)) j++;
      const records = entries.slice(i, j).map((e) => e.rec);
      for (const r of records) settledAhead.delete(r.seq);
      const first = entries[i]!;
      await onOutcome(
        v.kind === 'delivered' ? { kind: 'delivered', records }
        : v.kind === 'config' ? { kind: 'park', records, fault: configFault(cfg, v, first.stream, first.type) }
        : { kind: 'dead-letter', records, reason: v.reason, response: v.response },
      );
      i = j;
    }
    const stuck = entries[i];
    for (const e of entries.slice(i + 1)) if (e.verdict && e.verdict.kind !== 'retry') settledAhead.set(e.rec.seq, e.verdict);
    return stuck;
  }

  /** Uploads and retries until every record has a final fate (then settles all), or attempts run out. */
  async function settleAll(entries: Entry[], onOutcome: (o: SinkOutcome) => Promise<void> | void, signal?: AbortSignal): Promise<void> {
    let attempt = 0;
    for (;;) {
      if (signal?.aborted) throw new DeliveryAbortedError();
      await round(entries, signal);
      const transient = entries.filter((e) => e.verdict?.kind === 'retry' && !e.verdict.alone);
      const aloneLeft = entries.some((e) => e.verdict?.kind === 'retry' && e.verdict.alone);
      if (!transient.length) {
        if (aloneLeft) continue; // not a retry: the split of a 413 chunk
        break;
      }
      attempt++;
      const reason = (transient[0]!.verdict as Extract<Verdict, { kind: 'retry' }>).reason;
      if (attempt >= cfg.retry.maxAttempts) {
        const stuck = await emitSettled(entries, onOutcome);
        throw new RetryExhaustedError(stuck && stuck.verdict?.kind === 'retry' ? stuck.verdict.reason : reason, attempt);
      }
      const retryAfter = Math.max(0, ...transient.map((e) => (e.verdict as Extract<Verdict, { kind: 'retry' }>).retryAfterMs ?? 0));
      const delayMs = retryAfter || backoffDelay(attempt, cfg.retry);
      observer.onRetry?.({ reason, attempt, delayMs });
      await sleep(delayMs, signal);
    }
    await emitSettled(entries, onOutcome);
  }

  function typeOf(rec: SpoolRecord): AlertType | undefined {
    try {
      return alertTypeOf(JSON.parse(rec.json) as PushRecord);
    } catch {
      return undefined;
    }
  }

  /** The record's stream; '' when it maps to none (it is dead-lettered, never parked). */
  function streamOf(rec: SpoolRecord): string {
    const type = typeOf(rec);
    return type ? cfg.streams[type] : '';
  }

  return {
    name: cfg.name ?? 'logsIngestion',
    targetKind: 'stream',
    // Every type has its stream (cfg.streams covers all seven).
    accepts: () => true,
    targetOf: streamOf,
    async deliver(records, onOutcome, signal) {
      const entries: Entry[] = records.map((rec) => {
        const known = settledAhead.get(rec.seq);
        if (known) {
          const type = known.kind === 'config' ? typeOf(rec) : undefined;
          return { rec, stream: type ? cfg.streams[type] : '', type, verdict: known };
        }
        try {
          const { type, row } = toStreamRow(JSON.parse(rec.json) as PushRecord, { customLabel: cfg.customLabel, timeField: cfg.timeGeneratedField });
          return { rec, stream: cfg.streams[type], type, row };
        } catch (err) {
          const reason = err instanceof UnmappableRecordError ? err.message : `not a JSON push record: ${(err as Error).message}`;
          return { rec, stream: '', verdict: { kind: 'dead-letter', reason, status: 'network' } };
        }
      });
      try {
        await settleAll(entries, onOutcome, signal);
      } catch (err) {
        // A stop (during a retry wait, or between streams) must not forget the fates already known:
        // records that landed are settled now, or a restart would send them again.
        if (err instanceof DeliveryAbortedError) await emitSettled(entries, onOutcome);
        throw err;
      }
    },
    async check() {
      const token = await credential.getToken(MONITOR_SCOPE).catch((err: Error) => {
        throw new Error(`Entra token for client ${cfg.clientId} refused: ${err.message.split('\n')[0]}`);
      });
      const probed = cfg.probeStreams ?? LEGACY_TYPES.map((t) => cfg.streams[t]);
      for (const stream of new Set(probed)) await checkStream(cfg, stream, token.token, agent);
    },
    async close() {
      agent?.destroy();
    },
  };
}
