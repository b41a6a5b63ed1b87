// Wall time during which the simulated clock stood still. While a killed connector starts again the
// clock holds: how long a process takes to start depends on the machine, and a fault window must not
// end before the restarted process runs in it. Holds may overlap; overlapping time is counted once.
export class ClockHold {
  private holds = 0;
  private since = 0;
  private total = 0;
  get held(): boolean {
    return this.holds > 0;
  }
  /** Wall milliseconds held so far, including a hold still in force. */
  get heldMs(): number {
    return this.total + (this.holds > 0 ? performance.now() - this.since : 0);
  }
  hold(): void {
    if (this.holds++ === 0) this.since = performance.now();
  }
  release(): void {
    if (--this.holds === 0) this.total += performance.now() - this.since;
  }
}
