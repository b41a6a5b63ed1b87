// GET /models (+ /{pid}), /devices, /details, /summarystatistics, /enums.
import { ENUMS } from '../../catalogue/enums.ts';
import { formatDtTime } from '../../clock.ts';
import { Rng } from '../../random.ts';
import type { Device } from '../../world/types.ts';
import { type ApiRequest, type ApiResult, type Route, applyResponseData } from '../context.ts';
import { inputError, notFound } from '../errors/errors.ts';
import { readWindow } from './timeWindow.ts';

function models(req: ApiRequest): ApiResult {
  const uuid = req.query.str('uuid')?.toLowerCase();
  const list = req.ctx.catalogue.models.map((m) => m.now).filter((m) => !uuid || m.uuid === uuid);
  return { json: applyResponseData(list, req.query.str('responsedata')) };
}

function model(req: ApiRequest): ApiResult {
  const m = req.ctx.catalogue.byPid.get(Number(req.pathParams[0]));
  if (!m) throw notFound(`Model ${req.pathParams[0]} not found`);
  return { json: applyResponseData(m.now, req.query.str('responsedata')) };
}

/** `seensince`: seconds, or a number with a unit (`30min`, `1hour`, `2day`, `1week`). */
function seenSince(value: string | undefined): number {
  if (!value) return 7 * 86_400_000;
  const m = /^(\d+)\s*(s|sec|second|seconds|m|min|minute|minutes|h|hour|hours|d|day|days|w|week|weeks)?$/i.exec(value.trim());
  if (!m) throw inputError('Parameter seensince must be a number of seconds or a number with a unit (min, hour, day, week)');
  const unit = (m[2] ?? 's').toLowerCase()[0]!;
  const factor = unit === 'w' ? 604_800_000 : unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000;
  return Number(m[1]) * factor;
}

function devices(req: ApiRequest): ApiResult {
  const { query: q, ctx } = req;
  const did = q.ints('did');
  const ip = q.str('ip');
  const mac = q.str('mac')?.toLowerCase();
  const sid = q.ints('sid');
  const count = q.int('count');
  const includeTags = q.bool('includetags', false);
  const since = ctx.now() - seenSince(q.str('seensince'));
  q.str('iptime');
  let list: Device[] = ctx.world.devices.filter(
    (d) => d.lastSeen >= since && (!did || did.includes(d.did)) && (!ip || d.ip === ip) && (!mac || d.macaddress === mac) && (!sid || sid.includes(d.sid)),
  );
  if (count !== undefined) list = list.slice(0, Math.max(0, count));
  const shaped = list.map((d) => {
    if (includeTags) return d;
    const { tags: _tags, ...rest } = d;
    return rest;
  });
  return { json: applyResponseData(shaped, q.str('responsedata')) };
}

/** Connection events behind a breach, derived reproducibly from the breach itself. */
function details(req: ApiRequest): ApiResult {
  const { query: q, ctx } = req;
  const pbid = q.int('pbid');
  const did = q.int('did');
  if (pbid === undefined && did === undefined && !q.has('msg') && !q.has('blockedconnections')) throw inputError('One of did, pbid, msg or blockedconnections is required');
  if ((q.has('from') || q.has('starttime')) && q.has('count')) throw inputError('The count parameter must not be used with from or starttime');
  const count = q.int('count') ?? 20;
  const window = readWindow(q, ctx.policy.epochSecondsHeuristic);
  const breaches = pbid !== undefined ? [ctx.store.breachByPbid.get(pbid)?.alert].filter((b) => !!b) : ctx.store.breaches.items.map((r) => r.alert).filter((b) => b.device.did === did);
  if (pbid !== undefined && breaches.length === 0) throw notFound(`Model breach ${pbid} not found`);
  const events: Record<string, unknown>[] = [];
  for (const b of breaches) {
    if (window.start !== undefined && b.time < window.start) continue;
    if (window.end !== undefined && b.time > window.end) continue;
    const rng = new Rng(`details:${ctx.world.seed}:${b.pbid}`);
    events.push({ time: formatDtTime(b.time), timems: b.time, action: 'policybreach', eventType: 'policybreach', pbid: b.pbid, pid: b.model.then.pid, phid: b.model.then.phid, name: b.model.then.name, score: b.score, did: b.device.did });
    const filters = b.triggeredComponents[0]?.triggeredFilters ?? [];
    const value = (type: string) => filters.find((f) => f.filterType === type)?.trigger.value;
    for (let i = 0; i < Math.min(count, 5); i++) {
      const t = b.time - i * rng.int(5_000, 60_000);
      events.push({
        time: formatDtTime(t),
        timems: t,
        action: 'connection',
        eventType: 'connection',
        uid: `C${rng.hex(16)}`,
        sdid: b.device.did,
        ddid: null,
        port: Number(value('Destination port') ?? 443),
        sourcePort: rng.int(49152, 65535),
        destinationPort: Number(value('Destination port') ?? 443),
        direction: 'out',
        applicationprotocol: 'HTTPS',
        protocol: 'TCP',
        sourceDevice: { did: b.device.did, ip: b.device.ip, hostname: b.device.hostname },
        destinationDevice: { ip: value('Destination IP') ?? null, hostname: value('Connection hostname') ?? null },
        info: `Connection ${i + 1} of the breach activity`,
      });
    }
  }
  return { json: applyResponseData(events.slice(0, Math.max(count, 1) * Math.max(1, breaches.length)), q.str('responsedata')) };
}

function summaryStatistics(req: ApiRequest): ApiResult {
  const { query: q, ctx } = req;
  const now = ctx.now();
  const rng = new Rng(`summary:${ctx.world.seed}:${Math.floor(now / 3_600_000)}`);
  const hours = q.int('hours');
  if ((q.has('endtime') || q.has('to')) && !q.has('eventtype')) throw inputError('endtime and to require eventtype');
  const intervals = hours ? Math.max(1, Math.ceil(hours)) : 28;
  const step = hours ? 3_600_000 : 86_400_000;
  const bandwidth = [];
  for (let i = intervals - 1; i >= 0; i--) {
    const t = Math.floor(now / step) * step - i * step;
    bandwidth.push({ time: formatDtTime(t), timems: t, kb: rng.int(2_000_000, 40_000_000) });
  }
  const body = {
    usercredentialcount: ctx.world.users.length,
    subnets: ctx.world.subnets.length,
    patterns: rng.int(5_000_000, 20_000_000),
    bandwidth,
    devices: ctx.world.devices.filter((d) => d.lastSeen >= now - 7 * 86_400_000).length,
    modelbreaches: ctx.store.breaches.length,
  };
  return { json: applyResponseData(body, q.str('responsedata')) };
}

export const inventoryRoutes: Route[] = [
  { method: 'GET', pattern: /^\/models\/?$/, accepts: ['uuid', 'responsedata'], handle: models },
  { method: 'GET', pattern: /^\/models\/(\d+)\/?$/, accepts: ['responsedata'], handle: model },
  { method: 'GET', pattern: /^\/devices\/?$/, accepts: ['did', 'ip', 'iptime', 'mac', 'seensince', 'sid', 'count', 'includetags', 'responsedata', 'cloudsecurity', 'saasfilter'], handle: devices },
  {
    method: 'GET', pattern: /^\/details\/?$/, handle: details,
    accepts: ['did', 'pbid', 'msg', 'blockedconnections', 'applicationprotocol', 'count', 'ddid', 'deduplicate', 'destinationport', 'endtime', 'eventtype', 'externalhostname', 'from', 'fulldevicedetails', 'intext', 'odid', 'port', 'protocol', 'sourceport', 'starttime', 'to', 'uid', 'responsedata'],
  },
  { method: 'GET', pattern: /^\/summarystatistics\/?$/, accepts: ['responsedata', 'eventtype', 'endtime', 'to', 'hours', 'csensor', 'mitreTactics'], handle: summaryStatistics },
  { method: 'GET', pattern: /^\/enums\/?$/, accepts: ['responsedata'], handle: (req) => ({ json: applyResponseData(ENUMS, req.query.str('responsedata')) }) },
];
