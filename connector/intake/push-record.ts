// Accepts a record already in Darktrace's Sentinel push form (what the appliance itself posts):
// checked, not rewritten.
import type { AlertType } from '../config/types.ts';
import { optNumber, optString, type Json } from './fields.ts';
import { MalformedAlertError, type MappedAlert, type PushRecord } from './types.ts';
import { identityKey } from './identity.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parseProse(s: string): number {
  const m = /^([A-Z][a-z]{2}) (\d{1,2})(?:st|nd|rd|th) (\d{4}) (\d{2}):(\d{2}):(\d{2}) UTC$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[1]!), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function parseUtc(s: string): number {
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s.replace(' ', 'T') : `${s.replace(' ', 'T')}Z`);
}

const PRODUCTS: AlertType[] = ['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email'];

/**
 * The alert's identity, which its dedupe key is built from. Without one, every such record would share
 * one key and all but the first would be dropped as duplicates: the record is dead-lettered instead.
 */
function identifying(type: AlertType, field: string, value: number | string): number | string {
  if (typeof value === 'number' ? !Number.isFinite(value) : value === '') {
    throw new MalformedAlertError(`push record (${type}): ${field} is missing; it identifies the alert`);
  }
  return value;
}

export function acceptPushRecord(rec: Json): MappedAlert {
  const type = rec.dtProduct as AlertType;
  if (!PRODUCTS.includes(type)) throw new MalformedAlertError(`push record: unknown dtProduct ${JSON.stringify(rec.dtProduct)}`);
  for (const [k, v] of Object.entries(rec)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) throw new MalformedAlertError(`push record: '${k}' is an object; the table takes flat records`);
    if (/^(TimeGenerated|tenant|RawData)$/.test(k)) throw new MalformedAlertError(`push record: '${k}' is a reserved property`);
  }
  const record = Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== null && v !== undefined)) as PushRecord;
  let timeMs: number;
  let key: string;
  switch (type) {
    case 'Policy Breach':
      timeMs = parseUtc(optString(rec.breachTime));
      key = identityKey(type, identifying(type, 'threatID', optNumber(rec.threatID, NaN)));
      break;
    case 'AI Analyst':
      timeMs = parseProse(optString(rec.time)) || parseProse(optString(rec.endTime));
      key = identityKey(type, identifying(type, 'url (its last path segment)', optString(rec.url).split('/').pop() ?? ''));
      break;
    case 'System Alert':
      timeMs = parseProse(optString(rec.time));
      key = identityKey(type, optString(rec.uuid), optString(rec.status), timeMs);
      break;
    default:
      timeMs = parseUtc(optString(rec.timestamp));
      key = identityKey(type, identifying(type, 'uuid', optString(rec.uuid)));
  }
  if (!Number.isFinite(timeMs)) throw new MalformedAlertError(`push record (${type}): its time field does not parse`);
  const score = optNumber(rec.score ?? rec.anomaly_score ?? rec.priority_code, 0);
  return {
    type,
    key,
    record,
    timeMs,
    score,
    modelName: typeof rec.modelName === 'string' ? rec.modelName : undefined,
    groupScore: type === 'AI Analyst' ? optNumber(rec.groupScore, score) : undefined,
  };
}
