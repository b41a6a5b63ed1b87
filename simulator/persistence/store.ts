// In-memory alert store: per type, time-sorted indexes for window queries and maps for lookups;
// plus the mutable state the API changes (acknowledgements, comments, pins, held emails) and the
// probe state `/status` reports.
import type { EmailAlert, IncidentEvent, ModelBreach, SystemAlert } from '../types.ts';
import { TimeIndex, type Stored } from './timeIndex.ts';

export interface BreachComment {
  time: number;
  message: string;
  username: string;
  pbid: number;
}

export class AlertStore {
  /** Breaches by first-activity `time` (the default window semantics). */
  readonly breaches = new TimeIndex<ModelBreach>();
  /** The same records by `creationTime` (creationtime=true). */
  readonly breachesByCreation = new TimeIndex<ModelBreach>((r) => r.alert.creationTime);
  readonly breachByPbid = new Map<number, Stored<ModelBreach>>();
  readonly comments = new Map<number, BreachComment[]>();

  readonly incidents = new TimeIndex<IncidentEvent>();
  readonly incidentById = new Map<string, Stored<IncidentEvent>>();

  readonly emails = new TimeIndex<EmailAlert>();
  readonly emailByUuid = new Map<string, Stored<EmailAlert>>();

  readonly systemAlerts: Stored<SystemAlert>[] = [];
  /** Probe id → the time it went into error (absent when healthy). */
  readonly probeErrors = new Map<number, number>();

  addBreach(alert: ModelBreach, seq: number): void {
    const record: Stored<ModelBreach> = { alert, key: alert.time, seq };
    this.breaches.insert(record);
    this.breachesByCreation.insert(record);
    this.breachByPbid.set(alert.pbid, record);
  }

  addIncident(alert: IncidentEvent, seq: number): void {
    const record: Stored<IncidentEvent> = { alert, key: alert.createdAt, seq };
    this.incidents.insert(record);
    this.incidentById.set(alert.id, record);
  }

  addEmail(alert: EmailAlert, seq: number): void {
    const record: Stored<EmailAlert> = { alert, key: alert.dtime_unix, seq };
    this.emails.insert(record);
    this.emailByUuid.set(alert.uuid, record);
  }

  addSystemAlert(alert: SystemAlert, seq: number): void {
    this.systemAlerts.push({ alert, key: alert.last_updated * 1000, seq });
  }

  /** Drops cached views of a breach after it changed. */
  touchBreach(pbid: number): void {
    const record = this.breachByPbid.get(pbid);
    if (record) record.views = undefined;
  }

  touchIncident(id: string): void {
    const record = this.incidentById.get(id);
    if (record) record.views = undefined;
  }
}
