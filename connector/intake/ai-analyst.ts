// AI Analyst incident event (`/aianalyst/incidentevents` element, darktrace-api.md §4) → `AI Analyst`
// push record (sentinel-table.md §5.2, §6).
import { proseTimeString } from './time-formats.ts';
import { isObject, looksLikeGuid, optNumber, optString, requireNumber, requireString, stringArray, type Json } from './fields.ts';
import { MalformedAlertError, type MappedAlert, type MappingContext, type PushRecord } from './types.ts';
import { identityKey } from './identity.ts';

function firstSentence(text: string): string {
  const m = /^[\s\S]*?[.!?](?=\s|$)/.exec(text.trim());
  return (m ? m[0] : text).trim();
}

/** The incident key: the content groups rows by `externalId_g`, so all events of one incident share it. */
function incidentGuid(event: Json, eventId: string): string {
  const group = optString(event.currentGroup);
  const candidate = group.startsWith('g') ? group.slice(1) : group;
  return looksLikeGuid(candidate) ? candidate : eventId;
}

export function mapAiAnalyst(event: Json, ctx: MappingContext): MappedAlert {
  const id = requireString(event, 'id', 'AI Analyst event');
  const title = requireString(event, 'title', 'AI Analyst event');
  const createdAt = requireNumber(event, 'createdAt', 'AI Analyst event');
  const score = requireNumber(event, 'aiaScore', 'AI Analyst event');
  const groupScore = optNumber(event.groupScore, NaN); // older instances send it as a string (§9.9)
  if (event.groupScore !== undefined && event.groupScore !== null && !Number.isFinite(groupScore)) {
    throw new MalformedAlertError(`AI Analyst event: 'groupScore' must be a number (got ${JSON.stringify(event.groupScore)})`);
  }
  const periods = (Array.isArray(event.periods) ? event.periods : []).filter(isObject);
  const starts = periods.map((p) => optNumber(p.start, NaN)).filter(Number.isFinite);
  const ends = periods.map((p) => optNumber(p.end, NaN)).filter(Number.isFinite);
  const start = starts.length ? Math.min(...starts) : createdAt;
  const end = ends.length ? Math.max(...ends) : createdAt;
  const device = (Array.isArray(event.breachDevices) ? event.breachDevices : []).find(isObject) ?? {};
  // Email-sourced events (6.1+) have no breach device; the sender stands in for it.
  const deviceName = optString(device.hostname) || optString(device.identifier) || optString(event.sender) || optString(device.ip);
  const summary = optString(event.summary);
  const previous = stringArray(event.groupPreviousGroups);

  const record: PushRecord = {
    dtProduct: 'AI Analyst',
    startTime: proseTimeString(start),
    endTime: proseTimeString(end),
    summary,
    summaryFirstSentence: firstSentence(summary),
    groupingId: stringArray(event.groupingIds)[0] ?? optString(event.groupingId),
    externalId: incidentGuid(event, id),
    url: `${ctx.linkBase}/#aiaincidentevent/${id}`,
    activityId: optString(event.activityId),
    deviceIP: optString(device.ip),
    hostname: deviceName,
    identifier: optString(device.identifier) || deviceName,
    bestDeviceName: deviceName,
    title,
    // No public source for severity; SD pairs score 100 with severity 10, so score/10 rounded up.
    severity: Math.max(0, Math.min(10, Math.ceil(score / 10))),
    groupByActivity: event.groupByActivity === true,
    time: proseTimeString(createdAt),
    longitude: optNumber(device.longitude, 0),
    latitude: optNumber(device.latitude, 0),
    newEvent: event.newEvent === true,
    score,
    groupScore: Number.isFinite(groupScore) ? groupScore : score,
    currentGroup: optString(event.currentGroup),
    groupPreviousGroups: previous.length ? previous.join(',') : 'empty',
    // Lower-case whatever the instance sends (§7.9: groupCategory_s is `critical`, not `Critical`).
    groupCategory: (optString(event.groupCategory) || optString(event.category)).toLowerCase(),
  };
  const mac = optString(device.mac);
  if (mac !== '') record.mac = mac;
  return { type: 'AI Analyst', key: identityKey('AI Analyst', id), record, timeMs: createdAt, score, groupScore: record.groupScore as number };
}
