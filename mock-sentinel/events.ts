// Typed lifecycle events of a mock instance: tests and the harness wait on these, never on sleeps.
import { EventEmitter } from 'node:events';
import type { RunOutcome } from './analytics/analytics-engine.ts';
import type { AuditNote } from './audit/audit-notes.ts';

export type RequestOutcome = 'stored' | 'accepted' | 'rejected' | 'faulted' | 'dropped';

export interface RequestStartEvent {
  id: number;
  route: string;
  method: string;
  path: string;
  time: Date;
}

export interface RequestEndEvent {
  id: number;
  route: string;
  /** HTTP status sent; 0 when the connection was dropped without a response. */
  status: number;
  outcome: RequestOutcome;
  errorCode?: string;
  workspace?: string;
  table?: string;
  records: number;
  bytes: number;
  injectedFault?: string;
  durationMs: number;
  /** When the request started (the audit entry's `time`). */
  time: Date;
  /** Policies met, counted per kind, table and column (AuditEntry.notes). */
  notes: AuditNote[];
  stream?: string;
  /** AuditEntry.client. */
  client?: string;
  /** The answer's Retry-After in seconds. */
  retryAfterSeconds?: number;
}

export interface RowsStoredEvent {
  table: string;
  workspace: string;
  count: number;
  timestamp: Date;
}

/** A query whose DuckDB work was interrupted and has stopped (emitted once DuckDB has returned). */
export interface QueryCancelledEvent {
  /** The request's id (as in request:start / request:end). */
  id: number;
  reason: 'timeout' | 'client-disconnected';
}

export interface MockSentinelEventMap {
  /** A query translated and handed to DuckDB (id: the request's). */
  'query:start': [{ id: number }];
  'query:cancelled': [QueryCancelledEvent];
  'request:start': [RequestStartEvent];
  'request:end': [RequestEndEvent];
  'rows:stored': [RowsStoredEvent];
  /** An analytic rule ran (once per workspace): rows returned, alerts raised, or its error. */
  'analytics:run': [RunOutcome];
  /** Retention deleted the rows ingested before `cutoff` (only with `retentionMs`). */
  'retention:purged': [{ cutoff: Date; rows: number }];
}

export type MockSentinelEvents = EventEmitter<MockSentinelEventMap>;

export function createEvents(): MockSentinelEvents {
  return new EventEmitter<MockSentinelEventMap>();
}
