// The common path of every alert: map → filter → spool. A bad alert is dead-lettered with its
// reason and never blocks the others; nothing is acknowledged before it is durably spooled. The
// work one request causes is bounded: refused alerts are dead-lettered in groups with one
// rate-limited warning, and a large body is mapped in slices.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AlertType } from '../config/types.ts';
import type { DeadLetterFile } from '../spool/dead-letter.ts';
import { MalformedAlertError, mapAlert, type MappedAlert, type MappingContext } from './index.ts';
import { isoMillis } from './time-formats.ts';
import type { Metrics } from '../util/metrics.ts';
import type { Spool } from '../spool/spool.ts';
import { WarnLimiter } from '../util/warn-limiter.ts';

export interface IngestResult {
  spooled: number;
  filtered: number;
  /** Alerts already spooled recently (by any source) and dropped. */
  duplicates: number;
  rejected: Array<{ index: number; reason: string }>;
}

export interface IngestDeps {
  spool: Spool;
  filter: (a: MappedAlert) => string | undefined;
  mapping: MappingContext;
  timeGeneratedField: string;
  deadLetters: DeadLetterFile;
  metrics: Metrics;
  events: EventEmitter;
  log: Logger;
}

/** Keys remembered across sources (push and poll can both carry an alert). */
export const RECENT_KEYS = 100_000;
/** Alerts mapped between two yields to the event loop. */
const MAP_SLICE = 1000;

export class AlertIngest {
  // Insertion-ordered: the oldest key is evicted first.
  private readonly recent = new Map<string, true>();
  /** Keys of alerts being spooled by a request still in progress (requests interleave while mapping). */
  private readonly inFlight = new Set<string>();
  private readonly warnings: WarnLimiter;

  constructor(private readonly d: IngestDeps) {
    this.warnings = new WarnLimiter(d.log);
    // Records still in the spool were accepted before a restart: a second copy is still a duplicate.
    if (d.spool.pending <= RECENT_KEYS) for (const k of d.spool.keysAfter(d.spool.committedSeq)) this.remember(k);
  }

  private remember(key: string): void {
    this.recent.delete(key);
    this.recent.set(key, true);
    if (this.recent.size > RECENT_KEYS) this.recent.delete(this.recent.keys().next().value!);
  }

  /** A pushed body that is not alerts (not JSON, nested too deep): dead-lettered as received, with the reason, before the 400. */
  rejectBody(source: string, body: string, reason: string): void {
    this.d.deadLetters.body(source, body, reason);
    this.d.metrics.deadLettered.inc({ stage: 'body' });
    this.warnings.warn(`body:${source}`, { source, reason, bytes: Buffer.byteLength(body) }, 'unreadable body dead-lettered');
  }

  /**
   * Keys of records dead-lettered at delivery: not duplicates any more, so a replay of the
   * dead-letter file (or a later poll of the same alert) is accepted again.
   */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.recent.delete(key);
  }

  /** Serialises a mapped alert as the record the sink posts (plus the time-generated field). */
  serialise(a: MappedAlert): string {
    if (!this.d.timeGeneratedField) return JSON.stringify(a.record);
    return JSON.stringify({ ...a.record, [this.d.timeGeneratedField]: isoMillis(a.timeMs) });
  }

  async ingest(source: string, items: unknown[], expected?: AlertType, spoolWaitMs?: number): Promise<IngestResult> {
    const { metrics } = this.d;
    const result: IngestResult = { spooled: 0, filtered: 0, duplicates: 0, rejected: [] };
    const batchKeys = new Set<string>();
    const entries: Array<{ key: string; json: string }> = [];
    const types: AlertType[] = [];
    const refused: Array<{ index: number; reason: string; alert: unknown }> = [];
    metrics.received.inc({ source }, items.length);
    try {
      for (let index = 0; index < items.length; index++) {
        // A large body is mapped in slices, so concurrent pushes are not stalled behind it.
        if (index > 0 && index % MAP_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        const item = items[index];
        let mapped: MappedAlert;
        try {
          mapped = mapAlert(item, this.d.mapping, expected);
        } catch (err) {
          const reason = err instanceof MalformedAlertError ? err.message : `mapping failed: ${(err as Error).message}`;
          result.rejected.push({ index, reason });
          refused.push({ index, reason, alert: item });
          continue;
        }
        // The same alert from another source (a push of a type the pollers also fetch) is dropped.
        // System alerts have no other source: every push of one is kept (a status report each).
        if (mapped.type !== 'System Alert' && (this.recent.has(mapped.key) || this.inFlight.has(mapped.key) || batchKeys.has(mapped.key))) {
          result.duplicates++;
          metrics.duplicates.inc({ source });
          continue;
        }
        const why = this.d.filter(mapped);
        if (why) {
          result.filtered++;
          metrics.filtered.inc({ type: mapped.type, filter: why });
          continue;
        }
        batchKeys.add(mapped.key);
        this.inFlight.add(mapped.key);
        entries.push({ key: mapped.key, json: this.serialise(mapped) });
        types.push(mapped.type);
      }
      // Spooled first, then the refused ones dead-lettered: a 503 (spool full) retried by the
      // sender then never writes the same refused alerts twice.
      if (entries.length) {
        const seqs = await this.d.spool.append(entries, spoolWaitMs);
        for (const e of entries) this.remember(e.key);
        for (const t of types) metrics.spooled.inc({ type: t });
        metrics.spoolBytes.set(this.d.spool.bytes);
        metrics.spoolPending.set(this.d.spool.pending);
        result.spooled = entries.length;
        this.d.events.emit('spooled', { source, count: entries.length, firstSeq: seqs.firstSeq, lastSeq: seqs.lastSeq, keys: entries.map((e) => e.key) });
      }
    } finally {
      for (const k of batchKeys) this.inFlight.delete(k);
    }
    if (refused.length) this.deadLetter(source, refused);
    return result;
  }

  /** One group of dead-letter entries and one (rate-limited) warning per request, not one per alert. */
  private deadLetter(source: string, refused: Array<{ index: number; reason: string; alert: unknown }>): void {
    this.d.deadLetters.alerts(source, refused);
    this.d.metrics.deadLettered.inc({ stage: 'alert' }, refused.length);
    this.warnings.warn(`alerts:${source}`, { source, count: refused.length, firstReason: refused[0]!.reason }, 'malformed alerts dead-lettered');
    this.d.events.emit('dead-lettered', { stage: 'alert', source, reason: refused[0]!.reason, count: refused.length, alerts: refused.map((r) => r.alert) });
  }
}
