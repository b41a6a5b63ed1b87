// The run's timeline: traffic events and fault starts and ends, each at its simulated offset. Entries
// due at the same time run in the order they were added (traffic first, then faults in file order).
export interface TimelineEntry {
  atMs: number;
  label: string;
  /** Whether the entry is listed in the report's faults and the log (bursts and stories are not). */
  recorded: boolean;
  /** Does what the entry says; resolves to the detail the report shows. */
  apply: () => Promise<string>;
}

export class Timeline {
  private readonly entries: Array<TimelineEntry & { order: number }> = [];
  private sorted = true;

  at(atMs: number, label: string, apply: () => Promise<string>, recorded = true): void {
    this.entries.push({ atMs, label, apply, recorded, order: this.entries.length });
    this.sorted = false;
  }

  /** Entries in the order they run. */
  ordered(): readonly TimelineEntry[] {
    if (!this.sorted) {
      this.entries.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
      this.sorted = true;
    }
    return this.entries;
  }
}
