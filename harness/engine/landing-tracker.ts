// Follows the landed rows of the Darktrace tables as they arrive, matches each to the alert it stands
// for, and records generated→landed latency for each alert's first landing. With several sinks (a dual
// run) it counts per sink: an alert has landed when it landed through every sink still enabled.
import type { AlertType, Sink } from '../scenario/types.ts';
import { LatencyRecorder } from '../measure/latency.ts';
import type { MockDriver } from './mock-driver.ts';
import { alertKey, identify, identityColumns, LEGACY_TABLE, STREAM_TABLE } from './identity.ts';
import type { GroundTruth } from './simulator-driver.ts';

/** What landed through one sink: rows per alert key, and the generated instances matched so far. */
export interface SinkLanding {
  sink: Sink;
  landedCounts: Map<string, number>;
  matched: number;
  /** False once a connector.sink fault disabled it (a cutover): the drain no longer waits on it. */
  enabled: boolean;
}

/**
 * The tables a sink writes the alerts to. The activity streams (RESPOND actions, ASM, email releases)
 * are not tracked here — the harness counts no ground truth for them — and reach only a Logs
 * Ingestion sink (a Data Collector sink skips them); scenarios judge them by queries, e.g.
 * migration-dual-run-activity: rows in their Darktrace*_CL tables, none in the legacy table.
 */
function sinkTables(sink: Sink): string[] {
  return sink === 'dataCollector' ? [LEGACY_TABLE] : Object.values(STREAM_TABLE);
}

export class LandingTracker {
  readonly latency = new LatencyRecorder();
  readonly generated: GroundTruth[] = [];
  /** One entry per sink of the run, the first the primary (its counts are `landedCounts`). */
  readonly sinks: SinkLanding[];
  unmatchedRows = 0;
  /** Per alert key, the wall times the harness learnt of each generated instance (a system alert can be raised again under its uuid and status). */
  private readonly generatedAt = new Map<string, number[]>();
  private readonly offsets = new Map<string, number>();
  private rows = 0;
  firstGeneratedAt: number | undefined;
  lastLandedAt: number | undefined;

  constructor(private readonly mock: MockDriver, sinks: Sink | readonly Sink[]) {
    this.sinks = (typeof sinks === 'string' ? [sinks] : [...sinks]).map((sink) => ({ sink, landedCounts: new Map(), matched: 0, enabled: true }));
  }

  /** The first sink's rows per alert key (a single-sink run's only ones). */
  get landedCounts(): Map<string, number> {
    return this.sinks[0]!.landedCounts;
  }

  /** A connector.sink fault enabled or disabled a sink; names the run does not have are ignored. */
  setEnabled(name: string, enabled: boolean): void {
    for (const s of this.sinks) if (s.sink === name) s.enabled = enabled;
  }

  /** The sinks the run still waits on (every sink when all are disabled, so nothing passes unseen). */
  private waitedOn(): SinkLanding[] {
    const on = this.sinks.filter((s) => s.enabled);
    return on.length ? on : this.sinks;
  }

  /** Alerts the simulator reports as generated, stamped with the wall time the harness learnt of them. */
  addGenerated(items: GroundTruth[], at = performance.now()): void {
    for (const g of items) {
      const key = alertKey(g.type, g.id, g.status);
      const times = this.generatedAt.get(key);
      if (times) times.push(at);
      else this.generatedAt.set(key, [at]);
      this.generated.push(g);
      this.firstGeneratedAt ??= at;
      // A row that landed before the harness saw its alert generated (possible with an external simulator).
      for (const s of this.sinks) if ((s.landedCounts.get(key) ?? 0) >= (times?.length ?? 1)) s.matched++;
    }
  }

  get generatedCount(): number {
    return this.generated.length;
  }

  /** Generated alerts that have landed so far (each at least once), through every sink waited on. */
  get landedCount(): number {
    return Math.min(...this.waitedOn().map((s) => s.matched));
  }

  get rowCount(): number {
    return this.rows;
  }

  countOf(type: AlertType): number {
    return this.generated.filter((g) => g.type === type).length;
  }

  allLanded(): boolean {
    for (const s of this.waitedOn()) for (const [key, times] of this.generatedAt) if ((s.landedCounts.get(key) ?? 0) < times.length) return false;
    return true;
  }

  /** Reads rows stored since the last call. Returns how many new rows it saw. */
  async poll(): Promise<number> {
    let seen = 0;
    for (const s of this.sinks) {
      for (const table of sinkTables(s.sink)) {
        const offset = this.offsets.get(table) ?? 0;
        const rows = await this.mock.newRows(table, offset, identityColumns(table));
        this.offsets.set(table, offset + rows.length);
        seen += rows.length;
        for (const { row, landedAt } of rows) this.landed(s, table, row, landedAt);
      }
    }
    this.rows += seen;
    return seen;
  }

  private landed(s: SinkLanding, table: string, row: Record<string, unknown>, landedAt: number): void {
    const id = identify(table, row);
    if (!id) {
      this.unmatchedRows++;
      return;
    }
    const key = alertKey(id.type, id.id, id.status);
    const n = s.landedCounts.get(key) ?? 0;
    s.landedCounts.set(key, n + 1);
    // The n-th row of a key stands for the n-th generated instance; rows beyond them are duplicates.
    const gen = this.generatedAt.get(key)?.[n];
    if (gen !== undefined) {
      s.matched++;
      // Latency is the first sink's (a dual run's second side would count every alert twice).
      if (s === this.sinks[0]) this.latency.record(Math.max(0, landedAt - gen));
    }
    this.lastLandedAt = Math.max(this.lastLandedAt ?? 0, landedAt);
  }
}
