// The clock every request signature reads (SharedKey `x-ms-date`, `DTAPI-Date`). It is the system
// clock plus a skew that only the debug test hook changes (`debug.clockSkewMs`,
// `PUT /debug/clock-skew`), so a harness can reproduce "the connector's clock is off" on a running
// process without a restart.
export class SigningClock {
  constructor(private skew = 0) {}

  get skewMs(): number {
    return this.skew;
  }

  setSkewMs(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('clock skew must be a finite number of milliseconds');
    this.skew = Math.trunc(ms);
  }

  now(): Date {
    return new Date(Date.now() + this.skew);
  }
}

/** The largest skew the hook accepts (±30 days): enough for any scenario, small enough to stay a valid Date. */
export const MAX_CLOCK_SKEW_MS = 30 * 24 * 3600 * 1000;
