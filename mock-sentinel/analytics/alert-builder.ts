// Query results → Sentinel alerts, as a Scheduled/NRT rule raises them: one alert for all rows
// (SingleAlert) or one per row (AlertPerResult), with the rule's entity mappings, custom details and
// alert details override applied. The shape follows SecurityAlert rows of scheduled analytics.
import { ENTITY_TYPES, entityProperties } from './entity-types.ts';
import { deterministicGuid } from './deterministic-id.ts';
import { isoDuration } from './rule-duration.ts';
import { SEVERITIES, TACTICS, type AnalyticRule, type Severity } from './rule-model.ts';

/** Most alerts one run raises with AlertPerResult (Sentinel's documented limit). */
export const MAX_ALERTS_PER_RUN = 150;
const MAX_DISPLAY_NAME = 256;
const MAX_DESCRIPTION = 5000;
const OPERATOR_NAMES = { gt: 'GreaterThan', lt: 'LessThan', eq: 'Equal', ne: 'NotEqual' } as const;

export interface Entity {
  Type: string;
  [property: string]: string;
}

export interface RaisedAlert {
  workspaceId: string;
  ruleId: string;
  ruleName: string;
  systemAlertId: string;
  timeGenerated: Date;
  displayName: string;
  description: string;
  severity: Severity;
  startTime: Date;
  endTime: Date;
  providerName: string;
  productName: string;
  productComponentName: string;
  alertLink: string;
  confidenceLevel: string;
  confidenceScore: number | null;
  remediationSteps: string;
  extendedLinks: string;
  tactics: string[];
  techniques: string[];
  subTechniques: string[];
  /** Entity type in the rule's terms (Host, IP, …) and the entity as Entities shows it (without $id). */
  entities: { entityType: string; entity: Entity }[];
  customDetails: Record<string, string[]>;
  compromisedEntity: string;
  extendedProperties: Record<string, string>;
  /** Incident it was grouped into, once known. */
  incidentNumber?: number;
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export interface RunWindow {
  workspaceId: string;
  /** The scheduled run time (the alert's TimeGenerated). */
  at: Date;
  /** The query window: TimeGenerated for Scheduled rules, the previous run time for NRT. */
  start: Date;
  end: Date;
}

/** A column value as alert text: '' for null, JSON for objects, the value otherwise. */
function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

type Row = Map<string, unknown>;

function fill(format: string, row: Row): string {
  return format.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_m, column: string) => text(row.get(column)));
}

function severityOf(value: unknown): Severity | undefined {
  const v = text(value).trim().toLowerCase();
  return SEVERITIES.find((s) => s.toLowerCase() === v);
}

/** A list from a column: a JSON array (text or value) or comma-separated text. */
function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter(Boolean);
  const t = text(value).trim();
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed.map(text).filter(Boolean);
    } catch {
      // not JSON: read as a comma-separated list
    }
  }
  return t.split(',').map((s) => s.trim()).filter(Boolean);
}

function entitiesOf(rule: AnalyticRule, rows: readonly Row[]): RaisedAlert['entities'] {
  const out: RaisedAlert['entities'] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const mapping of rule.entityMappings) {
      const identifiers: Record<string, string> = {};
      for (const field of mapping.fieldMappings) {
        const v = text(row.get(field.columnName));
        if (v !== '') identifiers[field.identifier] = v;
      }
      // An entity with no identifier value is dropped, as Sentinel does.
      if (Object.keys(identifiers).length === 0) continue;
      const entity: Entity = { ...entityProperties(mapping.entityType, identifiers), Type: ENTITY_TYPES[mapping.entityType]!.jsonType };
      const key = JSON.stringify(Object.entries(entity).sort());
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ entityType: mapping.entityType, entity });
    }
  }
  return out;
}

function customDetailsOf(rule: AnalyticRule, rows: readonly Row[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, column] of Object.entries(rule.customDetails)) {
    const values: string[] = [];
    for (const row of rows) {
      const v = text(row.get(column));
      if (v !== '' && !values.includes(v)) values.push(v);
    }
    if (values.length) out[key] = values;
  }
  return out;
}

function timeSpan(rows: readonly Row[], window: RunWindow): { start: Date; end: Date } {
  let min = Infinity;
  let max = -Infinity;
  for (const row of rows) {
    const t = Date.parse(text(row.get('TimeGenerated')));
    if (Number.isFinite(t)) {
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
  }
  return Number.isFinite(min) ? { start: new Date(min), end: new Date(max) } : { start: window.start, end: window.end };
}

function compromisedEntityOf(entities: RaisedAlert['entities']): string {
  const host = entities.find((e) => e.entityType === 'Host');
  if (host) return host.entity.DnsDomain ? `${host.entity.HostName}.${host.entity.DnsDomain}` : (host.entity.HostName ?? host.entity.NetBiosName ?? '');
  const account = entities.find((e) => e.entityType === 'Account');
  return account ? (account.entity.Name ?? '') : '';
}

function queryTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Whether `count` result rows fire the rule's trigger. */
export function triggers(rule: AnalyticRule, count: number): boolean {
  switch (rule.triggerOperator) {
    case 'gt':
      return count > rule.triggerThreshold;
    case 'lt':
      return count < rule.triggerThreshold;
    case 'eq':
      return count === rule.triggerThreshold;
    case 'ne':
      return count !== rule.triggerThreshold;
  }
}

/** The alerts one run raises from its result (the caller has checked the trigger). */
export function buildAlerts(rule: AnalyticRule, result: QueryResult, window: RunWindow, maxAlerts = MAX_ALERTS_PER_RUN): RaisedAlert[] {
  const rows: Row[] = result.rows.map((values) => new Map(result.columns.map((c, i) => [c.name, values[i]])));
  const groups = rule.aggregationKind === 'AlertPerResult' ? rows.slice(0, maxAlerts).map((r) => [r]) : [rows];
  const correlationId = deterministicGuid('run', window.workspaceId, rule.id, window.at.toISOString());
  return groups.map((group, index) => {
    const first = group[0] ?? new Map<string, unknown>();
    const o = rule.alertDetailsOverride;
    const dynamic = new Map(o.alertDynamicProperties.map((p) => [p.alertProperty, first.get(p.value)]));
    let severity = rule.severity;
    const fromColumn = o.alertSeverityColumnName ? severityOf(first.get(o.alertSeverityColumnName)) : undefined;
    const fromDynamic = dynamic.has('Severity') ? severityOf(dynamic.get('Severity')) : undefined;
    severity = fromColumn ?? fromDynamic ?? severity;
    let tactics = rule.tactics;
    if (o.alertTacticsColumnName) {
      const listed = listOf(first.get(o.alertTacticsColumnName)).filter((t) => TACTICS.includes(t));
      if (listed.length) tactics = listed;
    }
    const techniques = dynamic.has('Techniques') ? listOf(dynamic.get('Techniques')) : rule.techniques;
    const entities = entitiesOf(rule, group);
    const customDetails = customDetailsOf(rule, group);
    const span = timeSpan(group, window);
    const displayName = (o.alertDisplayNameFormat ? fill(o.alertDisplayNameFormat, first) : rule.name).trim().slice(0, MAX_DISPLAY_NAME) || rule.name;
    const description = (o.alertDescriptionFormat ? fill(o.alertDescriptionFormat, first) : rule.description).slice(0, MAX_DESCRIPTION);
    const dyn = (name: string, fallback: string) => (dynamic.has(name as never) && text(dynamic.get(name as never)) !== '' ? text(dynamic.get(name as never)) : fallback);
    const score = Number(text(dynamic.get('ConfidenceScore')));
    const extendedProperties: Record<string, string> = {
      'Query Period': isoDuration(rule.queryPeriodMs),
      'Trigger Operator': OPERATOR_NAMES[rule.triggerOperator],
      'Trigger Threshold': String(rule.triggerThreshold),
      'Correlation Id': correlationId,
      'Search Query Results Overall Count': String(rows.length),
      Query: rule.query,
      'Query Start Time UTC': queryTime(window.start),
      'Query End Time UTC': queryTime(window.end),
      'Analytic Rule Ids': JSON.stringify([rule.id]),
      'Event Grouping': rule.aggregationKind,
      'Analytic Rule Name': rule.name,
      ProcessedBySentinel: 'True',
      'Alert generation status': rows.length > maxAlerts && rule.aggregationKind === 'AlertPerResult' ? `Alerts limited to ${maxAlerts}` : 'Full alert created',
    };
    if (Object.keys(customDetails).length) extendedProperties['Custom Details'] = JSON.stringify(customDetails);
    return {
      workspaceId: window.workspaceId,
      ruleId: rule.id,
      ruleName: rule.name,
      systemAlertId: deterministicGuid('alert', window.workspaceId, rule.id, window.at.toISOString(), String(index)),
      timeGenerated: window.at,
      displayName,
      description,
      severity,
      startTime: span.start,
      endTime: span.end,
      providerName: dyn('ProviderName', 'ASI Scheduled Alerts'),
      productName: dyn('ProductName', 'Azure Sentinel'),
      productComponentName: dyn('ProductComponentName', rule.kind === 'NRT' ? 'NRT Alerts' : 'Scheduled Alerts'),
      alertLink: dyn('AlertLink', ''),
      confidenceLevel: dyn('ConfidenceLevel', ''),
      confidenceScore: dynamic.has('ConfidenceScore') && Number.isFinite(score) ? score : null,
      remediationSteps: dyn('RemediationSteps', ''),
      extendedLinks: dyn('ExtendedLinks', ''),
      tactics,
      techniques,
      subTechniques: dynamic.has('SubTechniques') ? listOf(dynamic.get('SubTechniques')) : [],
      entities,
      customDetails,
      compromisedEntity: compromisedEntityOf(entities),
      extendedProperties,
    };
  });
}

/** Entities as SecurityAlert.Entities holds them: a JSON array, each with its `$id`. */
export function entitiesJson(alert: RaisedAlert): string {
  return JSON.stringify(alert.entities.map((e, i) => ({ $id: String(i + 2), ...e.entity })));
}

/** The SecurityAlert row of an alert. */
export function securityAlertRow(alert: RaisedAlert): Record<string, unknown> {
  return {
    TenantId: alert.workspaceId,
    TimeGenerated: alert.timeGenerated,
    DisplayName: alert.displayName,
    AlertName: alert.ruleName,
    AlertSeverity: alert.severity,
    Description: alert.description,
    ProviderName: alert.providerName,
    VendorName: 'Microsoft',
    VendorOriginalId: alert.extendedProperties['Correlation Id'],
    SystemAlertId: alert.systemAlertId,
    ResourceId: '',
    SourceComputerId: '',
    AlertType: `${alert.workspaceId}_${alert.ruleId}`,
    ConfidenceLevel: alert.confidenceLevel,
    ConfidenceScore: alert.confidenceScore,
    IsIncident: false,
    StartTime: alert.startTime,
    EndTime: alert.endTime,
    ProcessingEndTime: alert.timeGenerated,
    RemediationSteps: alert.remediationSteps,
    ExtendedProperties: JSON.stringify(alert.extendedProperties),
    Entities: entitiesJson(alert),
    SourceSystem: 'Detection',
    WorkspaceSubscriptionId: '',
    WorkspaceResourceGroup: '',
    ExtendedLinks: alert.extendedLinks,
    ProductName: alert.productName,
    ProductComponentName: alert.productComponentName,
    AlertLink: alert.alertLink,
    Status: 'New',
    CompromisedEntity: alert.compromisedEntity,
    Tactics: alert.tactics.join(', '),
    Techniques: alert.techniques.length ? JSON.stringify(alert.techniques) : '',
    SubTechniques: alert.subTechniques.length ? JSON.stringify(alert.subTechniques) : '',
    Type: 'SecurityAlert',
  };
}
