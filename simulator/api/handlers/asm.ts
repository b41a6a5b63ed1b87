// GET /asm/api/v1/alerts — attack surface management findings. Darktrace/Attack Surface Management
// has its own API, not publicly documented; this path, its starttime/endtime parameters (epoch ms,
// or s below 10^11) and the payload are the simulator's guess (docs/reference/simulator.md), named
// after the DarktraceASM_CL columns (sentinel-table.md §8.6). Oldest first; only what has happened
// by the simulated now.
import { type ApiRequest, type ApiResult, type Route } from '../context.ts';
import { readWindow } from './timeWindow.ts';

function alerts(req: ApiRequest): ApiResult {
  const { ctx, query: q } = req;
  const nowS = Math.floor(ctx.now() / 1000);
  const { start, end } = readWindow(q, true);
  const from = start === undefined ? -Infinity : Math.ceil(start / 1000);
  const to = end === undefined ? Infinity : Math.floor(end / 1000);
  const out = ctx.engine.activity.asm.filter((f) => f.timestamp <= nowS && f.timestamp >= from && f.timestamp <= to);
  out.sort((a, b) => a.timestamp - b.timestamp);
  return { json: out };
}

export const asmRoutes: Route[] = [{ method: 'GET', pattern: /^\/asm\/api\/v1\/alerts\/?$/, accepts: ['starttime', 'endtime', 'from', 'to'], handle: alerts }];
