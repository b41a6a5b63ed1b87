// The sink interface: where spooled records go. The Data Collector sink implements it; a Logs
// Ingestion sink (`sentinel.mode: logsIngestion`) would be another implementation.
import type { SpoolRecord } from '../spool/spool.ts';

export interface SinkResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One contiguous run of records whose fate is final: they may leave the spool. */
export type SinkOutcome =
  | { kind: 'delivered'; records: SpoolRecord[] }
  | { kind: 'dead-letter'; records: SpoolRecord[]; reason: string; response?: SinkResponse };

export interface SinkObserver {
  onAttempt?(info: { status: number | 'network'; durationMs: number; records: number; bytes: number }): void;
  onRetry?(info: { reason: string; attempt: number; delayMs: number }): void;
  onWarning?(msg: string, detail: Record<string, unknown>): void;
}

export interface Sink {
  readonly name: string;
  /**
   * Sends `records` (in seq order). Calls `onOutcome` in order for each run whose fate is final, and
   * awaits it before going on. Throws RetryExhaustedError when a run still fails transiently after
   * the bounded attempts: the records without an outcome stay in the spool for a later try.
   */
  deliver(records: SpoolRecord[], onOutcome: (o: SinkOutcome) => Promise<void> | void, signal?: AbortSignal): Promise<void>;
  /** A cheap end-to-end check (signed empty post); throws with the reason. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export class RetryExhaustedError extends Error {
  constructor(readonly lastReason: string, readonly attempts: number) {
    super(`delivery failed after ${attempts} attempts: ${lastReason}`);
    this.name = 'RetryExhaustedError';
  }
}

export class DeliveryAbortedError extends Error {
  constructor() {
    super('delivery aborted');
    this.name = 'DeliveryAbortedError';
  }
}
