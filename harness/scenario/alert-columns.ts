// Which tables and columns the alert types of a run can produce, for the checks that warn about a
// query on a column nothing in the run writes. The legacy table's columns per alert type are those of
// sentinel-table.md §4a–4e ("Also in" included; the KV-only columns of §4f belong to no type), typed
// from darktrace-columns.json (the spec's machine-readable list); the Logs Ingestion tables' columns
// are the shipped DCR's, read through the mock's own DCR loader.
import { readFileSync } from 'node:fs';
import { DEFAULT_DCR_FILE } from '../../mock-sentinel/logs-ingestion/dcr/dcr-registry.ts';
import { loadDcrFileSync } from '../../mock-sentinel/logs-ingestion/dcr/load-dcr.ts';
import { flowOutputColumns } from '../../mock-sentinel/logs-ingestion/rows/shape-records.ts';
import { DCR_STANDARD_COLUMNS } from '../../mock-sentinel/logs-ingestion/persistence/store-output-rows.ts';
import { DATA_COLLECTOR_STANDARD_COLUMNS } from '../../mock-sentinel/ingestion/ingestRecords.ts';
import { SECURITY_ALERT, SECURITY_ALERT_COLUMNS, SECURITY_INCIDENT, SECURITY_INCIDENT_COLUMNS } from '../../mock-sentinel/analytics/analytics-tables.ts';
import type { TableSchema } from '../../mock-sentinel/query/parser.ts';
import type { KustoType } from '../../mock-sentinel/query/types.ts';
import type { AlertType } from './types.ts';

export const LEGACY_TABLE = 'darktrace_model_alerts_CL';

/** The Logs Ingestion table of each alert type (sentinel-table.md §8), and of the activity streams. */
export const TYPE_STREAM_TABLE: Record<AlertType, string> = {
  modelBreach: 'DarktraceModelAlerts_CL',
  aiAnalyst: 'DarktraceIncidents_CL',
  systemAlert: 'DarktraceSystemStatusAlerts_CL',
  email: 'DarktraceEMAIL_CL',
};

export type Sink = 'dataCollector' | 'logsIngestion';

// alertTime_t: the connector names alertTime as time-generated-field, and the field also lands as its own column.
const SHARED = ['TimeGenerated', 'dtProduct_s', 'alertTime_t'];

/** sentinel-table.md §4b–4e, each type with the columns other sections say it also fills. */
export const LEGACY_COLUMNS_BY_TYPE: Record<AlertType, readonly string[]> = {
  modelBreach: [
    ...SHARED, 'modelName_s', 'score_d', 'breachTime_s', 'pid_d', 'threatID_d', 'SourceIP', 'sourceHost_s', 'sourceMac_s', 'sourcePort_s',
    'destIP_s', 'destPort_s', 'destHost_s', 'destMac_s', 'hostname_s', 'typeLabel_s', 'triggeredComponents_s', 'details_s', 'description_s',
    'breachUrl_s', 'mitreTechniques_s', 'tags_s', 'Message', 'Category', 'compliance_b', 'cSensor_b', 'cSensorID_s', 'cSensorID_g',
    'antigena_b', 'deviceId_d', 'sid_d', 'uuid_g', 'longitude_d', 'latitude_d', 'blocked_b',
  ],
  aiAnalyst: [
    ...SHARED, 'startTime_s', 'endTime_s', 'title_s', 'externalId_g', 'url_s', 'summary_s', 'groupScore_d', 'groupCategory_s', 'bestDeviceName_s',
    'deviceIP_s', 'identifier_s', 'activityId_s', 'groupingId_s', 'groupByActivity_b', 'summaryFirstSentence_s', 'newEvent_b', 'currentGroup_s',
    'groupPreviousGroups_s', 'time_s', 'Severity', 'mac_s', 'score_d', 'hostname_s', 'longitude_d', 'latitude_d',
  ],
  systemAlert: [
    ...SHARED, 'friendlyName_s', 'priority_code_d', 'priority_s', 'name_s', 'status_s', 'hostname_s', 'deviceIP_s', 'url_s', 'time_s', 'uuid_g',
    'Message', 'Severity',
  ],
  email: [
    ...SHARED, 'actions_s', 'anomaly_score_d', 'attachment_sha1s_s', 'direction_s', 'from_s', 'link_hosts_s', 'recipients_s', 'subject_s',
    'timestamp_t', 'uuid_s', 'tags_s', 'url_s',
  ],
};

interface SpecColumn {
  column: string;
  type: string;
}

const KUSTO_OF_LA: Record<string, KustoType> = { double: 'real', boolean: 'bool', string: 'string', datetime: 'datetime', guid: 'guid', int: 'int', long: 'long', dynamic: 'dynamic', real: 'real', bool: 'bool' };

function kusto(type: string): KustoType {
  return KUSTO_OF_LA[type] ?? 'dynamic';
}

let specTypes: Map<string, KustoType> | undefined;
function legacyType(column: string): KustoType {
  specTypes ??= new Map(
    (JSON.parse(readFileSync(new URL('../engine/darktrace-columns.json', import.meta.url), 'utf8')) as SpecColumn[]).map((c) => [c.column, kusto(c.type)]),
  );
  return specTypes.get(column) ?? suffixType(column);
}

/** The Data Collector API's suffix rule (sentinel-table.md §2.1), for a column the lists do not name. */
export function suffixType(column: string): KustoType {
  const m = /_([sdbtg])$/.exec(column);
  return m ? ({ s: 'string', d: 'real', b: 'bool', t: 'datetime', g: 'guid' } as const)[m[1] as 's' | 'd' | 'b' | 't' | 'g'] : 'dynamic';
}

let dcrTables: Map<string, TableSchema['columns']> | undefined;
function shippedDcrTables(): Map<string, TableSchema['columns']> {
  if (!dcrTables) {
    dcrTables = new Map();
    const dcr = loadDcrFileSync(DEFAULT_DCR_FILE, { defaultWorkspaceId: '00000000-0000-0000-0000-000000000000' });
    for (const stream of dcr.streams.values()) {
      for (const flow of stream.flows) {
        const declared = flowOutputColumns(flow).filter((c) => !DCR_STANDARD_COLUMNS.some((s) => s.name === c.name));
        dcrTables.set(flow.table, [...DCR_STANDARD_COLUMNS.map((c) => ({ name: c.name, type: kusto(c.type) })), ...declared.map((c) => ({ name: c.name, type: kusto(c.type) }))]);
      }
    }
  }
  return dcrTables;
}

/** Columns of `table` that the given alert types can produce (undefined: a table this lab does not know). */
export function producibleColumns(table: string, types: readonly AlertType[], sink: Sink): Set<string> | undefined {
  const schema = workspaceTables(types, sink).find((t) => t.name === table);
  return schema ? new Set(schema.columns.map((c) => c.name)) : undefined;
}

/**
 * The workspace as a run of these alert types can leave it, as the query engine sees tables: through the
 * Data Collector sink the legacy table with the columns those types fill, through the Logs Ingestion
 * sink the tables of those types and the activity tables (the connector's config decides whether they
 * fill), and the analytics tables.
 */
export function workspaceTables(types: readonly AlertType[], sink: Sink): TableSchema[] {
  const legacy = new Set<string>();
  for (const t of types) for (const c of LEGACY_COLUMNS_BY_TYPE[t]) legacy.add(c);
  const tables: TableSchema[] = [];
  if (types.length && sink === 'dataCollector') {
    const standard = DATA_COLLECTOR_STANDARD_COLUMNS.map((c) => ({ name: c.name, type: kusto(c.type) }));
    tables.push({ name: LEGACY_TABLE, columns: [...standard, ...[...legacy].filter((c) => !standard.some((s) => s.name === c)).map((c) => ({ name: c, type: legacyType(c) }))] });
  }
  const typeTables = new Set(Object.values(TYPE_STREAM_TABLE));
  const produced = new Set(types.map((t) => TYPE_STREAM_TABLE[t]));
  if (sink === 'logsIngestion') for (const [name, columns] of shippedDcrTables()) if (!typeTables.has(name) || produced.has(name)) tables.push({ name, columns });
  tables.push({ name: SECURITY_ALERT, columns: SECURITY_ALERT_COLUMNS.map((c) => ({ name: c.name, type: kusto(c.type) })) });
  tables.push({ name: SECURITY_INCIDENT, columns: SECURITY_INCIDENT_COLUMNS.map((c) => ({ name: c.name, type: kusto(c.type) })) });
  return tables;
}
