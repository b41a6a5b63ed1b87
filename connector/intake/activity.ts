// The three activity streams (sentinel-table.md §8.5–8.7) from the simulator-shaped Darktrace
// payloads (docs/reference/simulator.md, "Activity streams": guessed, as Darktrace publishes none)
// to spool records. They have no legacy push form, so the record keys are the CCF columns already;
// sinks/logs-ingestion/rows.ts gives each its declared type. Delivered by the Logs Ingestion sink only.
import { isObject, optNumber, optString, requireNumber, requireString, stringArray, type Json } from './fields.ts';
import { isoMillis } from './time-formats.ts';
import { MalformedAlertError, type MappedAlert, type MappingContext } from './types.ts';
import { identityKey } from './identity.ts';

/**
 * One state change of a RESPOND action, as the response-actions source flattens `GET /antigena`:
 * the action's fields, its `device` (from `fulldevicedetails`) and the history entry as `change`.
 */
export function mapResponseAction(a: Json, ctx: MappingContext): MappedAlert {
  const codeid = requireNumber(a, 'codeid', 'response action');
  const change = isObject(a.change) ? a.change : undefined;
  if (!change) throw new MalformedAlertError('response action has no state change (change)');
  const time = requireNumber(change, 'time', 'response action change');
  const state = requireString(change, 'state', 'response action change');
  const device = isObject(a.device) ? a.device : {};
  const start = optNumber(a.start, time);
  const expires = optNumber(a.expires, time);
  const score = optNumber(a.score, 0);
  return {
    type: 'Response Action',
    key: identityKey('Response Action', codeid, state, time),
    timeMs: time,
    score,
    record: {
      dtProduct: 'Response Action',
      action: optString(a.label, optString(a.action)),
      changedBy: optString(change.username),
      codeId: codeid,
      deviceFirstSeen: optString(device.firstSeen),
      deviceHostname: optString(device.hostname),
      deviceIp: optString(device.ip, optString(a.ip)),
      deviceLabel: optString(device.devicelabel),
      deviceLastSeen: optString(device.lastSeen),
      deviceMac: optString(device.macaddress),
      deviceName: optString(device.hostname, optString(device.ip)),
      deviceType: optString(device.typelabel),
      endTime: isoMillis(expires),
      inhibitor: optString(a.inhibitor),
      model: optString(a.model),
      reason: optString(change.reason),
      score,
      startTime: isoMillis(start),
      state,
      subnetId: optNumber(device.sid, 0),
      subnetLabel: optString(device.subnetLabel),
      subnetNetwork: optString(device.subnetNetwork),
      url: `${ctx.linkBase}/#modelbreach/${optNumber(a.pbid, 0)}`,
    },
  };
}

/** One attack-surface event (`GET /asm/api/v1/alerts`); timestamps are epoch seconds. */
export function mapAsmFinding(a: Json): MappedAlert {
  const id = requireString(a, 'id', 'ASM finding');
  const timestamp = requireNumber(a, 'timestamp', 'ASM finding');
  const start = optNumber(a.startTimestamp, timestamp);
  const end = typeof a.endTimestamp === 'number' ? a.endTimestamp : undefined;
  return {
    type: 'ASM',
    key: identityKey('ASM', id),
    timeMs: timestamp * 1000,
    // Findings have no score: never dropped by filters.minScore.
    score: 100,
    record: {
      dtProduct: 'ASM',
      action: optString(a.action),
      alertTimestamp: timestamp,
      alertTitle: optString(a.alertTitle),
      alertType: optString(a.alertType),
      assetId: optNumber(a.assetId, 0),
      assetName: optString(a.assetName),
      assetUri: optString(a.assetUri),
      description: optString(a.description),
      endTime: end === undefined ? '' : isoMillis(end * 1000),
      endTimestamp: end ?? 0,
      previousRating: optString(a.previousRating),
      rating: optString(a.rating),
      riskId: optNumber(a.riskId, 0),
      riskUri: optString(a.riskUri),
      startTime: isoMillis(start * 1000),
      startTimestamp: start,
      state: optString(a.state),
      workbenchUri: optString(a.workbenchUri),
    },
  };
}

/** One Darktrace/Email hold or release (`GET …/system/audit/events`). */
export function mapEmailRelease(a: Json, ctx: MappingContext): MappedAlert {
  const id = requireString(a, 'id', 'email release event');
  const time = requireNumber(a, 'time', 'email release event');
  const uuid = requireString(a, 'emailUuid', 'email release event');
  const event = optString(a.event);
  const summary = stringArray(a.summary);
  return {
    type: 'Email Release',
    key: identityKey('Email Release', id),
    timeMs: time,
    score: 100,
    record: {
      dtProduct: 'Email Release',
      // The event: the table has no column for it; `category` carries it (guessed, documented).
      category: event === 'release' ? 'Released' : 'Held',
      direction: optString(a.direction),
      subject: optString(a.subject),
      uiLink: `${ctx.linkBase}/agemail/?uuid=${uuid}`,
      releaseLink: `${ctx.linkBase}/agemail/api/v1.0/emails/${uuid}/action`,
      emailUuid: uuid,
      uid: id,
      recipients: stringArray(a.recipient === undefined ? [] : [a.recipient]),
      senderHeaderFrom: optString(a.headerFrom),
      senderHeaderFromEmail: optString(a.headerFromEmail),
      senderEnvelopeSender: optString(a.envelopeFrom),
      senderEmail: optString(a.headerFromEmail),
      // The summary object's four keys (§8.7), as the rule reads them: tags, then the sentences.
      summaryAnomalyIndicators: stringArray(a.tags).join(', '),
      summaryHistory: summary[0] ?? '',
      summaryAssociation: summary[1] ?? '',
      summaryValidation: summary[2] ?? '',
    },
  };
}
