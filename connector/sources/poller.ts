// A polling source: every interval it fetches the window [last end − overlap, now + lookahead],
// drops alerts already seen (overlap dedupe), ingests the rest, then writes its checkpoint. `now` is
// the window clock: the connector's own (`poll.clock: local`) or the appliance's (`appliance`), read
// once per poll; a failed read fails the poll like any Darktrace error.
// Darktrace errors back off exponentially (with jitter) up to poll.backoffMax and are logged clearly.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AlertType, PollConfig } from '../config/types.ts';
import { DarktraceError } from '../darktrace/client.ts';
import { backoffDelay } from '../util/backoff.ts';
import type { Metrics } from '../util/metrics.ts';
import type { Spool } from '../spool/spool.ts';
import { DiskFullError } from '../util/disk-full.ts';
import { sleep } from '../util/sleep.ts';
import { CheckpointStore, type Checkpoint } from './checkpoint.ts';
import { keyPrefix, rawAlertKey } from '../intake/identity.ts';
import type { AlertIngest } from '../intake/ingest.ts';

export interface SourceDefinition {
  name: string;
  type: AlertType;
  /** The longest window one fetch may ask for (the API answers no more); a longer span is read in consecutive windows, one poll each, without waiting. */
  maxWindowMs?: number;
  /**
   * The alerts of the window that `keep` accepts (all when it is absent). `keep` is called once per
   * alert as the response streams in, so alerts already seen are never held in memory.
   */
  fetch(window: { startMs: number; endMs: number }, signal: AbortSignal, keep?: (raw: unknown) => boolean): Promise<unknown[]>;
}

/**
 * The poll windows' clock: epoch ms now, on the connector's clock or the appliance's (whose reading may
 * be truncated: Poller's `clockResolutionMs`).
 */
export type WindowClock = (signal: AbortSignal) => number | Promise<number>;

export interface SourceStatus {
  lastSuccess?: string;
  lastError?: string;
  consecutiveFailures: number;
}

export class Poller {
  readonly status: SourceStatus = { consecutiveFailures: 0 };
  private abort = new AbortController();
  private loop?: Promise<void>;
  private readonly store: CheckpointStore;
  /** Undefined until the first poll when there is none on disk: its lookback counts back from the window clock. */
  private checkpoint?: Checkpoint;
  private readonly seen: Map<string, number>;
  /** Spooled keys of this source the checkpoint does not cover yet (marked seen once it exists). */
  private recovered: string[];
  private wake?: () => void;

  constructor(
    private readonly def: SourceDefinition,
    private readonly o: { stateDir: string; poll: PollConfig; spool: Spool; ingest: AlertIngest; metrics: Metrics; events: EventEmitter; log: Logger; clock?: WindowClock; clockResolutionMs?: number },
  ) {
    this.store = new CheckpointStore(o.stateDir, def.name);
    this.checkpoint = this.store.load();
    this.seen = new Map(Object.entries(this.checkpoint?.seen ?? {}));
    // Alerts spooled after the checkpoint was written (a crash in between) are not fetched twice.
    this.recovered = [...o.spool.keysAfter(this.checkpoint?.spoolSeq ?? 0, keyPrefix(def.type))];
    if (this.checkpoint) this.markRecovered(this.checkpoint.endMs);
  }

  private markRecovered(endMs: number): void {
    for (const k of this.recovered) this.seen.set(k, endMs);
    this.recovered = [];
  }

  private now(signal: AbortSignal): number | Promise<number> {
    return this.o.clock ? this.o.clock(signal) : Date.now();
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Polls now instead of waiting for the interval (tests and the harness). */
  pollNow(): void {
    this.wake?.();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let delay = this.o.poll.intervalMs;
      try {
        const { behind } = await this.pollOnce(signal);
        // A span longer than one window (a first run's lookback, a long outage) is read window by window, without waiting.
        if (behind) delay = 0;
        this.status.consecutiveFailures = 0;
        this.status.lastSuccess = new Date().toISOString();
      } catch (err) {
        if (signal.aborted) break;
        this.status.consecutiveFailures++;
        // disk-full: the spool refused the alerts; the checkpoint stays, so the next poll fetches them again.
        const kind = err instanceof DarktraceError ? err.kind : err instanceof DiskFullError ? 'disk-full' : 'internal';
        this.status.lastError = (err as Error).message;
        this.o.metrics.sourceErrors.inc({ source: this.def.name, kind });
        delay = Math.min(this.o.poll.backoffMaxMs, backoffDelay(this.status.consecutiveFailures, { baseDelayMs: Math.min(this.o.poll.intervalMs, 5_000), maxDelayMs: this.o.poll.backoffMaxMs }));
        this.o.log.error({ source: this.def.name, kind, status: err instanceof DarktraceError ? err.status : undefined, error: (err as Error).message, retryInMs: delay, failures: this.status.consecutiveFailures },
          kind === 'disk-full' ? 'disk full: alerts not spooled, checkpoint not advanced; backing off' : 'darktrace poll failed; backing off');
        this.o.events.emit('source-error', { source: this.def.name, kind, message: (err as Error).message });
      }
      await this.waitOrWake(delay, signal);
    }
  }

  /** Waits `ms`, or until pollNow() or stop(); the timer and listeners go with the wait (pollNow() used to leave one of each behind). */
  private async waitOrWake(ms: number, signal: AbortSignal): Promise<void> {
    const wait = new AbortController();
    const end = () => wait.abort();
    signal.addEventListener('abort', end, { once: true });
    this.wake = end;
    await sleep(ms, wait.signal);
    signal.removeEventListener('abort', end);
    this.wake = undefined;
  }

  /** One poll: fetch, dedupe, ingest, checkpoint. Exposed for tests. */
  async pollOnce(signal: AbortSignal = new AbortController().signal): Promise<{ fetched: number; fresh: number; behind: boolean }> {
    const wallNow = await this.now(signal);
    if (!this.checkpoint) {
      this.checkpoint = { version: 1, endMs: wallNow - this.o.poll.initialLookbackMs, seen: {}, spoolSeq: 0 };
      this.markRecovered(this.checkpoint.endMs);
    }
    // A checkpoint ahead of the window clock (written on a clock that ran ahead, or before the clock
    // was set back) counts from now instead: starting later than now − overlap could skip alerts.
    const startMs = Math.max(0, Math.min(this.checkpoint.endMs, wallNow) - this.o.poll.overlapMs);
    // A clock read truncated (the appliance's /status time: to the second, or the minute) may be up to
    // a unit behind the true now: the window reaches to the end of that unit, while the checkpoint
    // below stays at the reading, so it is never ahead of the true now.
    const reach = wallNow + this.o.poll.lookaheadMs + Math.max(0, (this.o.clockResolutionMs ?? 0) - 1);
    // A source whose API answers at most so much time per response (model breaches: a year) reads a
    // longer span window by window; one long window would silently lose the rest.
    const endMs = Math.min(reach, startMs + (this.def.maxWindowMs ?? Infinity));
    const behind = endMs < wallNow;
    let fetched = 0;
    let duplicates = 0;
    const returned = new Set<string>();
    const fresh = await this.def.fetch({ startMs, endMs }, signal, (item) => {
      fetched++;
      const key = rawAlertKey(this.def.type, item);
      if (key === undefined) return true; // the mapper dead-letters it with its reason
      if (returned.has(key) || this.seen.has(key)) {
        duplicates++;
        returned.add(key);
        return false;
      }
      returned.add(key);
      return true;
    });
    if (duplicates) this.o.metrics.duplicates.inc({ source: this.def.name }, duplicates);
    if (fresh.length) await this.o.ingest.ingest(this.def.name, fresh, this.def.type);
    // Marked seen only once spooled: a failed ingest leaves them to the next poll.
    for (const k of returned) this.seen.set(k, endMs);
    // Keep keys returned now, or seen within the last two overlaps; older ones cannot come back.
    const keepAfter = startMs - this.o.poll.overlapMs;
    for (const [k, t] of this.seen) if (!returned.has(k) && t < keepAfter) this.seen.delete(k);
    // The next window starts at the wall clock (never ahead of it), so lookahead never skips alerts.
    this.checkpoint = { version: 1, endMs: Math.min(endMs, wallNow), seen: Object.fromEntries(this.seen), spoolSeq: this.o.spool.lastSeq };
    this.store.save(this.checkpoint);
    this.o.events.emit('checkpoint', { source: this.def.name, endMs: this.checkpoint.endMs, fetched, fresh: fresh.length });
    return { fetched, fresh: fresh.length, behind };
  }
}
