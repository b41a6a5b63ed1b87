// Follows the landed rows of the Darktrace tables as they arrive, matches each to the alert it stands
// for, and records generated→landed latency for each alert's first landing.
import type { AlertType } from '../scenario/types.ts';
import { LatencyRecorder } from '../measure/latency.ts';
import type { MockDriver } from './mock-driver.ts';
import { alertKey, identify, identityColumns, LEGACY_TABLE, STREAM_TABLE } from './identity.ts';
import type { GroundTruth } from './simulator-driver.ts';

export class LandingTracker {
  readonly latency = new LatencyRecorder();
  readonly landedCounts = new Map<string, number>();
  readonly generated: GroundTruth[] = [];
  unmatchedRows = 0;
  /** Per alert key, the wall times the harness learnt of each generated instance (a system alert can be raised again under its uuid and status). */
  private readonly generatedAt = new Map<string, number[]>();
  private matched = 0;
  private readonly offsets = new Map<string, number>();
  private readonly tables: string[];
  private rows = 0;
  firstGeneratedAt: number | undefined;
  lastLandedAt: number | undefined;

  constructor(private readonly mock: MockDriver, sink: 'dataCollector' | 'logsIngestion') {
    this.tables = sink === 'dataCollector' ? [LEGACY_TABLE] : Object.values(STREAM_TABLE);
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
      if ((this.landedCounts.get(key) ?? 0) >= (times?.length ?? 1)) this.matched++;
    }
  }

  get generatedCount(): number {
    return this.generated.length;
  }

  /** Generated alerts that have landed so far (each at least once). */
  get landedCount(): number {
    return this.matched;
  }

  get rowCount(): number {
    return this.rows;
  }

  countOf(type: AlertType): number {
    return this.generated.filter((g) => g.type === type).length;
  }

  allLanded(): boolean {
    for (const [key, times] of this.generatedAt) if ((this.landedCounts.get(key) ?? 0) < times.length) return false;
    return true;
  }

  /** Reads rows stored since the last call. Returns how many new rows it saw. */
  async poll(): Promise<number> {
    let seen = 0;
    for (const table of this.tables) {
      const offset = this.offsets.get(table) ?? 0;
      const rows = await this.mock.newRows(table, offset, identityColumns(table));
      this.offsets.set(table, offset + rows.length);
      seen += rows.length;
      for (const { row, landedAt } of rows) {
        const id = identify(table, row);
        if (!id) {
          this.unmatchedRows++;
          continue;
        }
        const key = alertKey(id.type, id.id, id.status);
        const n = this.landedCounts.get(key) ?? 0;
        this.landedCounts.set(key, n + 1);
        // The n-th row of a key stands for the n-th generated instance; rows beyond them are duplicates.
        const gen = this.generatedAt.get(key)?.[n];
        if (gen !== undefined) {
          this.matched++;
          this.latency.record(Math.max(0, landedAt - gen));
        }
        this.lastLandedAt = Math.max(this.lastLandedAt ?? 0, landedAt);
      }
    }
    this.rows += seen;
    return seen;
  }
}
