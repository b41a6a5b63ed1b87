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

  /**
   * Retention: forgets the alerts whose sort key (breach `time`, AI Analyst `createdAt`, email
   * `dtime`, system alert `last_updated`) is before `cutoff`, with their cached views and comments.
   * The API stops returning them, as an appliance does once its history rolls over. Returns how
   * many alerts were dropped.
   */
  pruneBefore(cutoff: number): number {
    let dropped = 0;
    for (const r of this.breaches.dropBefore(cutoff)) {
      this.breachByPbid.delete(r.alert.pbid);
      this.comments.delete(r.alert.pbid);
      dropped++;
    }
    // Indexed by creation time, which trails `time`: a breach leaves this index a little later.
    this.breachesByCreation.dropBefore(cutoff);
    for (const r of this.incidents.dropBefore(cutoff)) {
      this.incidentById.delete(r.alert.id);
      dropped++;
    }
    for (const r of this.emails.dropBefore(cutoff)) {
      this.emailByUuid.delete(r.alert.uuid);
      dropped++;
    }
    const keep = this.systemAlerts.findIndex((r) => r.key >= cutoff);
    const systemDropped = keep < 0 ? this.systemAlerts.length : keep;
    this.systemAlerts.splice(0, systemDropped);
    return dropped + systemDropped;
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
