// A change made to one generated alert before it is stored and published (POST /_lab/emit with
// `patches`): fields set to given values or removed, by dotted path into the alert JSON as the API
// returns it (`device.hostname`, `triggeredComponents.0.metric.name`). The harness builds the values
// (sizes, GUID- and date-looking strings, a type that changes from one alert to the next); here they
// are only written.

export interface AlertPatch {
  /** Path → value; missing objects on the way are created. */
  set?: Record<string, unknown>;
  /** Paths to delete (a missing one is ignored). */
  remove?: string[];
}

/** Checks a patch from a request body; throws with the key path and reason. */
export function checkPatch(p: unknown, where: string): AlertPatch {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new Error(`${where}: must be an object with set and/or remove`);
  const { set, remove, ...rest } = p as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new Error(`${where}.${extra[0]}: unknown key (allowed: set, remove)`);
  if (set !== undefined && (typeof set !== 'object' || set === null || Array.isArray(set))) throw new Error(`${where}.set: must be an object of path → value`);
  if (remove !== undefined && (!Array.isArray(remove) || remove.some((r) => typeof r !== 'string'))) throw new Error(`${where}.remove: must be a list of paths`);
  for (const path of [...Object.keys((set as object | undefined) ?? {}), ...((remove as string[] | undefined) ?? [])]) {
    if (segments(path).some((s) => s === '' || s === '__proto__' || s === 'constructor' || s === 'prototype')) throw new Error(`${where}: bad path ${JSON.stringify(path)}`);
  }
  return p as AlertPatch;
}

function segments(path: string): string[] {
  return path.split('.');
}

/** Applies a patch to an alert in place: sets first, then removals. */
export function applyPatch(alert: object, patch: AlertPatch): void {
  for (const [path, value] of Object.entries(patch.set ?? {})) {
    const segs = segments(path);
    let node = alert as Record<string, unknown>;
    for (const seg of segs.slice(0, -1)) {
      const next = node[seg];
      if (typeof next !== 'object' || next === null) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[segs.at(-1)!] = structuredClone(value);
  }
  for (const path of patch.remove ?? []) {
    const segs = segments(path);
    let node: unknown = alert;
    for (const seg of segs.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node) && /^\d+$/.test(segs.at(-1)!)) node.splice(Number(segs.at(-1)), 1);
    else delete (node as Record<string, unknown>)[segs.at(-1)!];
  }
}
