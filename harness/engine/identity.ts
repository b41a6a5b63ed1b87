// Which generated alert a landed row is: the key the connector's mapping carries through to the table.
// Legacy table (sentinel-table.md §5/§6): Policy Breach threatID = pbid; AI Analyst url ends with the
// event id; System Alert uuid_g; Antigena Email uuid_s. Logs Ingestion tables (§8): threatId, url, uuid.
import type { AlertType } from '../scenario/types.ts';

export const DT_PRODUCT: Record<AlertType, string> = {
  modelBreach: 'Policy Breach',
  aiAnalyst: 'AI Analyst',
  systemAlert: 'System Alert',
  email: 'Antigena Email',
};

export const STREAM_TABLE: Record<AlertType, string> = {
  modelBreach: 'DarktraceModelAlerts_CL',
  aiAnalyst: 'DarktraceIncidents_CL',
  systemAlert: 'DarktraceSystemStatusAlerts_CL',
  email: 'DarktraceEMAIL_CL',
};

export const LEGACY_TABLE = 'darktrace_model_alerts_CL';

const TYPE_BY_PRODUCT = new Map(Object.entries(DT_PRODUCT).map(([t, p]) => [p, t as AlertType]));
const TYPE_BY_TABLE = new Map(Object.entries(STREAM_TABLE).map(([t, table]) => [table, t as AlertType]));

export interface RowIdentity {
  type: AlertType;
  id: string;
  /** System alerts: each status change (active, resolved, …) is its own alert with the same uuid. */
  status?: string;
}

/** The canonical form ground truth and rows are compared in. */
export function alertKey(type: AlertType, id: string, status?: string): string {
  if (type === 'systemAlert') return `${type}:${id.toLowerCase()}:${(status ?? '').toLowerCase()}`;
  return `${type}:${id}`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function fromUrl(url: unknown): string | undefined {
  const m = /#aiaincidentevent\/([^/?#]+)$/.exec(String(url ?? ''));
  return m ? decodeURIComponent(m[1]!) : undefined;
}

function num(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? String(Math.trunc(n)) : undefined;
}

/** The alert a row of `table` stands for, or undefined when the row carries no recognisable key. */
export function identify(table: string, row: Record<string, unknown>): RowIdentity | undefined {
  if (table === LEGACY_TABLE) {
    const type = TYPE_BY_PRODUCT.get(String(row.dtProduct_s ?? ''));
    if (!type) return undefined;
    const id =
      type === 'modelBreach' ? num(row.threatID_d) : type === 'aiAnalyst' ? fromUrl(row.url_s) : type === 'systemAlert' ? str(row.uuid_g) : str(row.uuid_s);
    if (id === undefined) return undefined;
    return type === 'systemAlert' ? { type, id, status: str(row.status_s) ?? '' } : { type, id };
  }
  const type = TYPE_BY_TABLE.get(table);
  if (!type) return undefined;
  const id = type === 'modelBreach' ? num(row.threatId) : type === 'aiAnalyst' ? fromUrl(row.url) ?? str(row.externalId) : str(row.uuid);
  if (id === undefined) return undefined;
  return type === 'systemAlert' ? { type, id, status: str(row.status) ?? '' } : { type, id };
}

/** The columns identify() reads, so the harness fetches only what it needs. */
export function identityColumns(table: string): string[] {
  if (table === LEGACY_TABLE) return ['dtProduct_s', 'threatID_d', 'url_s', 'uuid_g', 'uuid_s', 'status_s'];
  return ['threatId', 'url', 'externalId', 'uuid', 'status'];
}

/** The label reports use for a type: the dtProduct for the legacy table, the stream's table otherwise. */
export function alertLabel(type: AlertType, sink: 'dataCollector' | 'logsIngestion'): string {
  return sink === 'dataCollector' ? DT_PRODUCT[type] : STREAM_TABLE[type];
}
