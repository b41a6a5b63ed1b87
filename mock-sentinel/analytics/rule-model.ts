// An analytic rule as the lab runs it: the Azure-Sentinel YAML, validated and normalised by
// load-rules.ts (durations in ms, defaults filled in).
export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** MITRE ATT&CK tactics as Sentinel names them (Enterprise and ICS). */
export const TACTICS: readonly string[] = [
  'Reconnaissance', 'ResourceDevelopment', 'InitialAccess', 'Execution', 'Persistence', 'PrivilegeEscalation',
  'DefenseEvasion', 'CredentialAccess', 'Discovery', 'LateralMovement', 'Collection', 'CommandAndControl',
  'Exfiltration', 'Impact', 'PreAttack', 'ImpairProcessControl', 'InhibitResponseFunction',
];

export const TRIGGER_OPERATORS = ['gt', 'lt', 'eq', 'ne'] as const;
export type TriggerOperator = (typeof TRIGGER_OPERATORS)[number];

export const MATCHING_METHODS = ['AllEntities', 'AnyAlert', 'Selected'] as const;
export type MatchingMethod = (typeof MATCHING_METHODS)[number];

/** Alert properties `alertDynamicProperties` may set from a column. */
export const DYNAMIC_ALERT_PROPERTIES = [
  'AlertLink',
  'ConfidenceLevel',
  'ConfidenceScore',
  'ExtendedLinks',
  'ProductComponentName',
  'ProductName',
  'ProviderName',
  'RemediationSteps',
  'Severity',
  'SubTechniques',
  'Techniques',
] as const;
export type DynamicAlertProperty = (typeof DYNAMIC_ALERT_PROPERTIES)[number];

export interface EntityMapping {
  entityType: string;
  fieldMappings: { identifier: string; columnName: string }[];
}

export interface GroupingConfiguration {
  enabled: boolean;
  reopenClosedIncident: boolean;
  lookbackMs: number;
  matchingMethod: MatchingMethod;
  /** Entity types whose entities must match (Selected). */
  groupByEntities: string[];
  /** `DisplayName`, `Severity` (Selected). */
  groupByAlertDetails: string[];
  /** Custom-detail keys whose values must match (Selected). */
  groupByCustomDetails: string[];
}

export interface AnalyticRule {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  kind: 'Scheduled' | 'NRT';
  query: string;
  /** Scheduled: how often it runs; NRT: every minute. */
  queryFrequencyMs: number;
  /** Scheduled: the TimeGenerated window ending at the run time. NRT: unused (rows ingested since the last run). */
  queryPeriodMs: number;
  triggerOperator: TriggerOperator;
  triggerThreshold: number;
  aggregationKind: 'SingleAlert' | 'AlertPerResult';
  entityMappings: EntityMapping[];
  /** Custom detail key → result column. */
  customDetails: Record<string, string>;
  alertDetailsOverride: {
    alertDisplayNameFormat?: string;
    alertDescriptionFormat?: string;
    alertSeverityColumnName?: string;
    alertTacticsColumnName?: string;
    alertDynamicProperties: { alertProperty: DynamicAlertProperty; value: string }[];
  };
  createIncident: boolean;
  grouping: GroupingConfiguration;
  suppressionEnabled: boolean;
  suppressionDurationMs: number;
  tactics: string[];
  techniques: string[];
  enabled: boolean;
  /** Where the rule came from (file path, or `inline`). */
  source: string;
}
