// Native fault injection for the fake API (PUT/GET/DELETE /_lab/faults): per path-prefix rules that
// answer a 5xx, a genuine DTAPI auth error, or delay the answer, a number of times or with a
// probability. Probabilities draw from a seeded generator so a seed reproduces which requests fail.
import { STATUS_CODES } from 'node:http';
import { Rng } from '../random.ts';


export interface FaultRuleInput {
  /** Path prefix the rule applies to (decoded path, e.g. "/modelbreaches"; "/" = every API route). */
  path: string;
  /** Only this HTTP method (default any). */
  method?: string;
  /** Answer this 5xx (500–599) instead of serving the request. */
  status?: number;
  /** Answer the real auth error: "signature" → API SIGNATURE ERROR, "date" → API DATE ERROR. */
  auth?: 'signature' | 'date';
  /** Delay before answering (alone: the request is then served normally), ms. */
  latencyMs?: number;
  /** Fire this many times, then stop (default unlimited). */
  count?: number;
  /** Fire on this share of matching requests, 0–1 (default 1). */
  probability?: number;
  /** Body for a status fault (default the appliance's nginx error page). */
  body?: string;
}

export interface FaultRule extends FaultRuleInput {
  id: number;
  /** Requests this rule has fired on. */
  hits: number;
}

export type FaultAction = { rule: FaultRule; latencyMs: number; answer?: { kind: 'status'; status: number; body: string } | { kind: 'auth'; error: 'signature' | 'date' } };

const REASONS: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** The appliance fronts its UI and API with nginx; a 5xx it produces is nginx's stock HTML page (a documented choice). */
export function nginxErrorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Validates a rule, naming the key path and reason on error. */
export function parseRule(raw: unknown, at: string): FaultRuleInput {
  const bad = (key: string, why: string): never => {
    throw new Error(`${at}.${key}: ${why}`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${at}: must be an object`);
  const r = raw as Record<string, unknown>;
  const known = ['path', 'method', 'status', 'auth', 'latencyMs', 'count', 'probability', 'body'];
  for (const k of Object.keys(r)) if (!known.includes(k)) bad(k, `unknown key (one of ${known.join(', ')})`);
  if (typeof r.path !== 'string' || !r.path.startsWith('/')) bad('path', 'must be a path prefix starting with /');
  const out: FaultRuleInput = { path: r.path as string };
  if (r.method !== undefined) {
    if (typeof r.method !== 'string' || !/^[A-Za-z]+$/.test(r.method)) bad('method', 'must be an HTTP method');
    out.method = (r.method as string).toUpperCase();
  }
  if (r.status !== undefined) {
    if (!Number.isInteger(r.status) || (r.status as number) < 500 || (r.status as number) > 599) bad('status', 'must be a 5xx status (500–599)');
    out.status = r.status as number;
  }
  if (r.auth !== undefined) {
    if (r.auth !== 'signature' && r.auth !== 'date') bad('auth', 'must be "signature" or "date"');
    out.auth = r.auth as 'signature' | 'date';
  }
  if (out.status !== undefined && out.auth !== undefined) bad('auth', 'give status or auth, not both');
  if (r.latencyMs !== undefined) {
    if (!Number.isInteger(r.latencyMs) || (r.latencyMs as number) < 0 || (r.latencyMs as number) > 600_000) bad('latencyMs', 'must be an integer from 0 to 600000');
    out.latencyMs = r.latencyMs as number;
  }
  if (out.status === undefined && out.auth === undefined && out.latencyMs === undefined) bad('status', 'give status, auth or latencyMs');
  if (r.count !== undefined) {
    if (!Number.isInteger(r.count) || (r.count as number) < 1) bad('count', 'must be a positive integer');
    out.count = r.count as number;
  }
  if (r.probability !== undefined) {
    if (typeof r.probability !== 'number' || !(r.probability >= 0 && r.probability <= 1)) bad('probability', 'must be a number from 0 to 1');
    out.probability = r.probability as number;
  }
  if (r.body !== undefined) {
    if (typeof r.body !== 'string') bad('body', 'must be a string');
    if (out.status === undefined) bad('body', 'only applies to a status fault');
    out.body = r.body as string;
  }
  return out;
}

export class FaultSet {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private rng: Rng;

  constructor(private readonly seed: number) {
    this.rng = new Rng(`faults:${seed}`);
  }

  /** Replaces every rule (and restarts the probability draws, so a rule set replays the same way). */
  replace(inputs: FaultRuleInput[]): FaultRule[] {
    this.rules = inputs.map((r) => ({ id: this.nextId++, ...r, hits: 0 }));
    this.rng = new Rng(`faults:${this.seed}`);
    return this.list();
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first rule that fires for this request, counting the hit; undefined when none does. */
  match(method: string, path: string): FaultAction | undefined {
    for (const rule of this.rules) {
      if (!path.startsWith(rule.path)) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.count !== undefined && rule.hits >= rule.count) continue;
      if (rule.probability !== undefined && rule.probability < 1 && !(this.rng.next() < rule.probability)) continue;
      rule.hits++;
      const latencyMs = rule.latencyMs ?? 0;
      if (rule.status !== undefined) return { rule, latencyMs, answer: { kind: 'status', status: rule.status, body: rule.body ?? nginxErrorPage(rule.status) } };
      if (rule.auth !== undefined) return { rule, latencyMs, answer: { kind: 'auth', error: rule.auth } };
      return { rule, latencyMs };
    }
    return undefined;
  }
}
