// Darktrace/Email API, served under both /agemail/api/ep/api/v1.0 and /agemail/api/v1.0 (§2.10).
import { EMAIL_TAGS } from '../../generators/emailTags.ts';
import type { EmailAlert } from '../../types.ts';
import type { ApiRequest, ApiResult, Route } from '../context.ts';
import { conflict, inputError, notFound } from '../errors/errors.ts';
import { releaseEvent } from '../../activity/email-releases.ts';
import { readWindow } from './timeWindow.ts';

const PREFIX = '(?:/agemail/api/ep/api/v1\\.0|/agemail/api/v1\\.0)';
const TAG_STATUS = new Map(EMAIL_TAGS.map((t) => [t.name, t.status]));
const SEVERITY_ALIASES: Record<string, string> = { critical: 'critical', warn: 'warn', warning: 'warn', info: 'info', informational: 'info' };

interface Criterion {
  apiFilter: string;
  value: string;
  operator: string;
}

function compare(a: number | string, op: string, b: number | string): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '=': case '==': case 'is': return a === b;
    case '!=': case 'is not': return a !== b;
    default: throw inputError(`Unsupported operator ${op}`);
  }
}

function matcher(c: Criterion): (e: EmailAlert) => boolean {
  if (typeof c !== 'object' || c === null || typeof c.apiFilter !== 'string') throw inputError('Each criterion needs apiFilter, value and operator');
  const value = String(c.value ?? '');
  const op = String(c.operator ?? '=');
  const negate = op === '!=' || op === 'is not';
  switch (c.apiFilter) {
    case 'Email.Antigena Email Anomaly': {
      const n = Number(value);
      if (!Number.isFinite(n)) throw inputError('Email.Antigena Email Anomaly needs a numeric value');
      return (e) => compare(e.model_score, op, n);
    }
    case 'Action.Action Taken': {
      const lower = value.toLowerCase();
      const want = (e: EmailAlert) =>
        lower === 'true' ? e.rcpts.some((r) => r.rcpt_actions_taken.length > 0) : lower === 'false' ? e.rcpts.every((r) => r.rcpt_actions_taken.length === 0) : e.rcpts.some((r) => r.rcpt_actions_taken.some((a) => a.toLowerCase() === lower));
      return negate ? (e) => !want(e) : want;
    }
    case 'Antigena Tag': {
      const want = (e: EmailAlert) => e.rcpts.some((r) => r.tags.includes(value));
      return negate ? (e) => !want(e) : want;
    }
    case 'Model Tag Severity': {
      const severity = SEVERITY_ALIASES[value.toLowerCase()];
      if (!severity) throw inputError(`Unknown tag severity ${value}`);
      const want = (e: EmailAlert) => e.rcpts.some((r) => r.tags.some((t) => TAG_STATUS.get(t) === severity));
      return negate ? (e) => !want(e) : want;
    }
    case 'Connection.Direction': {
      const want = (e: EmailAlert) => e.direction === value.toLowerCase();
      return negate ? (e) => !want(e) : want;
    }
    default:
      throw inputError(`Unknown apiFilter ${c.apiFilter}`);
  }
}

function search(req: ApiRequest): ApiResult {
  const body = (req.json ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body)) throw inputError('The search body must be a JSON object');
  const page = body.page ?? 0;
  const perPage = body.itemsPerPage ?? 20;
  if (!Number.isInteger(page) || (page as number) < 0) throw inputError('page must be a non-negative integer');
  if (!Number.isInteger(perPage) || (perPage as number) < 1 || (perPage as number) > 1000) throw inputError('itemsPerPage must be an integer between 1 and 1000');
  const from = body.timeFrom === undefined ? undefined : Number(body.timeFrom);
  const to = body.timeTo === undefined ? undefined : Number(body.timeTo);
  if ((from !== undefined && !Number.isFinite(from)) || (to !== undefined && !Number.isFinite(to))) throw inputError('timeFrom and timeTo must be epoch seconds');
  const query = (body.query ?? { criteriaList: [], mode: 'and' }) as { criteriaList?: Criterion[]; mode?: string };
  const mode = query.mode ?? 'and';
  if (mode !== 'and' && mode !== 'or') throw inputError('query.mode must be and or or');
  if (query.criteriaList !== undefined && !Array.isArray(query.criteriaList)) throw inputError('query.criteriaList must be an array');
  const matchers = (query.criteriaList ?? []).map(matcher);
  const startMs = from === undefined ? -Infinity : from * 1000;
  const endMs = to === undefined ? Infinity : to * 1000 + 999;
  const store = req.ctx.store.emails;
  const inWindow = store.range(Math.max(startMs, -8.64e15), Math.min(endMs, 8.64e15));
  const hits: EmailAlert[] = [];
  // Newest first, as the console lists them.
  for (let i = inWindow.length - 1; i >= 0; i--) {
    const e = inWindow[i]!.alert;
    if (matchers.length && !(mode === 'and' ? matchers.every((m) => m(e)) : matchers.some((m) => m(e)))) continue;
    hits.push(e);
  }
  const offset = (page as number) * (perPage as number);
  return { json: hits.slice(offset, offset + (perPage as number)) };
}

function find(req: ApiRequest): EmailAlert {
  const uuid = req.pathParams[0]!;
  const record = req.ctx.store.emailByUuid.get(uuid) ?? req.ctx.store.emailByUuid.get(uuid.toUpperCase());
  if (!record) throw notFound('Email not found. Ensure the UUID provided is correct.');
  return record.alert;
}

function action(req: ApiRequest): ApiResult {
  const email = find(req);
  const body = (req.json ?? {}) as { action?: unknown; recipients?: unknown };
  const act = body.action;
  if (act !== 'hold' && act !== 'release') throw inputError('action must be hold or release');
  const wanted = Array.isArray(body.recipients) ? body.recipients.map(String) : email.rcpts.map((r) => r.rcpt_to);
  const rcpts = email.rcpts.filter((r) => wanted.includes(r.rcpt_to));
  if (rcpts.length === 0) throw inputError('None of the recipients received this email');
  if (act === 'hold') {
    if (rcpts.some((r) => r.rcpt_status === 'held' || r.rcpt_status === 'released')) throw conflict('Failed to hold email - Previously Held or Released');
    for (const r of rcpts) {
      r.rcpt_status = 'held';
      if (!r.rcpt_actions_taken.includes('Hold message')) r.rcpt_actions_taken.push('Hold message');
      r.action_status = true;
      req.ctx.engine.activity.addRelease(releaseEvent(email, r, 'hold', req.ctx.now(), 'api'));
    }
    return { json: { code: 0, resp: 'Held Email' } };
  }
  if (rcpts.some((r) => r.rcpt_status !== 'held')) throw conflict('Failed to release email - Previously Released or Not Held');
  for (const r of rcpts) {
    r.rcpt_status = 'released';
    r.requestedRelease = true;
    req.ctx.engine.activity.addRelease(releaseEvent(email, r, 'release', req.ctx.now(), 'api'));
  }
  return { json: { resp: 'Email added to queue' } };
}

/**
 * GET …/system/audit/events (listed in the 6.1 API, parameters undocumented): the hold and release
 * events of the window, oldest first. starttime/endtime (or from/to) are the simulator's choice, as is
 * the event shape (docs/reference/simulator.md).
 */
function auditEvents(req: ApiRequest): ApiResult {
  const now = req.ctx.now();
  const { start, end } = readWindow(req.query, true);
  const from = start ?? -Infinity;
  const to = end ?? Infinity;
  return { json: req.ctx.engine.activity.releases.filter((e) => e.time <= now && e.time >= from && e.time <= to) };
}

export const emailRoutes: Route[] = [
  { method: 'GET', pattern: new RegExp(`^${PREFIX}/system/audit/events/?$`), accepts: ['starttime', 'endtime', 'from', 'to'], handle: auditEvents },
  { method: 'POST', pattern: new RegExp(`^${PREFIX}/emails/search/?$`), accepts: [], handle: search },
  { method: 'GET', pattern: new RegExp(`^${PREFIX}/emails/([^/]+)/?$`), accepts: ['dtime'], handle: (req) => ({ json: find(req) }) },
  { method: 'POST', pattern: new RegExp(`^${PREFIX}/emails/([^/]+)/action/?$`), accepts: [], handle: action },
  { method: 'GET', pattern: new RegExp(`^${PREFIX}/resources/tags/?$`), accepts: [], handle: () => ({ json: EMAIL_TAGS }) },
];
