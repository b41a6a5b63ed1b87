// GET /modelbreaches (+ /{pbid}, comments, acknowledge, unacknowledge), GET /mbcomments.
import { type ApiRequest, type ApiResult, type Route, applyResponseData } from '../context.ts';
import { inputError, notFound } from '../errors/errors.ts';
import type { Stored } from '../../persistence/timeIndex.ts';
import type { ModelBreach } from '../../types.ts';
import { breachView, breachViewJson, viewKey, type BreachViewOptions } from './breachViews.ts';
import { readWindow } from './timeWindow.ts';
import { isSaasSid } from './saas.ts';

const YEAR = 365 * 86_400_000;

const LIST_PARAMS = [
  'deviceattop', 'did', 'endtime', 'expandenums', 'from', 'historicmodelonly', 'includeacknowledged', 'includebreachurl',
  'minimal', 'minscore', 'pbid', 'pid', 'starttime', 'to', 'uuid', 'responsedata', 'saasonly', 'group', 'includesuppressed',
  'saasfilter', 'creationtime', 'fulldevicedetails',
];

function viewOptions(req: ApiRequest): BreachViewOptions {
  const q = req.query;
  const minimal = q.bool('minimal', false);
  return {
    historicmodelonly: q.bool('historicmodelonly', false),
    // Effectively true for API calls (§2.1): only an explicit false nests the device.
    deviceattop: q.bool('deviceattop', true),
    minimal,
    expandenums: q.bool('expandenums', false),
    includebreachurl: q.bool('includebreachurl', false) && !minimal,
  };
}

function serialise(record: Stored<ModelBreach>, key: string, o: BreachViewOptions): Buffer {
  let views = record.views;
  let bytes = views?.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(breachView(record.alert, o)), 'utf8');
    if (!views) record.views = views = new Map();
    views.set(key, bytes);
  }
  return bytes;
}

/** Bytes per breach view seen so far, to size a first response's buffer (grown if short). */
let viewSizeEstimate = 4096;
const FIRST_ALLOCATION_CAP = 64 * 1024 * 1024;

/**
 * `[a,b,…]` for a list of breaches in one buffer. Cached views are copied in; a missing one is
 * stringified and encoded straight into the response buffer while its string is still young (no
 * per-breach Buffer, no 40 MB of live strings for the GC to move), and the cache keeps a compact
 * copy of the fresh views (never a slice of the response buffer).
 */
function serialiseList(records: Stored<ModelBreach>[], key: string, o: BreachViewOptions): Buffer {
  const n = records.length;
  // Capped, so one odd estimate cannot ask for gigabytes up front; beyond it the buffer doubles.
  let out = Buffer.allocUnsafe(Math.min(2 + n * (viewSizeEstimate + 1), FIRST_ALLOCATION_CAP));
  let at = 0;
  let fresh = 0;
  const missed: number[] = [];
  const ensure = (more: number) => {
    if (at + more + 2 <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + more + 2));
    out.copy(bigger, 0, 0, at);
    out = bigger;
  };
  out[at++] = 0x5b;
  for (let i = 0; i < n; i++) {
    if (i > 0) out[at++] = 0x2c;
    const record = records[i]!;
    const hit = record.views?.get(key);
    if (hit !== undefined) {
      ensure(hit.length);
      at += hit.copy(out, at);
      continue;
    }
    const text = breachViewJson(record.alert, o);
    const size = Buffer.byteLength(text, 'utf8');
    ensure(size);
    // As many bytes as UTF-16 units means pure ASCII, where latin1 writes the same bytes faster.
    out.write(text, at, size, size === text.length ? 'latin1' : 'utf8');
    missed.push(i, at, size);
    at += size;
    fresh += size;
  }
  out[at++] = 0x5d;
  if (missed.length) viewSizeEstimate = Math.ceil((fresh / (missed.length / 3)) * 1.05);
  // The cache must not keep slices of `out`: a slice keeps its whole parent alive, so every poll
  // that met a new breach would pin its entire (over-allocated) response buffer for as long as the
  // store keeps the breach — for ever (issue 14's soak: ~50 MB/min of external memory). The fresh
  // views of this response are copied into one buffer of exactly their size instead.
  const kept = fresh > 0 ? Buffer.allocUnsafeSlow(fresh) : undefined;
  let keptAt = 0;
  for (let m = 0; m < missed.length; m += 3) {
    const record = records[missed[m]!]!;
    const from = keptAt;
    keptAt += out.copy(kept!, keptAt, missed[m + 1]!, missed[m + 1]! + missed[m + 2]!);
    (record.views ??= new Map()).set(key, kept!.subarray(from, keptAt));
  }
  return out.subarray(0, at);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

export function listBreaches(req: ApiRequest): ApiResult {
  const { query: q, ctx } = req;
  const store = ctx.store;
  const o = viewOptions(req);
  const byCreation = q.bool('creationtime', false);
  const index = byCreation ? store.breachesByCreation : store.breaches;
  let { start, end } = readWindow(q, ctx.policy.epochSecondsHeuristic);
  // No time: from the beginning of memory, one year per response (§2.1).
  if (start === undefined && end === undefined) start = index.firstKey() ?? ctx.now();
  if (start === undefined) start = end! - YEAR;
  if (end === undefined) end = ctx.now();
  if (end - start > YEAR) end = start + YEAR;

  let records = index.range(start, end);
  const pbids = q.ints('pbid');
  const pids = q.ints('pid');
  const dids = q.ints('did');
  const minscore = q.num('minscore');
  const uuids = q.str('uuid')?.split(',').map((s) => s.trim().toLowerCase());
  const includeAck = q.bool('includeacknowledged', false);
  const saasonly = q.bool('saasonly', false);
  const saasfilters = q.all('saasfilter').map(wildcard);
  q.bool('includesuppressed', false);
  q.bool('fulldevicedetails', false);
  const needsFilter = pbids || pids || dids || minscore !== undefined || uuids || !includeAck || saasonly || saasfilters.length;
  if (needsFilter) {
    records = records.filter(({ alert: b }) => {
      if (!includeAck && b.acknowledged !== false) return false;
      if (minscore !== undefined && b.score < minscore) return false;
      if (pbids && !pbids.includes(b.pbid)) return false;
      if (pids && !pids.includes(b.model.then.pid)) return false;
      if (dids && !dids.includes(b.device.did)) return false;
      if (uuids && !uuids.includes(b.model.then.uuid)) return false;
      if (saasonly && !isSaasSid(b.device.sid)) return false;
      if (saasfilters.length) {
        const module = /^SaaS::([^:]+):/.exec(String(b.device.hostname ?? ''))?.[1] ?? '';
        if (!saasfilters.some((re) => re.test(module))) return false;
      }
      return true;
    });
  }

  const group = q.str('group');
  if (group !== undefined && group !== 'device') throw inputError('Parameter group must be device');
  const responsedata = q.str('responsedata');
  if (group === 'device') {
    // group=device: `score` becomes the device score (its highest breach score in the set), the breach score moves to pbscore.
    const deviceScore = new Map<number, number>();
    for (const { alert: b } of records) deviceScore.set(b.device.did, Math.max(deviceScore.get(b.device.did) ?? 0, b.score));
    const list = records.map(({ alert: b }) => {
      const v = breachView(b, o);
      const ds = deviceScore.get(b.device.did)!;
      return { ...v, score: ds, pbscore: b.score, devicescore: ds, devicepercentscore: Math.round(ds * 100), did: b.device.did };
    });
    return { json: applyResponseData(list, responsedata) };
  }
  if (responsedata) return { json: applyResponseData(records.map((r) => breachView(r.alert, o)), responsedata) };
  return { raw: serialiseList(records, viewKey(o), o) };
}

function findBreach(req: ApiRequest): Stored<ModelBreach> {
  const pbid = Number(req.pathParams[0]);
  const record = Number.isInteger(pbid) ? req.ctx.store.breachByPbid.get(pbid) : undefined;
  if (!record) throw notFound(`Model breach ${req.pathParams[0]} not found`);
  return record;
}

function getBreach(req: ApiRequest): ApiResult {
  const record = findBreach(req);
  const o = viewOptions(req);
  const responsedata = req.query.str('responsedata');
  if (responsedata) return { json: applyResponseData(breachView(record.alert, o), responsedata) };
  return { raw: serialise(record, viewKey(o), o) };
}

function comments(req: ApiRequest): ApiResult {
  const record = findBreach(req);
  return { json: req.ctx.store.comments.get(record.alert.pbid) ?? [] };
}

function addComment(req: ApiRequest): ApiResult {
  const record = findBreach(req);
  const message = req.body.str('message');
  if (!message) throw inputError('message is required');
  const list = req.ctx.store.comments.get(record.alert.pbid) ?? [];
  list.push({ time: req.ctx.now(), message, username: req.token.username ?? `DTAPI_${req.token.public}`, pbid: record.alert.pbid });
  req.ctx.store.comments.set(record.alert.pbid, list);
  record.alert.commentCount = list.length;
  req.ctx.store.touchBreach(record.alert.pbid);
  return { json: { response: 'SUCCESS' } };
}

function acknowledge(flag: 'acknowledge' | 'unacknowledge') {
  return (req: ApiRequest): ApiResult => {
    const record = findBreach(req);
    if (!req.body.bool(flag, false) && !req.body.bool('replicate', false)) throw inputError(`${flag} must be true`);
    record.alert.acknowledged = flag === 'acknowledge' ? { time: req.ctx.now(), username: req.token.username ?? `DTAPI_${req.token.public}` } : false;
    req.ctx.store.touchBreach(record.alert.pbid);
    return { json: { response: 'SUCCESS' } };
  };
}

function mbcomments(req: ApiRequest): ApiResult {
  const pbid = req.query.int('pbid');
  const all = [...req.ctx.store.comments.values()].flat();
  return { json: pbid === undefined ? all : all.filter((c) => c.pbid === pbid) };
}

const SHAPE = ['deviceattop', 'expandenums', 'historicmodelonly', 'minimal', 'includebreachurl', 'responsedata', 'fulldevicedetails'];

export const breachRoutes: Route[] = [
  { method: 'GET', pattern: /^\/modelbreaches\/?$/, accepts: LIST_PARAMS, handle: listBreaches },
  { method: 'GET', pattern: /^\/modelbreaches\/(\d+)\/?$/, accepts: SHAPE, handle: getBreach },
  { method: 'GET', pattern: /^\/modelbreaches\/(\d+)\/comments\/?$/, accepts: ['responsedata'], handle: comments },
  { method: 'POST', pattern: /^\/modelbreaches\/(\d+)\/comments\/?$/, accepts: [], handle: addComment },
  { method: 'POST', pattern: /^\/modelbreaches\/(\d+)\/acknowledge\/?$/, accepts: [], handle: acknowledge('acknowledge') },
  { method: 'POST', pattern: /^\/modelbreaches\/(\d+)\/unacknowledge\/?$/, accepts: [], handle: acknowledge('unacknowledge') },
  { method: 'GET', pattern: /^\/mbcomments\/?$/, accepts: ['pbid', 'responsedata'], handle: mbcomments },
];
