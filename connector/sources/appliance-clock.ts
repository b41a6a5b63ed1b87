// The Darktrace appliance's clock, read from the documented `time` field of `GET /status`
// (darktrace-api.md §2.5, §5.3). Darktrace filters alerts on times its own clock stamped, so poll
// windows computed on this clock cannot fall behind or ahead of the alerts they select
// (docs/decisions/0023-poll-windows-on-the-appliance-clock.md).
//
// One reading serves every poller of a poll cycle: it is kept for at most `maxAgeMs` (the poll
// interval), concurrent reads share one request, `invalidate()` forces a fresh one (pollNow), and a
// failed read is never kept, so the next poll tries again.
import { DarktraceError } from '../darktrace/client.ts';

/**
 * The unit a /status `time` may be truncated to: seconds in the simulator, possibly minutes on a real
 * appliance (the documented example is `14:41:00`). A poll window reaches to the end of it.
 */
export const STATUS_TIME_RESOLUTION_MS = 60_000;

export interface ClockReading {
  /** The appliance's time, epoch ms, as reported: never rounded up (see readStatusTime). */
  applianceMs: number;
  /** The connector's clock at the same moment: skew = localMs − applianceMs. */
  localMs: number;
}

export interface ApplianceClockOptions {
  /** GET /status?fast=true&includechildren=false, signed: the DarktraceClient's get. */
  getStatus: (signal?: AbortSignal) => Promise<unknown>;
  /** The connector's clock (what DTAPI-Date carries), for the skew. */
  localNow: () => number;
  /** How long a reading serves further polls (the poll interval). */
  maxAgeMs: number;
  /** Elapsed-time source for the reading's age (tests); default performance.now. */
  monotonicNow?: () => number;
  /** Called with each new reading (the skew gauge, the clock-skew event). */
  onReading?: (r: ClockReading) => void;
}

export class ApplianceClock {
  private cached?: { reading: ClockReading; at: number };
  private inFlight?: Promise<ClockReading>;
  private generation = 0;
  /** The last reading's skew (connector − appliance), ms; undefined until one succeeded. */
  lastSkewMs?: number;

  constructor(private readonly o: ApplianceClockOptions) {}

  private mono(): number {
    return this.o.monotonicNow ? this.o.monotonicNow() : performance.now();
  }

  /** The appliance's now, epoch ms: the shared reading if still fresh, else one new /status read. */
  async now(signal?: AbortSignal): Promise<number> {
    return (await this.read(signal)).applianceMs;
  }

  async read(signal?: AbortSignal): Promise<ClockReading> {
    if (this.cached && this.mono() - this.cached.at < this.o.maxAgeMs) return this.cached.reading;
    this.inFlight ??= this.fetch();
    // A poller aborted while waiting leaves the shared read to the others.
    const pending = this.inFlight;
    if (!signal) return pending;
    return new Promise<ClockReading>((resolve, reject) => {
      const onAbort = () => reject(signal.reason ?? new Error('aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** The next read asks the appliance again (a poll cycle started early: pollNow). */
  invalidate(): void {
    this.cached = undefined;
    this.inFlight = undefined;
    this.generation++;
  }

  private async fetch(): Promise<ClockReading> {
    const generation = this.generation;
    const at = this.mono();
    try {
      const body = await this.o.getStatus();
      const applianceMs = readStatusTime(body);
      const reading = { applianceMs, localMs: this.o.localNow() };
      this.lastSkewMs = reading.localMs - applianceMs;
      // A reading requested before an invalidate() still answers its waiters, but is not kept.
      if (generation === this.generation) this.cached = { reading, at };
      this.o.onReading?.(reading);
      return reading;
    } finally {
      if (generation === this.generation) this.inFlight = undefined;
    }
  }
}

/**
 * The `time` of a /status body (`YYYY-MM-DD HH:MM:SS`, UTC; seconds optional) as epoch ms. The value
 * is taken as reported, never rounded up: a real appliance may report it truncated to the minute and
 * from a briefly cached /status, so the true now is at or after it. A checkpoint stored there is then
 * never ahead of the appliance, and the next window (which starts an overlap before it) re-reads
 * anything created since; the window itself reaches STATUS_TIME_RESOLUTION_MS further.
 */
export function readStatusTime(body: unknown): number {
  const time = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).time : undefined;
  const m = typeof time === 'string' ? /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?$/.exec(time.trim()) : null;
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)) : NaN;
  if (!Number.isFinite(ms)) {
    const shown = time === undefined ? 'no time field' : `time ${JSON.stringify(time).slice(0, 60)}`;
    throw new DarktraceError('bad-json', `GET /status: ${shown}; poll.clock: appliance needs its 'YYYY-MM-DD HH:MM:SS' time`);
  }
  return ms;
}
