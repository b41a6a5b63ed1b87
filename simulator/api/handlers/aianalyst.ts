// GET /aianalyst/incidentevents, GET /aianalyst/groups, POST /aianalyst/{acknowledge,unacknowledge,pin,unpin}.
import { type ApiRequest, type ApiResult, type Route, applyResponseData } from '../context.ts';
import { inputError } from '../errors/errors.ts';
import type { Params } from '../params.ts';
import type { IncidentEvent } from '../../types.ts';
import { isSaasSid } from './saas.ts';

const WEEK = 7 * 86_400_000;
export const LOCALES = ['de_DE', 'en_GB', 'en_US', 'es_ES', 'es_419', 'fr_FR', 'it_IT', 'ja_JP', 'ko_KR', 'pt_BR', 'zh_Hans', 'zh_Hant'];

const COMMON = [
  'includeacknowledged', 'includeallpinned', 'includeonlypinned', 'locale', 'starttime', 'endtime', 'did', 'excludedid', 'sid',
  'excludesid', 'master', 'saasonly', 'groupid', 'uuid', 'minscore', 'maxscore', 'responsedata',
];

/** Same 7-day default window for both endpoints (§2.2). */
function window(req: ApiRequest): { start: number; end: number } {
  const q = req.query;
  const h = req.ctx.policy.epochSecondsHeuristic;
  let start = q.epoch('starttime', h);
  let end = q.epoch('endtime', h);
  if (end === undefined) end = req.ctx.now();
  if (start === undefined) start = end - WEEK;
  if (end < start) throw inputError('endtime must not be earlier than starttime');
  return { start, end };
}

function checkLocale(q: Params): void {
  const locale = q.str('locale');
  if (locale !== undefined && !LOCALES.includes(locale)) throw inputError(`Unsupported locale ${locale}`);
}

function categoryFilter(q: Params, names: { compliance: string; suspicious: string; critical: string }): ((c: string) => boolean) | undefined {
  const flags = Object.entries(names)
    .filter(([, param]) => q.has(param))
    .map(([category, param]) => [category, q.bool(param, false)] as const);
  if (flags.length === 0) return undefined;
  const included = flags.filter(([, on]) => on).map(([c]) => c);
  const excluded = flags.filter(([, on]) => !on).map(([c]) => c);
  return included.length ? (c) => included.includes(c) : (c) => !excluded.includes(c);
}

/**
 * includeonlypinned, includeallpinned and includeacknowledged (§2.2), alike for events and groups:
 * whether an item, inside the time window or not, is listed.
 */
function pinAckFilter(q: Params): (item: { pinned: boolean; acknowledged: boolean }, inWindow: boolean) => boolean {
  const includeAck = q.bool('includeacknowledged', false);
  const allPinned = q.bool('includeallpinned', true);
  const onlyPinned = q.bool('includeonlypinned', false);
  return (item, inWindow) => {
    if (onlyPinned ? !item.pinned : !(inWindow || (allPinned && item.pinned))) return false;
    return includeAck || !item.acknowledged;
  };
}

/** An inclusive score range from a pair of optional parameters. */
function scoreRange(q: Params, minParam: string, maxParam: string): (score: number) => boolean {
  const min = q.num(minParam);
  const max = q.num(maxParam);
  return (score) => !(min !== undefined && score < min) && !(max !== undefined && score > max);
}

function deviceFilter(q: Params): (dids: number[], sids: number[]) => boolean {
  const did = q.ints('did');
  const exDid = q.ints('excludedid');
  const sid = q.ints('sid');
  const exSid = q.ints('excludesid');
  const saasonly = q.bool('saasonly', false);
  q.str('master');
  return (dids, sids) => {
    if (did && !dids.some((d) => did.includes(d))) return false;
    if (exDid && dids.some((d) => exDid.includes(d))) return false;
    if (sid && !sids.some((s) => sid.includes(s))) return false;
    if (exSid && sids.some((s) => exSid.includes(s))) return false;
    if (saasonly && !sids.some(isSaasSid)) return false;
    return true;
  };
}

function eventView(e: IncidentEvent, withUrl: boolean, instanceUrl: string): IncidentEvent {
  return withUrl ? { ...e, incidentEventUrl: `${instanceUrl}/#aiaincidentevent/${e.id}` } : e;
}

function incidentEvents(req: ApiRequest): ApiResult {
  const { query: q, ctx } = req;
  checkLocale(q);
  const withUrl = q.bool('includeincidenteventurl', false);
  const all = ctx.store.incidents.items;
  const uuids = q.str('uuid')?.split(',').map((s) => s.trim()).filter(Boolean);
  const respond = (events: IncidentEvent[]) => ({ json: applyResponseData(events.map((e) => eventView(e, withUrl, ctx.world.instanceUrl)), q.str('responsedata')) });
  // uuid takes priority over every filter, then groupid (§2.2).
  if (uuids?.length) return respond(uuids.map((id) => ctx.store.incidentById.get(id)?.alert).filter((e): e is IncidentEvent => !!e));
  const groupid = q.str('groupid');
  if (groupid) return respond(all.map((r) => r.alert).filter((e) => e.currentGroup === groupid));

  const { start, end } = window(req);
  const listed = pinAckFilter(q);
  const aiaScore = scoreRange(q, 'minscore', 'maxscore');
  const groupScore = scoreRange(q, 'mingroupscore', 'maxgroupscore');
  const category = categoryFilter(q, { compliance: 'groupcompliance', suspicious: 'groupsuspicious', critical: 'groupcritical' });
  const devices = deviceFilter(q);
  const out: IncidentEvent[] = [];
  for (const { alert: e, key } of all) {
    const inWindow = key >= start && key <= end;
    if (!listed(e, inWindow) || !aiaScore(e.aiaScore) || !groupScore(e.groupScore)) continue;
    if (category && !category(e.groupCategory)) continue;
    if (!devices(e.breachDevices.map((d) => d.did), e.breachDevices.map((d) => d.sid))) continue;
    out.push(e);
  }
  return respond(out);
}

export interface IncidentGroupView {
  id: string;
  active: boolean;
  acknowledged: boolean;
  pinned: boolean;
  userTriggered: boolean;
  externalTriggered: boolean;
  previousIds: string[];
  incidentEvents: { uuid: string; start: number; title: string; triggerDid?: number; sender?: string; visible: boolean; acknowledged: boolean }[];
  mitreTactics: string[];
  devices: number[];
  initialDevices: number[];
  category: string;
  groupScore: number;
  start: number;
  end: number;
  edges: unknown[];
  groupUrl?: string;
}

/** Folds events into incidents (`/aianalyst/groups` elements), in first-event order. */
export function buildGroups(events: IncidentEvent[]): { group: IncidentGroupView; sids: number[] }[] {
  const byId = new Map<string, { group: IncidentGroupView; sids: number[] }>();
  for (const e of events) {
    let entry = byId.get(e.currentGroup);
    const dids = e.breachDevices.map((d) => d.did);
    const start = Math.min(...e.periods.map((p) => p.start));
    const end = Math.max(...e.periods.map((p) => p.end));
    if (!entry) {
      entry = {
        group: {
          id: e.currentGroup, active: true, acknowledged: true, pinned: false, userTriggered: e.userTriggered, externalTriggered: e.externalTriggered,
          previousIds: e.groupPreviousGroups ?? [], incidentEvents: [], mitreTactics: [], devices: [], initialDevices: dids,
          category: e.groupCategory, groupScore: e.groupScore, start, end, edges: [],
        },
        sids: [],
      };
      byId.set(e.currentGroup, entry);
    }
    const g = entry.group;
    g.incidentEvents.push(e.sender ? { uuid: e.id, start, title: e.title, sender: e.sender, visible: true, acknowledged: e.acknowledged } : { uuid: e.id, start, title: e.title, triggerDid: dids[0], visible: true, acknowledged: e.acknowledged });
    g.acknowledged &&= e.acknowledged;
    g.pinned ||= e.pinned;
    for (const t of e.mitreTactics) if (!g.mitreTactics.includes(t)) g.mitreTactics.push(t);
    for (const d of dids) if (!g.devices.includes(d)) g.devices.push(d);
    for (const d of e.breachDevices) if (!entry.sids.includes(d.sid)) entry.sids.push(d.sid);
    g.groupScore = Math.max(g.groupScore, e.groupScore);
    g.start = Math.min(g.start, start);
    g.end = Math.max(g.end, end);
  }
  return [...byId.values()];
}

function groups(req: ApiRequest): ApiResult {
  const { query: q, ctx } = req;
  checkLocale(q);
  const withUrl = q.bool('includegroupurl', false);
  let entries = buildGroups(ctx.store.incidents.items.map((r) => r.alert));
  const uuids = q.str('uuid')?.split(',').map((s) => s.trim()).filter(Boolean);
  const groupid = q.str('groupid');
  const finish = (list: typeof entries) => ({
    json: applyResponseData(list.map(({ group }) => (withUrl ? { ...group, groupUrl: `${ctx.world.instanceUrl}/#aiaincident/${group.id}` } : group)), q.str('responsedata')),
  });
  if (uuids?.length) return finish(entries.filter(({ group }) => group.incidentEvents.some((e) => uuids.includes(e.uuid))));
  if (groupid) return finish(entries.filter(({ group }) => group.id === groupid));
  const { start, end } = window(req);
  const listed = pinAckFilter(q);
  const groupScore = scoreRange(q, 'minscore', 'maxscore');
  const category = categoryFilter(q, { compliance: 'compliance', suspicious: 'suspicious', critical: 'critical' });
  const devices = deviceFilter(q);
  entries = entries.filter(({ group: g, sids }) => {
    const overlaps = g.start <= end && g.end >= start;
    if (!listed(g, overlaps) || !groupScore(g.groupScore)) return false;
    if (category && !category(g.category)) return false;
    return devices(g.devices, sids);
  });
  return finish(entries);
}

function eventAction(apply: (e: IncidentEvent) => void) {
  return (req: ApiRequest): ApiResult => {
    const raw = req.body.str('uuid') ?? req.query.str('uuid');
    if (!raw) throw inputError('uuid is required');
    const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
    const records = ids.map((id) => req.ctx.store.incidentById.get(id));
    if (records.some((r) => !r)) throw inputError(`Unknown incident event uuid in ${raw}`);
    for (const r of records) {
      apply(r!.alert);
      req.ctx.store.touchIncident(r!.alert.id);
    }
    return { json: { aianalyst: 'SUCCESS' } };
  };
}

export const aianalystRoutes: Route[] = [
  { method: 'GET', pattern: /^\/aianalyst\/incidentevents\/?$/, accepts: [...COMMON, 'includeincidenteventurl', 'groupcompliance', 'groupsuspicious', 'groupcritical', 'mingroupscore', 'maxgroupscore'], handle: incidentEvents },
  { method: 'GET', pattern: /^\/aianalyst\/groups\/?$/, accepts: [...COMMON, 'includegroupurl', 'compliance', 'suspicious', 'critical'], handle: groups },
  { method: 'POST', pattern: /^\/aianalyst\/acknowledge\/?$/, accepts: ['uuid'], handle: eventAction((e) => (e.acknowledged = true)) },
  { method: 'POST', pattern: /^\/aianalyst\/unacknowledge\/?$/, accepts: ['uuid'], handle: eventAction((e) => (e.acknowledged = false)) },
  { method: 'POST', pattern: /^\/aianalyst\/pin\/?$/, accepts: ['uuid'], handle: eventAction((e) => (e.pinned = true)) },
  { method: 'POST', pattern: /^\/aianalyst\/unpin\/?$/, accepts: ['uuid'], handle: eventAction((e) => (e.pinned = false)) },
];
