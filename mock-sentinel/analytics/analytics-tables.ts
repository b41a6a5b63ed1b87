// The two tables analytic rules write, with the real tables' column names and types (Azure Monitor
// table reference: SecurityAlert, SecurityIncident). Columns the lab never fills stay null; JSON
// values are text in SecurityAlert (its Entities and ExtendedProperties are string columns) and
// dynamic in SecurityIncident (AlertIds, Labels, …), as in the real tables.
import type { ColumnDef } from '../persistence/columnTypes.ts';

export const SECURITY_ALERT = 'SecurityAlert';
export const SECURITY_INCIDENT = 'SecurityIncident';

const s = (name: string): ColumnDef => ({ name, type: 'string' });
const t = (name: string): ColumnDef => ({ name, type: 'datetime' });

export const SECURITY_ALERT_COLUMNS: ColumnDef[] = [
  { name: 'TenantId', type: 'guid' },
  t('TimeGenerated'),
  s('DisplayName'),
  s('AlertName'),
  s('AlertSeverity'),
  s('Description'),
  s('ProviderName'),
  s('VendorName'),
  s('VendorOriginalId'),
  s('SystemAlertId'),
  s('ResourceId'),
  s('SourceComputerId'),
  s('AlertType'),
  s('ConfidenceLevel'),
  { name: 'ConfidenceScore', type: 'double' },
  { name: 'IsIncident', type: 'boolean' },
  t('StartTime'),
  t('EndTime'),
  t('ProcessingEndTime'),
  s('RemediationSteps'),
  s('ExtendedProperties'),
  s('Entities'),
  s('SourceSystem'),
  s('WorkspaceSubscriptionId'),
  s('WorkspaceResourceGroup'),
  s('ExtendedLinks'),
  s('ProductName'),
  s('ProductComponentName'),
  s('AlertLink'),
  s('Status'),
  s('CompromisedEntity'),
  s('Tactics'),
  s('Techniques'),
  s('SubTechniques'),
  s('Type'),
];

export const SECURITY_INCIDENT_COLUMNS: ColumnDef[] = [
  { name: 'TenantId', type: 'guid' },
  t('TimeGenerated'),
  s('IncidentName'),
  s('Title'),
  s('Description'),
  s('Severity'),
  s('Status'),
  s('Classification'),
  s('ClassificationComment'),
  s('ClassificationReason'),
  { name: 'Owner', type: 'dynamic' },
  s('ProviderName'),
  s('ProviderIncidentId'),
  t('FirstActivityTime'),
  t('LastActivityTime'),
  t('FirstModifiedTime'),
  t('LastModifiedTime'),
  t('CreatedTime'),
  t('ClosedTime'),
  { name: 'IncidentNumber', type: 'int' },
  { name: 'RelatedAnalyticRuleIds', type: 'dynamic' },
  { name: 'AlertIds', type: 'dynamic' },
  { name: 'BookmarkIds', type: 'dynamic' },
  { name: 'Comments', type: 'dynamic' },
  { name: 'Tasks', type: 'dynamic' },
  { name: 'Labels', type: 'dynamic' },
  s('IncidentUrl'),
  { name: 'AdditionalData', type: 'dynamic' },
  s('ModifiedBy'),
  s('SourceSystem'),
  s('Type'),
];
