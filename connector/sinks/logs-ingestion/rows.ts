// Push record (sentinel-table.md §5, the form the spool holds) → row of the alert type's
// `Custom-Darktrace*` stream (§8, the DCR's typed columns). Mapping at delivery time keeps one spool
// format for both sinks. The §8 columns the push record has no source for get a documented empty
// value of the declared type (docs/reference/connector.md, "logsIngestion mode").
import type { AlertType } from '../../config/types.ts';
import type { PushRecord } from '../../spool/record-format.ts';

export type StreamRow = Record<string, string | number | boolean | unknown[] | Record<string, unknown> | null>;

export interface RowContext {
  /** Written into every row's `customLabel` (undocumented value, §8 notes; default ''). */
  customLabel: string;
  /** The field the connector adds with the alert time as ISO-8601 (the spool's time-generated field). */
  timeField: string;
}

export class UnmappableRecordError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnmappableRecordError';
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2019-08-02 15:52:02` (UTC, §5.1) → ISO-8601; '' → null. */
export function isoFromBreachTime(s: unknown): string | null {
  const m = typeof s === 'string' && /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(s);
  if (!m) return null;
  return isoOrNull(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/** `Jul 22nd 2020 01:16:33 UTC` (§2.4) → ISO-8601; anything else → null. */
export function isoFromProseTime(s: unknown): string | null {
  const m = typeof s === 'string' && /^([A-Z][a-z]{2}) (\d{1,2})(?:st|nd|rd|th) (\d{4}) (\d\d):(\d\d):(\d\d) UTC$/.exec(s);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  return isoOrNull(Date.UTC(+m[3]!, month, +m[2]!, +m[4]!, +m[5]!, +m[6]!));
}

/** The email `timestamp` (`2020-12-15T04:47:29.936`, no zone, meaning UTC) → ISO-8601 with `Z`. */
export function isoFromEmailTimestamp(s: unknown): string | null {
  if (typeof s !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.test(s)) return null;
  return isoOrNull(Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(s) ? s : `${s}Z`));
}

function isoOrNull(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const bool = (v: unknown): boolean => v === true;
const real = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** `int` columns refuse fractions (the service stores null): scores like 87.1 are rounded. */
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The alert time: the connector's ISO field when present, else parsed from the type's own time. */
function alertTime(r: PushRecord, ctx: RowContext, fallback: string | null): string | null {
  const iso = r[ctx.timeField];
  if (typeof iso === 'string' && !Number.isNaN(Date.parse(iso))) return new Date(iso).toISOString();
  return fallback;
}

function common(r: PushRecord, ctx: RowContext): StreamRow {
  return { customLabel: ctx.customLabel, darktraceProduct: str(r.dtProduct) };
}

/**
 * The API's breach `mitreTechniques` items are `{technique, techniqueID}`; the solution's content reads
 * `item.techniqueId` (DarktraceModelAlert.yaml: `mv-apply item = mitreTechniques on (extend techniqueId =
 * tostring(item.techniqueId) …)`), and dynamic keys are case-sensitive in KQL, so the id key is respelt.
 */
function mitreTechniques(v: unknown): unknown[] {
  return arr(v).map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const { techniqueID, techniqueId, ...rest } = item as Record<string, unknown>;
    return { ...rest, techniqueId: techniqueId ?? techniqueID ?? '' };
  });
}

function modelAlertRow(r: PushRecord, ctx: RowContext): StreamRow {
  return {
    ...common(r, ctx),
    alertTime: alertTime(r, ctx, isoFromBreachTime(r.breachTime)),
    alertUrl: str(r.breachUrl),
    antigena: bool(r.antigena),
    category: str(r.category),
    cSensor: bool(r.cSensor),
    cSensorId: str(r.cSensorID),
    compliance: bool(r.compliance),
    description: str(r.description),
    destHost: str(r.destHost),
    destIp: str(r.destIP),
    destMac: str(r.destMac),
    destPort: str(r.destPort),
    details: str(r.details),
    deviceCredentials: [],
    deviceHostname: str(r.hostname),
    deviceId: int(r.deviceId),
    deviceLabel: '',
    deviceSubnet: '',
    deviceType: str(r.typeLabel),
    latitude: real(r.latitude),
    longitude: real(r.longitude),
    message: str(r.message),
    mitreTechniques: mitreTechniques(r.mitreTechniques),
    modelName: str(r.modelName),
    modelTags: arr(r.tags),
    pid: int(r.pid),
    score: int(r.score),
    sid: int(r.sid),
    sourceHost: str(r.sourceHost),
    sourceIp: str(r.sourceIP),
    sourceMac: str(r.sourceMac),
    sourcePort: str(r.sourcePort),
    threatId: int(r.threatID),
    triggeredComponents: str(r.triggeredComponents),
    typeLabel: str(r.typeLabel),
    uuid: str(r.uuid),
  };
}

function incidentRow(r: PushRecord, ctx: RowContext): StreamRow {
  const previous = str(r.groupPreviousGroups);
  const device = { hostname: str(r.hostname), identifier: str(r.identifier), bestDeviceName: str(r.bestDeviceName), ip: str(r.deviceIP), mac: str(r.mac) };
  return {
    ...common(r, ctx),
    activityId: str(r.activityId),
    aiaScore: int(r.score),
    bestAssetName: str(r.bestDeviceName),
    currentGroup: str(r.currentGroup),
    deviceHostname: str(r.hostname),
    deviceIp: str(r.deviceIP),
    deviceIdentifier: str(r.identifier),
    deviceMac: str(r.mac),
    deviceSubnet: str(r.subnet),
    // The push record carries the first breach device only.
    devices: device.hostname || device.ip || device.identifier ? [device] : [],
    endTime: isoFromProseTime(r.endTime),
    externalId: str(r.externalId),
    groupByActivity: bool(r.groupByActivity),
    groupCategory: str(r.groupCategory),
    // SD sends "empty" when there are none; the connector joins several ids with ','.
    groupPreviousGroups: previous === '' || previous === 'empty' ? [] : previous.split(','),
    groupScore: int(r.groupScore),
    groupingId: str(r.groupingId),
    incidentEventTime: alertTime(r, ctx, isoFromProseTime(r.time)),
    incidentEventTitle: str(r.title),
    latitude: real(r.latitude),
    longitude: real(r.longitude),
    newEvent: bool(r.newEvent),
    severity: int(r.severity ?? r.Severity),
    startTime: isoFromProseTime(r.startTime),
    summary: str(r.summary),
    summaryFirstSentence: str(r.summaryFirstSentence),
    url: str(r.url),
  };
}

function systemStatusRow(r: PushRecord, ctx: RowContext): StreamRow {
  return {
    ...common(r, ctx),
    alertTime: alertTime(r, ctx, isoFromProseTime(r.time)),
    darktraceHostname: str(r.hostname),
    deviceIp: str(r.deviceIP),
    friendlyModelName: str(r.friendlyName),
    message: str(r.message),
    modelName: str(r.name),
    priority: str(r.priority),
    priorityCode: int(r.priority_code),
    severity: int(r.severity),
    status: str(r.status),
    // No separate status code reaches the push record: both carry the status.
    statusName: str(r.status),
    url: str(r.url),
    uuid: str(r.uuid),
  };
}

function emailRow(r: PushRecord, ctx: RowContext): StreamRow {
  const sha1 = str(r.attachment_sha1s);
  const timestamp = isoFromEmailTimestamp(r.timestamp);
  return {
    ...common(r, ctx),
    actions: arr(r.actions),
    alertTime: alertTime(r, ctx, timestamp),
    anomalyScore: int(r.anomaly_score),
    attachmentNames: [],
    attachmentSha1s: sha1 ? sha1.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
    attachmentSha256s: [],
    direction: str(r.direction),
    from: str(r.from),
    linkHosts: arr(r.link_hosts),
    messageId: '',
    recipientActions: [],
    recipients: arr(r.recipients),
    subject: str(r.subject),
    tags: arr(r.tags),
    timestamp,
    url: str(r.url),
    uuid: str(r.uuid),
  };
}

/** An ISO datetime the record carries, normalised; '' or unparseable → null. */
function isoOf(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

// The activity records (intake/activity.ts) already use the column names: each gets its declared type.
function responseActionRow(r: PushRecord, ctx: RowContext): StreamRow {
  return {
    ...common(r, ctx),
    action: str(r.action),
    alertTime: alertTime(r, ctx, isoOf(r.startTime)),
    changedBy: str(r.changedBy),
    codeId: int(r.codeId),
    deviceFirstSeen: str(r.deviceFirstSeen),
    deviceHostname: str(r.deviceHostname),
    deviceIp: str(r.deviceIp),
    deviceLabel: str(r.deviceLabel),
    deviceLastSeen: str(r.deviceLastSeen),
    deviceMac: str(r.deviceMac),
    deviceName: str(r.deviceName),
    deviceType: str(r.deviceType),
    endTime: isoOf(r.endTime),
    inhibitor: str(r.inhibitor),
    model: str(r.model),
    reason: str(r.reason),
    score: int(r.score),
    startTime: isoOf(r.startTime),
    state: str(r.state),
    subnetId: int(r.subnetId),
    subnetLabel: str(r.subnetLabel),
    subnetNetwork: str(r.subnetNetwork),
    url: str(r.url),
  };
}

function asmRow(r: PushRecord, ctx: RowContext): StreamRow {
  return {
    ...common(r, ctx),
    action: str(r.action),
    alertTime: alertTime(r, ctx, typeof r.alertTimestamp === 'number' ? isoOrNull(r.alertTimestamp * 1000) : null),
    alertTimestamp: int(r.alertTimestamp),
    alertTitle: str(r.alertTitle),
    alertType: str(r.alertType),
    assetId: int(r.assetId),
    assetName: str(r.assetName),
    assetUri: str(r.assetUri),
    description: str(r.description),
    endTime: isoOf(r.endTime),
    endTimestamp: r.endTimestamp === 0 ? null : int(r.endTimestamp),
    previousRating: str(r.previousRating),
    rating: str(r.rating),
    riskId: int(r.riskId),
    riskUri: str(r.riskUri),
    startTime: isoOf(r.startTime),
    startTimestamp: int(r.startTimestamp),
    state: str(r.state),
    workbenchUri: str(r.workbenchUri),
  };
}

function emailReleaseRow(r: PushRecord, ctx: RowContext): StreamRow {
  return {
    ...common(r, ctx),
    alertTime: alertTime(r, ctx, null),
    category: str(r.category),
    direction: str(r.direction),
    emailUuid: str(r.emailUuid),
    recipients: arr(r.recipients),
    releaseLink: str(r.releaseLink),
    senderEmail: str(r.senderEmail),
    senderEnvelopeSender: str(r.senderEnvelopeSender),
    senderHeaderFrom: str(r.senderHeaderFrom),
    senderHeaderFromEmail: str(r.senderHeaderFromEmail),
    subject: str(r.subject),
    // The four keys the solution's DarktraceEmailHeldForRelease rule reads from `summary` (§8.7).
    summary: {
      anomalyIndicators: str(r.summaryAnomalyIndicators),
      history: str(r.summaryHistory),
      association: str(r.summaryAssociation),
      validation: str(r.summaryValidation),
    },
    uiLink: str(r.uiLink),
    uid: str(r.uid),
  };
}

const ROWS: Record<AlertType, (r: PushRecord, ctx: RowContext) => StreamRow> = {
  'Policy Breach': modelAlertRow,
  'AI Analyst': incidentRow,
  'System Alert': systemStatusRow,
  'Antigena Email': emailRow,
  'Response Action': responseActionRow,
  ASM: asmRow,
  'Email Release': emailReleaseRow,
};

/** The alert type of a spooled push record; throws UnmappableRecordError when `dtProduct` is not one of the four. */
export function alertTypeOf(r: PushRecord): AlertType {
  const t = r.dtProduct;
  if (typeof t === 'string' && Object.hasOwn(ROWS, t)) return t as AlertType;
  throw new UnmappableRecordError(`record has no known dtProduct (got ${JSON.stringify(t)}): no Custom-Darktrace* stream for it`);
}

/** Maps one push record to its stream row; `type` is `alertTypeOf(r)`. */
export function toStreamRow(r: PushRecord, ctx: RowContext): { type: AlertType; row: StreamRow } {
  const type = alertTypeOf(r);
  const row = ROWS[type](r, ctx);
  // TimeGenerated is the alert time, as the legacy sink's time-generated field makes it; without
  // one the service uses the ingestion time.
  const time = type === 'AI Analyst' ? row.incidentEventTime : row.alertTime;
  return { type, row: typeof time === 'string' ? { TimeGenerated: time, ...row } : row };
}
