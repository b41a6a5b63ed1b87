// Runs analytic rules on the workspace's clock and writes what they raise to SecurityAlert and
// SecurityIncident. A Scheduled rule runs every queryFrequency over TimeGenerated in the queryPeriod
// ending at the run time; an NRT rule runs every minute over the rows ingested since its last run
// (the store's ingestion-time cut). `runDue(T)` runs every run due up to T in time order, one at a
// time: the harness steps the clock with it; `clock: 'auto'` does the same on a timer with the
// mock's own clock (the CLI).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import type { WorkspaceStore } from '../persistence/workspaceStore.ts';
import { runKql } from '../query/engine.ts';
import { QueryError } from '../query/errors.ts';
import { tablesOfStore } from '../query/storeSchema.ts';
import { buildAlerts, securityAlertRow, triggers, type RaisedAlert, type RunWindow } from './alert-builder.ts';
import { SECURITY_ALERT, SECURITY_ALERT_COLUMNS, SECURITY_INCIDENT, SECURITY_INCIDENT_COLUMNS } from './analytics-tables.ts';
import { IncidentBook, securityIncidentRow, type Incident } from './incident-grouping.ts';
import type { AnalyticRule } from './rule-model.ts';

export interface AnalyticsOptions {
  /** The rules to run (load them with loadRuleFiles). */
  rules?: AnalyticRule[];
  /**
   * `auto` (default): a timer runs what is due on the mock's clock. `manual`: nothing runs until
   * runDue() or runRule() is called (the harness and tests drive the clock).
   */
  clock?: 'auto' | 'manual';
  /** Time of every rule's first run (default: the mock's clock when it starts listening). */
  start?: Date;
  /** How often the auto clock looks for due runs, in ms (default 1000). */
  tickMs?: number;
  /** Base of incident links (default the Azure portal). */
  portalBase?: string;
  /**
   * Most alerts one AlertPerResult run raises (default 150, Sentinel's limit). Scenario runs lift it,
   * so that how many alerts a rule raises does not depend on how landed rows fell into runs.
   */
  maxAlertsPerRun?: number;
}

export interface RunOutcome {
  ruleId: string;
  at: string;
  workspaceId: string;
  /** Rows the query returned (0 when it failed or the run was suppressed). */
  rows: number;
  alerts: number;
  suppressed: boolean;
  error?: string;
}

export interface RuleStatus {
  id: string;
  name: string;
  kind: AnalyticRule['kind'];
  enabled: boolean;
  severity: AnalyticRule['severity'];
  source: string;
  queryFrequency: number;
  queryPeriod: number;
  lastRun: string | null;
  nextRun: string | null;
  lastRunRows: number | null;
  runs: number;
  alertsRaised: number;
  incidentsCreated: number;
  suppressedUntil: string | null;
  lastError: string | null;
}

interface RuleState {
  rule: AnalyticRule;
  nextRun: number | undefined;
  lastRun: number | undefined;
  lastRows: number | null;
  runs: number;
  alertsRaised: number;
  incidentsCreated: number;
  suppressedUntil: number;
  lastError: string | null;
  /** NRT: the ingestion cut of the last run; rows ingested after it are next. */
  ingestedThrough: Date;
}

export interface AnalyticsHost {
  store(): WorkspaceStore;
  workspaceIds(): string[];
  now(): Date;
  logger: Logger;
  /** Called after every run (tests and the harness wait on this event). */
  onRun(outcome: RunOutcome): void;
}

export class AnalyticsEngine {
  private readonly states: RuleState[];
  private readonly book = new IncidentBook();
  private raised: RaisedAlert[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly clockMode: 'auto' | 'manual';
  /** The engine's own read connection, per store (queries on the shared one would interleave with others'). */
  private reader: { store: WorkspaceStore; connection: DuckDBConnection } | undefined;

  constructor(
    private readonly host: AnalyticsHost,
    private readonly options: AnalyticsOptions = {},
  ) {
    this.clockMode = options.clock ?? 'auto';
    this.states = (options.rules ?? []).map((rule) => ({
      rule,
      nextRun: undefined,
      lastRun: undefined,
      lastRows: null,
      runs: 0,
      alertsRaised: 0,
      incidentsCreated: 0,
      suppressedUntil: 0,
      lastError: null,
      ingestedThrough: new Date(0),
    }));
  }

  get ruleCount(): number {
    return this.states.length;
  }

  /** Seats the first runs (at `start`, default now) and, with the auto clock, starts the timer. */
  start(): void {
    const first = (this.options.start ?? this.host.now()).getTime();
    for (const s of this.states) s.nextRun ??= s.rule.enabled ? first : undefined;
    if (this.clockMode === 'auto' && this.states.length && !this.timer) {
      this.timer = setInterval(() => void this.runDue(this.host.now()).catch(() => undefined), this.options.tickMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Stops the timer and waits for the run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => undefined);
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job, job);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Runs every run due at or before `until`, earliest first (ties in rule order). */
  runDue(until: Date): Promise<RunOutcome[]> {
    return this.serial(async () => {
      const outcomes: RunOutcome[] = [];
      const limit = until.getTime();
      for (;;) {
        let due: RuleState | undefined;
        for (const s of this.states) {
          if (s.nextRun !== undefined && s.nextRun <= limit && (!due || s.nextRun < due.nextRun!)) due = s;
        }
        if (!due) return outcomes;
        const at = due.nextRun!;
        due.nextRun = at + due.rule.queryFrequencyMs;
        outcomes.push(...(await this.runAt(due, at)));
      }
    });
  }

  /** Runs one rule now (or at `at`), outside its schedule; undefined for an unknown id. */
  runRule(id: string, at?: Date): Promise<RunOutcome[]> | undefined {
    const state = this.find(id);
    if (!state) return undefined;
    return this.serial(() => this.runAt(state, (at ?? this.host.now()).getTime()));
  }

  private find(id: string): RuleState | undefined {
    const key = id.toLowerCase();
    return this.states.find((s) => s.rule.id.toLowerCase() === key);
  }

  hasRule(id: string): boolean {
    return this.find(id) !== undefined;
  }

  private async runAt(state: RuleState, at: number): Promise<RunOutcome[]> {
    const { rule } = state;
    const previous = state.lastRun;
    state.lastRun = at;
    state.runs++;
    const store = this.host.store();
    if (this.reader?.store !== store) this.reader = { store, connection: await store.openReader() };
    const connection = this.reader.connection;
    const atDate = new Date(at);
    const outcomes: RunOutcome[] = [];
    // NRT: the rows ingested since the last run, cut once for every workspace.
    const cut = rule.kind === 'NRT' ? await store.ingestionCut() : undefined;
    if (at < state.suppressedUntil) {
      // Suppressed: the query does not run. An NRT rule's rows of this time are passed over, not saved up.
      if (cut) state.ingestedThrough = cut;
      state.lastRows = 0;
      for (const workspaceId of this.host.workspaceIds()) {
        const outcome = { ruleId: rule.id, at: atDate.toISOString(), workspaceId, rows: 0, alerts: 0, suppressed: true };
        outcomes.push(outcome);
        this.host.onRun(outcome);
      }
      return outcomes;
    }
    const windowStart = rule.kind === 'NRT' ? new Date(previous ?? at - rule.queryFrequencyMs) : new Date(at - rule.queryPeriodMs);
    const errors: string[] = [];
    let rowsTotal = 0;
    let raisedAny = false;
    for (const workspaceId of this.host.workspaceIds()) {
      const window: RunWindow = { workspaceId, at: atDate, start: windowStart, end: atDate };
      const outcome: RunOutcome = { ruleId: rule.id, at: atDate.toISOString(), workspaceId, rows: 0, alerts: 0, suppressed: false };
      try {
        const result = await runKql(
          connection,
          rule.kind === 'NRT'
            ? { query: rule.query, workspaceId }
            : { query: rule.query, workspaceId, timespan: `${windowStart.toISOString()}/${atDate.toISOString()}` },
          { now: atDate, tables: tablesOfStore(store), ...(cut ? { ingested: { after: state.ingestedThrough, through: cut } } : {}) },
        );
        const table = result.tables[0]!;
        outcome.rows = table.rows.length;
        rowsTotal += table.rows.length;
        if (triggers(rule, table.rows.length)) {
          const alerts = buildAlerts(rule, table, window, this.options.maxAlertsPerRun);
          await this.record(rule, state, alerts);
          outcome.alerts = alerts.length;
          raisedAny ||= alerts.length > 0;
        }
      } catch (err) {
        const message = err instanceof QueryError ? err.message : `${(err as Error).message}`;
        outcome.error = message;
        errors.push(message);
        this.host.logger.warn({ rule: rule.id, err: message }, 'analytic rule run failed');
      }
      outcomes.push(outcome);
      this.host.onRun(outcome);
    }
    // A failed NRT run keeps its rows for the next run.
    if (cut && errors.length === 0) state.ingestedThrough = cut;
    state.lastRows = rowsTotal;
    state.lastError = errors[0] ?? null;
    if (raisedAny && rule.suppressionEnabled) state.suppressedUntil = at + rule.suppressionDurationMs;
    return outcomes;
  }

  private async record(rule: AnalyticRule, state: RuleState, alerts: RaisedAlert[]): Promise<void> {
    if (!alerts.length) return;
    const store = this.host.store();
    const changed = new Set<Incident>();
    const incidentRows: Record<string, unknown>[] = [];
    for (const alert of alerts) {
      const before = this.book.all().length;
      const incident = this.book.file(rule, alert);
      if (incident) {
        if (this.book.all().length > before) state.incidentsCreated++;
        changed.add(incident);
      }
    }
    const portal = this.options.portalBase ?? 'https://portal.azure.com';
    for (const incident of changed) incidentRows.push(securityIncidentRow(incident, portal));
    await store.ensureTable(SECURITY_ALERT, SECURITY_ALERT_COLUMNS);
    await store.insertRows(SECURITY_ALERT, alerts.map(securityAlertRow));
    if (incidentRows.length) {
      await store.ensureTable(SECURITY_INCIDENT, SECURITY_INCIDENT_COLUMNS);
      await store.insertRows(SECURITY_INCIDENT, incidentRows);
    }
    this.raised.push(...alerts);
    state.alertsRaised += alerts.length;
  }

  /** Closes an incident and appends its new version; false when there is none. */
  closeIncident(workspaceId: string, incidentNumber: number): Promise<Incident | undefined> {
    return this.serial(async () => {
      const incident = this.book.close(workspaceId, incidentNumber, this.host.now());
      if (!incident) return undefined;
      const store = this.host.store();
      await store.ensureTable(SECURITY_INCIDENT, SECURITY_INCIDENT_COLUMNS);
      await store.insertRows(SECURITY_INCIDENT, [securityIncidentRow(incident, this.options.portalBase ?? 'https://portal.azure.com')]);
      return incident;
    });
  }

  rules(): RuleStatus[] {
    const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
    return this.states.map((s) => ({
      id: s.rule.id,
      name: s.rule.name,
      kind: s.rule.kind,
      enabled: s.rule.enabled,
      severity: s.rule.severity,
      source: s.rule.source,
      queryFrequency: s.rule.queryFrequencyMs,
      queryPeriod: s.rule.queryPeriodMs,
      lastRun: iso(s.lastRun),
      nextRun: iso(s.nextRun),
      lastRunRows: s.lastRows,
      runs: s.runs,
      alertsRaised: s.alertsRaised,
      incidentsCreated: s.incidentsCreated,
      suppressedUntil: s.suppressedUntil ? new Date(s.suppressedUntil).toISOString() : null,
      lastError: s.lastError,
    }));
  }

  /** Retention: forgets alerts raised and incidents last changed before `cutoff` (epoch ms). */
  forgetBefore(cutoff: number): void {
    this.raised = this.raised.filter((a) => a.timeGenerated.getTime() >= cutoff);
    this.book.forgetBefore(cutoff);
  }

  alerts(): RaisedAlert[] {
    return this.raised.slice();
  }

  incidents(): Incident[] {
    return this.book.all();
  }

  /** Latest scheduled run time across rules (undefined when none is scheduled). */
  nextRunTime(): Date | undefined {
    const times = this.states.map((s) => s.nextRun).filter((t): t is number => t !== undefined);
    return times.length ? new Date(Math.min(...times)) : undefined;
  }
}
