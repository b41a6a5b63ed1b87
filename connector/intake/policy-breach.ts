// Model breach (`/modelbreaches` element, darktrace-api.md §3) → `Policy Breach` push record
// (sentinel-table.md §5.1, conversion notes §6). Every relied-on key is always sent, type-correct.
import { breachTimeString } from './time-formats.ts';
import { isObject, optNumber, optString, requireNumber, stringArray, type Json } from './fields.ts';
import { MalformedAlertError, type MappedAlert, type MappingContext, type PushRecord } from './types.ts';
import { identityKey } from './identity.ts';

/** Category from the model priority: "0-3 informational, 4 suspicious, 5 critical" (OAS, §3.2). */
export function categoryFromPriority(priority: number): 'Informational' | 'Suspicious' | 'Critical' {
  if (priority >= 5) return 'Critical';
  if (priority >= 4) return 'Suspicious';
  return 'Informational';
}

function modelOf(breach: Json): Json {
  const m = breach.model;
  if (!isObject(m)) throw new MalformedAlertError("model breach: 'model' must be an object");
  // Without historicmodelonly the model is { then, now }: the model as it was at breach time counts.
  if (isObject(m.then)) return m.then;
  return m;
}

/** Values of the triggered filters of a given type, in component order. */
function filterValues(breach: Json, filterType: string): string[] {
  const out: string[] = [];
  for (const c of Array.isArray(breach.triggeredComponents) ? breach.triggeredComponents : []) {
    if (!isObject(c)) continue;
    for (const f of Array.isArray(c.triggeredFilters) ? c.triggeredFilters : []) {
      if (isObject(f) && f.filterType === filterType && isObject(f.trigger)) {
        const v = optString(f.trigger.value);
        if (v !== '') out.push(v);
      }
    }
  }
  return out;
}

/** The triggered components as text, one line per component, ending with a newline (SD `Example\n`). */
function componentsText(breach: Json): string {
  const lines: string[] = [];
  for (const c of Array.isArray(breach.triggeredComponents) ? breach.triggeredComponents : []) {
    if (!isObject(c)) continue;
    const metric = isObject(c.metric) ? optString(c.metric.label, optString(c.metric.name, 'Component')) : 'Component';
    const filters = (Array.isArray(c.triggeredFilters) ? c.triggeredFilters : [])
      .filter((f): f is Json => isObject(f) && f.comparatorType !== 'display')
      .map((f) => `${optString(f.filterType)} ${optString(f.comparatorType)} ${isObject(f.trigger) ? optString(f.trigger.value) : ''}`.trim());
    lines.push(filters.length ? `${metric}: ${filters.join(', ')}` : metric);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function mapPolicyBreach(breach: Json, ctx: MappingContext): MappedAlert {
  const pbid = requireNumber(breach, 'pbid', 'model breach');
  const model = modelOf(breach);
  const time = requireNumber(breach, 'time', 'model breach');
  const alertTime = ctx.breachTimeField === 'creationTime' ? optNumber(breach.creationTime, time) : time;
  const rawScore = optNumber(breach.pbscore ?? breach.score, NaN);
  const score = typeof breach.percentscore === 'number' ? breach.percentscore : Number.isFinite(rawScore) ? Math.round(rawScore * 1000) / 10 : NaN;
  if (!Number.isFinite(score)) throw new MalformedAlertError("model breach: 'score' must be a number");
  const device = isObject(breach.device) ? breach.device : {};
  const rawName = optString(model.name);
  if (rawName === '') throw new MalformedAlertError("model breach: 'model.name' must be a non-empty string");
  const modelName = ctx.modelNameSeparator === '::' ? rawName : rawName.split('::').join(' / ');
  const url = `${ctx.linkBase}/#modelbreach/${pbid}`;
  const hostname = optString(device.hostname) || optString(device.devicelabel) || optString(device.label) || optString(device.ip);
  const systemMessage = filterValues(breach, 'Event details')[0] ?? filterValues(breach, 'System message')[0] ?? '';
  const antigenaAction = isObject(model.actions) && isObject(model.actions.antigena) && Object.keys(model.actions.antigena).length > 0;
  const cSensorId = optString(device.cSensorID ?? device.csensorid);

  const record: PushRecord = {
    dtProduct: 'Policy Breach',
    blocked: false,
    threatID: pbid,
    description: optString(model.description),
    breachTime: breachTimeString(alertTime),
    breachUrl: url,
    modelName,
    pid: optNumber(model.pid, 0),
    uuid: optString(model.uuid),
    score,
    hostname,
    typeLabel: optString(device.typelabel),
    sourceIP: optString(device.ip),
    sourcePort: filterValues(breach, 'Source port')[0] ?? '',
    sourceMac: optString(device.macaddress),
    sourceHost: hostname,
    destIP: filterValues(breach, 'Destination IP')[0] ?? '',
    destPort: filterValues(breach, 'Destination port')[0] ?? '',
    destHost: filterValues(breach, 'Connection hostname')[0] ?? filterValues(breach, 'Internal destination device name')[0] ?? '',
    destMac: '',
    sid: optNumber(device.sid, 0),
    triggeredComponents: componentsText(breach),
    details: url,
    longitude: optNumber(device.longitude, 0),
    latitude: optNumber(device.latitude, 0),
    tags: stringArray(model.tags),
    message: systemMessage,
    mitreTechniques: Array.isArray(breach.mitreTechniques) ? breach.mitreTechniques : [],
    antigena: antigenaAction || rawName.startsWith('Antigena'),
    deviceId: optNumber(device.did, 0),
    category: categoryFromPriority(optNumber(model.priority, 0)),
    compliance: model.compliance === true,
    cSensor: cSensorId !== '' || device.cSensor === true,
  };
  // cSensorID only when known: an empty value would create an unused column (§4b: relied on: no).
  if (cSensorId !== '') record.cSensorID = cSensorId;
  return { type: 'Policy Breach', key: identityKey('Policy Breach', pbid), record, timeMs: alertTime, score, modelName };
}

