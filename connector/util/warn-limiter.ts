// Rate-limited warnings: a flood of bad input (a push of 10,000 broken alerts a second) must not
// become a flood of log lines. At most `burst` warnings of one kind per window; the ones held back
// are counted and the count rides on the first warning of that kind in a later window.
import type { Logger } from 'pino';

export class WarnLimiter {
  private readonly kinds = new Map<string, { windowStart: number; sent: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly burst = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs at warn unless this kind is over its burst; returns whether it was logged. */
  warn(kind: string, detail: Record<string, unknown>, msg: string): boolean {
    const t = this.now();
    let k = this.kinds.get(kind);
    let suppressed = 0;
    if (!k || t - k.windowStart >= this.windowMs) {
      suppressed = k?.suppressed ?? 0;
      k = { windowStart: t, sent: 0, suppressed: 0 };
      this.kinds.set(kind, k);
    }
    if (k.sent >= this.burst) {
      k.suppressed++;
      return false;
    }
    k.sent++;
    this.log.warn(suppressed ? { ...detail, suppressedSinceLast: suppressed } : detail, msg);
    return true;
  }
}
