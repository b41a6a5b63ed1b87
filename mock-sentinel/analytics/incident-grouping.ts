// Incidents from alerts, as a rule's incidentConfiguration says: one incident per alert, or alerts
// grouped into an open incident of the same rule raised within the lookback, matching all entities,
// any alert, or the selected entities / alert details / custom details. Every creation and every
// change appends a SecurityIncident row (the real table keeps one row per incident version).
import type { RaisedAlert } from './alert-builder.ts';
import { deterministicGuid } from './deterministic-id.ts';
import type { AnalyticRule, Severity } from './rule-model.ts';

export type IncidentStatus = 'New' | 'Active' | 'Closed';

export interface Incident {
  workspaceId: string;
  incidentNumber: number;
  incidentName: string;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  ruleIds: string[];
  alertIds: string[];
  tactics: string[];
  techniques: string[];
  firstActivityTime: Date;
  lastActivityTime: Date;
  createdTime: Date;
  lastModifiedTime: Date;
  closedTime: Date | undefined;
  /** What later alerts must match to join (the grouping signature of the first alert). */
  groupKey: string | undefined;
}

/** What an alert is grouped on, for its rule's matching method. */
function groupKey(rule: AnalyticRule, alert: RaisedAlert): string {
  const g = rule.grouping;
  const entityKeys = (types?: string[]) =>
    alert.entities
      .filter((e) => !types || types.includes(e.entityType))
      .map((e) => JSON.stringify(Object.entries(e.entity).sort()))
      .sort();
  switch (g.matchingMethod) {
    case 'AnyAlert':
      return '';
    case 'AllEntities':
      return JSON.stringify(entityKeys());
    case 'Selected':
      return JSON.stringify({
        entities: entityKeys(g.groupByEntities),
        details: g.groupByAlertDetails.map((d) => (d === 'DisplayName' ? alert.displayName : alert.severity)),
        custom: g.groupByCustomDetails.map((k) => alert.customDetails[k] ?? []),
      });
  }
}

export class IncidentBook {
  private readonly byWorkspace = new Map<string, Incident[]>();

  all(): Incident[] {
    return [...this.byWorkspace.values()].flat();
  }

  /** Retention: forgets incidents last modified before `cutoff` (their rows go with the tables'). */
  forgetBefore(cutoff: number): void {
    for (const [id, list] of this.byWorkspace) this.byWorkspace.set(id, list.filter((i) => i.lastModifiedTime.getTime() >= cutoff));
  }

  /**
   * Files `alert` (raised by `rule`) into an incident, creating one when none matches. Returns the
   * incident created or changed, or undefined when the rule creates no incidents.
   */
  file(rule: AnalyticRule, alert: RaisedAlert): Incident | undefined {
    if (!rule.createIncident) return undefined;
    const list = this.byWorkspace.get(alert.workspaceId) ?? [];
    this.byWorkspace.set(alert.workspaceId, list);
    const at = alert.timeGenerated;
    if (rule.grouping.enabled) {
      const key = groupKey(rule, alert);
      // The latest incident of this rule with the same key, created within the lookback.
      for (let i = list.length - 1; i >= 0; i--) {
        const incident = list[i]!;
        if (!incident.ruleIds.includes(rule.id) || incident.groupKey !== key) continue;
        if (at.getTime() - incident.createdTime.getTime() > rule.grouping.lookbackMs) continue;
        if (incident.status === 'Closed') {
          if (!rule.grouping.reopenClosedIncident) continue;
          incident.status = 'Active';
          incident.closedTime = undefined;
        }
        incident.alertIds.push(alert.systemAlertId);
        for (const t of alert.tactics) if (!incident.tactics.includes(t)) incident.tactics.push(t);
        for (const t of alert.techniques) if (!incident.techniques.includes(t)) incident.techniques.push(t);
        if (alert.startTime < incident.firstActivityTime) incident.firstActivityTime = alert.startTime;
        if (alert.endTime > incident.lastActivityTime) incident.lastActivityTime = alert.endTime;
        incident.lastModifiedTime = at;
        alert.incidentNumber = incident.incidentNumber;
        return incident;
      }
    }
    const incidentNumber = list.length + 1;
    const incident: Incident = {
      workspaceId: alert.workspaceId,
      incidentNumber,
      incidentName: deterministicGuid('incident', alert.workspaceId, String(incidentNumber)),
      title: alert.displayName,
      description: alert.description,
      severity: alert.severity,
      status: 'New',
      ruleIds: [rule.id],
      alertIds: [alert.systemAlertId],
      tactics: [...alert.tactics],
      techniques: [...alert.techniques],
      firstActivityTime: alert.startTime,
      lastActivityTime: alert.endTime,
      createdTime: at,
      lastModifiedTime: at,
      closedTime: undefined,
      groupKey: rule.grouping.enabled ? groupKey(rule, alert) : undefined,
    };
    list.push(incident);
    alert.incidentNumber = incidentNumber;
    return incident;
  }

  /** Closes an incident (the lab's stand-in for an analyst closing it); undefined when there is none. */
  close(workspaceId: string, incidentNumber: number, at: Date): Incident | undefined {
    const incident = this.byWorkspace.get(workspaceId)?.find((i) => i.incidentNumber === incidentNumber);
    if (!incident) return undefined;
    // Never before its last change: the admin clock and the analytics clock may differ (harness runs).
    const when = at > incident.lastModifiedTime ? at : incident.lastModifiedTime;
    incident.status = 'Closed';
    incident.closedTime = when;
    incident.lastModifiedTime = when;
    return incident;
  }
}

/** One SecurityIncident row: the incident as it is now. */
export function securityIncidentRow(incident: Incident, portalBase: string): Record<string, unknown> {
  return {
    TenantId: incident.workspaceId,
    TimeGenerated: incident.lastModifiedTime,
    IncidentName: incident.incidentName,
    Title: incident.title,
    Description: incident.description,
    Severity: incident.severity,
    Status: incident.status,
    Classification: '',
    ClassificationComment: '',
    ClassificationReason: '',
    Owner: { objectId: null, email: null, assignedTo: null, userPrincipalName: null },
    ProviderName: 'Azure Sentinel',
    ProviderIncidentId: String(incident.incidentNumber),
    FirstActivityTime: incident.firstActivityTime,
    LastActivityTime: incident.lastActivityTime,
    FirstModifiedTime: incident.createdTime,
    LastModifiedTime: incident.lastModifiedTime,
    CreatedTime: incident.createdTime,
    ClosedTime: incident.closedTime ?? null,
    IncidentNumber: incident.incidentNumber,
    RelatedAnalyticRuleIds: incident.ruleIds,
    AlertIds: incident.alertIds,
    BookmarkIds: [],
    Comments: [],
    Tasks: [],
    Labels: [],
    IncidentUrl: `${portalBase}/#asset/Microsoft_Azure_Security_Insights/Incident/${incident.incidentName}`,
    AdditionalData: {
      alertsCount: incident.alertIds.length,
      bookmarksCount: 0,
      commentsCount: 0,
      alertProductNames: ['Azure Sentinel'],
      tactics: incident.tactics,
      techniques: incident.techniques,
    },
    ModifiedBy: 'Microsoft Sentinel',
    SourceSystem: 'Azure',
    Type: 'SecurityIncident',
  };
}
