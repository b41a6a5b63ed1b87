// The shapes `/modelbreaches` returns for one stored breach, by the response-shape parameters
// (historicmodelonly, deviceattop, minimal, expandenums, includebreachurl; §2.1, §9.4).
import { ENUMS, FILTER_ENUM } from '../../catalogue/enums.ts';
import type { ModelBreach, TriggeredComponent } from '../../types.ts';

export interface BreachViewOptions {
  historicmodelonly: boolean;
  deviceattop: boolean;
  minimal: boolean;
  expandenums: boolean;
  includebreachurl: boolean;
}

export function viewKey(o: BreachViewOptions): string {
  return `${+o.historicmodelonly}${+o.deviceattop}${+o.minimal}${+o.expandenums}${+o.includebreachurl}`;
}

function expandComponents(components: TriggeredComponent[]): TriggeredComponent[] {
  return components.map((c) => ({
    ...c,
    triggeredFilters: c.triggeredFilters.map((f) => {
      const enumName = FILTER_ENUM[f.filterType];
      if (!enumName) return f;
      const table = ENUMS[enumName]!;
      const arg = f.arguments.value;
      return {
        ...f,
        arguments: arg === undefined ? f.arguments : { value: table[String(arg)] ?? arg },
        trigger: { ...f.trigger, value: table[f.trigger.value] ?? f.trigger.value },
      };
    }),
  }));
}

/** The fields every shape starts with, in the stored order. */
function breachHead(b: ModelBreach): Record<string, unknown> {
  return {
    commentCount: b.commentCount,
    pbid: b.pbid,
    time: b.time,
    creationTime: b.creationTime,
    score: b.score,
    percentscore: b.percentscore,
    acknowledged: b.acknowledged,
  };
}

/** Builds the API object for a breach; key order follows the stored (default) shape. */
export function breachView(b: ModelBreach, o: BreachViewOptions): Record<string, unknown> {
  const model = o.historicmodelonly ? b.model.then : b.model;
  if (o.minimal) {
    const slim = (m: ModelBreach['model']['then']) => ({ name: m.name, pid: m.pid, phid: m.phid, uuid: m.uuid });
    const out = breachHead(b);
    if (o.deviceattop) out.device = { did: b.device.did };
    out.model = o.historicmodelonly ? slim(b.model.then) : { then: slim(b.model.then), now: slim(b.model.now) };
    return out;
  }
  const out = fullHead(b, o);
  out.model = model;
  out.triggeredComponents = fullComponents(b, o);
  return out;
}

/** The full shape's fields before `model` (which, with triggeredComponents, always comes last). */
function fullHead(b: ModelBreach, o: BreachViewOptions): Record<string, unknown> {
  const out = breachHead(b);
  if (o.includebreachurl) out.breachUrl = b.breachUrl;
  out.mitreTechniques = b.mitreTechniques;
  out.aianalystData = b.aianalystData;
  if (o.deviceattop) out.device = b.device;
  return out;
}

function fullComponents(b: ModelBreach, o: BreachViewOptions): TriggeredComponent[] {
  let components = o.expandenums ? expandComponents(b.triggeredComponents) : b.triggeredComponents;
  if (!o.deviceattop) components = components.map((c) => ({ ...c, device: b.device }));
  return components;
}

/**
 * JSON of the objects breaches share and nothing changes after the world and catalogue are built:
 * models (`model.then`/`model.now`, about half of a breach's bytes) and devices (about a seventh).
 * Anything that starts mutating a world device must drop this cache (and the breaches' views).
 */
const sharedJson = new WeakMap<object, string>();

function jsonOfShared(m: object): string {
  let text = sharedJson.get(m);
  if (text === undefined) sharedJson.set(m, (text = JSON.stringify(m)));
  return text;
}

/** `JSON.stringify(breachView(b, o))`, byte for byte, reusing the shared models' and devices' JSON. */
export function breachViewJson(b: ModelBreach, o: BreachViewOptions): string {
  if (o.minimal) return JSON.stringify(breachView(b, o));
  // The head without the device (which, when at top, is the last field before model).
  const head = JSON.stringify(o.deviceattop ? fullHead(b, { ...o, deviceattop: false }) : fullHead(b, o));
  const device = o.deviceattop ? `,"device":${jsonOfShared(b.device)}` : '';
  const model = o.historicmodelonly
    ? jsonOfShared(b.model.then)
    : `{"then":${jsonOfShared(b.model.then)},"now":${jsonOfShared(b.model.now)}}`;
  return `${head.slice(0, -1)}${device},"model":${model},"triggeredComponents":${JSON.stringify(fullComponents(b, o))}}`;
}
