// What every router of one mock instance shares: the store, workspaces, clock, fault engine, audit
// log, events and logger. Routers receive it at build time and read `store` per request.
import type { Logger } from 'pino';
import type { AnalyticsEngine } from './analytics/analytics-engine.ts';
import { AuditLog } from './audit/auditLog.ts';
import { WorkspaceRegistry } from './authentication/workspaces.ts';
import type { DataCollectorPolicy, MockSentinelOptions } from './config.ts';
import type { MockSentinelEvents } from './events.ts';
import { FaultEngine } from './faults/faultEngine.ts';
import type { WorkspaceStore } from './persistence/workspaceStore.ts';
import { DEFAULT_UNREAD_BODY_LIMITS, type UnreadBodyLimits } from './middlewares/discard-unread-body.ts';

export class LabContext {
  private storeRef: WorkspaceStore | undefined;
  private lastRequestId = 0;
  /** Bounds on discarding the rest of a body answered before it was read (MockSentinelOptions.unreadBody). */
  readonly unreadBodyLimits: UnreadBodyLimits;
  /** The analytic rules engine (set once by createMockSentinel). */
  analytics!: AnalyticsEngine;

  constructor(
    readonly options: Readonly<MockSentinelOptions>,
    readonly workspaces: WorkspaceRegistry,
    readonly dataCollectorPolicy: DataCollectorPolicy,
    readonly faults: FaultEngine,
    readonly audit: AuditLog,
    readonly events: MockSentinelEvents,
    readonly logger: Logger,
    readonly now: () => Date,
    readonly preferHeaderFaults: boolean,
  ) {
    this.unreadBodyLimits = { ...DEFAULT_UNREAD_BODY_LIMITS, ...options.unreadBody };
  }

  get store(): WorkspaceStore {
    if (!this.storeRef) throw new Error('the workspace store is not open (call listen() first)');
    return this.storeRef;
  }

  attachStore(store: WorkspaceStore | undefined): void {
    this.storeRef = store;
  }

  nextRequestId(): number {
    return ++this.lastRequestId;
  }
}
