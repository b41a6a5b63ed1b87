// The sink interface: where spooled records go. The Data Collector sink and the Logs Ingestion sink
// implement it; each tells apart what it cannot deliver: transient (retried), a record the service
// refuses for good (dead-lettered), and configuration-like errors (parked, per target).
import type { AlertType } from '../config/types.ts';
import type { SinkResponse } from '../spool/dead-letter.ts';
import type { SpoolRecord } from '../spool/spool.ts';

export type { SinkResponse };

/**
 * A failure that looks like configuration (an unknown stream or DCR, a missing role, a refused key
 * or secret, a table name the service refuses): retrying soon will not help, and it concerns every
 * record bound for one target, not one record.
 */
export interface ConfigFault {
  /** The stream (Logs Ingestion) or table (Data Collector) the records are bound for. */
  target: string;
  /** What the service answered, e.g. `404 NotFound: Stream 'Custom-X' is not declared …`. */
  reason: string;
  /** The likely cause in words, e.g. `unknown stream in the DCR`. */
  cause: string;
  /** The config key(s) to check, e.g. `sentinel.streams.policyBreach`. */
  configKey: string;
  response?: SinkResponse;
}

/**
 * One contiguous run of records whose fate is decided: delivered or dead-lettered (final), or
 * `park`: refused for a configuration-like reason, to be set aside and retried for a bounded time
 * while records bound for other targets go on.
 */
export type SinkOutcome =
  | { kind: 'delivered'; records: SpoolRecord[] }
  | { kind: 'dead-letter'; records: SpoolRecord[]; reason: string; response?: SinkResponse }
  | { kind: 'park'; records: SpoolRecord[]; fault: ConfigFault };

export interface SinkObserver {
  onAttempt?(info: { status: number | 'network'; durationMs: number; records: number; bytes: number }): void;
  onRetry?(info: { reason: string; attempt: number; delayMs: number }): void;
  onWarning?(msg: string, detail: Record<string, unknown>): void;
}

export interface Sink {
  readonly name: string;
  /** What `targetOf` names: a Logs Ingestion stream or a Data Collector table (for messages). */
  readonly targetKind: 'stream' | 'table';
  /**
   * Sends `records` (in seq order). Calls `onOutcome` in order for each run whose fate is final, and
   * awaits it before going on. Throws RetryExhaustedError when a run still fails transiently after
   * the bounded attempts: the records without an outcome stay in the spool for a later try.
   */
  deliver(records: SpoolRecord[], onOutcome: (o: SinkOutcome) => Promise<void> | void, signal?: AbortSignal): Promise<void>;
  /**
   * Whether records of this type are for this sink at all. The Deliverer moves its cursor past the
   * others without sending them ("not applicable": not delivered, not dead-lettered, not parked),
   * as the legacy table has no place for the activity streams in a dual run (decision 0018, later).
   */
  accepts(type: AlertType): boolean;
  /** The stream or table a record is bound for (the unit a configuration-like error parks). */
  targetOf(record: SpoolRecord): string;
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
