// GET /antigena (darktrace-api.md §2.9): RESPOND actions and their lifecycle. The parameters are the
// documented ones; the payload is the simulator's (guessed, docs/reference/simulator.md).
// Without a window: the actions still active. With starttime/endtime (or from/to): the actions with
// a state change in the window. `includecleared` keeps actions no longer active (default false),
// `includehistory` adds each action's state changes, `fulldevicedetails` adds `devices`.
import type { ResponseAction } from '../../activity/types.ts';
import { type ApiRequest, type ApiResult, type Route, applyResponseData } from '../context.ts';
import { readWindow } from './timeWindow.ts';

function actions(req: ApiRequest): ApiResult {
  const { ctx, query: q } = req;
  const now = ctx.now();
  const { start, end } = readWindow(q, true);
  const includeCleared = q.bool('includecleared', false);
  const includeHistory = q.bool('includehistory', false);
  const fullDevices = q.bool('fulldevicedetails', false);
  const pbid = q.int('pbid');
  const windowed = start !== undefined || end !== undefined;
  const from = start ?? -Infinity;
  const to = end ?? Infinity;
  const picked: ResponseAction[] = [];
  for (const action of ctx.engine.activity.actions) {
    // Only what has happened by the simulated now is visible.
    const seen = action.history.filter((h) => h.time <= now);
    if (seen.length === 0) continue;
    if (pbid !== undefined && action.pbid !== pbid) continue;
    const active = seen.every((h) => h.state !== 'cleared' && h.state !== 'expired');
    if (!active && !includeCleared) continue;
    if (windowed ? !seen.some((h) => h.time >= from && h.time <= to) : !active) continue;
    picked.push(action);
  }
  const rendered = picked.map((a) => {
    const { device, history, ...rest } = a;
    const seen = history.filter((h) => h.time <= now);
    const last = seen.at(-1)!;
    return {
      ...rest,
      did: device.did,
      ip: device.ip,
      active: last.state !== 'cleared' && last.state !== 'expired',
      cleared: last.state === 'cleared',
      state: last.state,
      updated: last.time,
      ...(includeHistory ? { history: seen } : {}),
    };
  });
  const body: Record<string, unknown> = { actions: rendered };
  if (fullDevices) {
    const dids = new Set<number>();
    body.devices = picked.filter((a) => !dids.has(a.device.did) && dids.add(a.device.did)).map((a) => a.device);
  }
  return { json: applyResponseData(body, q.str('responsedata')) };
}

export const antigenaRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/antigena\/?$/,
    accepts: ['fulldevicedetails', 'includecleared', 'includehistory', 'needconfirming', 'starttime', 'endtime', 'from', 'to', 'includeconnections', 'responsedata', 'pbid'],
    handle: actions,
  },
];
