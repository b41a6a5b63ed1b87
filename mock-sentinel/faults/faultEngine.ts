// Decides, per request and route, whether to inject a fault. Rules are checked in order: latency rules
// that fire add up; the first error or drop rule that fires ends the search. Probabilities draw from a
// seeded generator so a run reproduces.
import type { InjectedErrorSpec } from '../errors/serviceError.ts';
import type { FaultConfig, FaultRuleInput } from './faultRules.ts';

export interface FaultDecision {
  latencyMs: number;
  terminal?: { kind: 'error'; spec: InjectedErrorSpec } | { kind: 'drop' } | { kind: 'store-then-drop' };
  /** For the audit log: e.g. `rule-1:429`, `prefer:latency=200ms`. */
  label: string;
}

export type FaultRuleState = FaultRuleInput & {
  id: string;
  route: string;
  matched: number;
  fired: number;
  windowStartedAt: number;
  /** When the rules were set (a `role-missing` rule lifts `liftAfterMs` later). */
  setAt: number;
};

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ruleState(rule: FaultRuleInput, index: number, startedAt: number): FaultRuleState {
  return { ...rule, id: rule.id ?? `rule-${index + 1}`, route: rule.route ?? '*', matched: 0, fired: 0, windowStartedAt: startedAt, setAt: startedAt };
}

export class FaultEngine {
  private rules: FaultRuleState[] = [];
  private seed = 1;
  private random = mulberry32(1);

  constructor(private readonly now: () => number = Date.now) {}

  /** Replaces every rule (and reseeds when the config has a seed). */
  set(config: FaultConfig): void {
    this.seed = config.seed ?? this.seed;
    this.random = mulberry32(this.seed);
    const startedAt = this.now();
    this.rules = config.rules.map((rule, i) => ruleState(rule, i, startedAt));
  }

  /** Adds a rule after those in force, whose counters carry on (set() would restart them). */
  add(rule: FaultRuleInput): void {
    this.rules.push(ruleState(rule, this.rules.length, this.now()));
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules in force with their counters. */
  list(): { seed: number; rules: FaultRuleState[] } {
    return { seed: this.seed, rules: this.rules.map((r) => ({ ...r })) };
  }

  decide(route: string, prefer?: string): FaultDecision | undefined {
    const fromHeader = prefer === undefined ? undefined : decisionFromPrefer(prefer);
    if (fromHeader) return fromHeader;
    let latencyMs = 0;
    const labels: string[] = [];
    for (const rule of this.rules) {
      if (rule.route !== '*' && rule.route !== route) continue;
      if (rule.fault === 'role-missing') continue; // decided once the app and the DCR are known: roleMissing()
      if (!this.fires(rule)) continue;
      if (rule.fault === 'latency') {
        latencyMs += rule.latencyMs ?? 0;
        labels.push(`${rule.id}:latency=${rule.latencyMs ?? 0}ms`);
        continue;
      }
      labels.push(`${rule.id}:${rule.fault}`);
      const terminal: FaultDecision['terminal'] =
        rule.fault === 'drop' || rule.fault === 'store-then-drop'
          ? { kind: rule.fault }
          : { kind: 'error', spec: { status: rule.fault, retryAfterSeconds: rule.retryAfter } };
      return { latencyMs, terminal, label: labels.join(', ') };
    }
    return latencyMs > 0 ? { latencyMs, label: labels.join(', ') } : undefined;
  }

  /**
   * The label of the first `role-missing` rule in force for this app on this DCR (matched
   * case-insensitively), or undefined: the app then has its role as configured.
   */
  roleMissing(appId: string, dcrImmutableId: string): string | undefined {
    for (const rule of this.rules) {
      if (rule.fault !== 'role-missing') continue;
      if (rule.appId !== undefined && rule.appId.toLowerCase() !== appId.toLowerCase()) continue;
      if (rule.dcr !== undefined && rule.dcr.toLowerCase() !== dcrImmutableId.toLowerCase()) continue;
      if (rule.liftAfterMs !== undefined && this.now() - rule.setAt >= rule.liftAfterMs) continue;
      if (!this.fires(rule)) continue;
      return `${rule.id}:role-missing`;
    }
    return undefined;
  }

  private fires(rule: FaultRuleState): boolean {
    if (rule.windowMs !== undefined) {
      const now = this.now();
      if (now - rule.windowStartedAt >= rule.windowMs) {
        rule.windowStartedAt = now - ((now - rule.windowStartedAt) % rule.windowMs);
        rule.matched = 0;
        rule.fired = 0;
      }
    }
    rule.matched++;
    if (rule.matched <= (rule.after ?? 0)) return false;
    if (rule.count !== undefined && rule.fired >= rule.count) return false;
    if (rule.probability !== undefined && rule.probability < 1 && this.random() >= rule.probability) return false;
    rule.fired++;
    return true;
  }
}

/**
 * Per-request faults from a `Prefer` header (when enabled): `code=429`, `code=503, retry-after=5`,
 * `code=500`, `latency=200` (ms), `drop`. Anything else in the header is ignored.
 */
export function decisionFromPrefer(header: string): FaultDecision | undefined {
  const params = new Map<string, string>();
  for (const part of header.split(/[,;]/)) {
    const [name, value = ''] = part.trim().split('=', 2).map((s) => s.trim());
    if (name) params.set(name.toLowerCase(), value.replace(/^"|"$/g, ''));
  }
  const latencyMs = Number(params.get('latency') ?? 0);
  const latency = Number.isFinite(latencyMs) && latencyMs > 0 ? Math.trunc(latencyMs) : 0;
  const code = params.get('code');
  const retryAfter = params.has('retry-after') ? Number(params.get('retry-after')) : undefined;
  const retryAfterSeconds = retryAfter !== undefined && Number.isInteger(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
  if (params.has('drop') || code === 'drop') return { latencyMs: latency, terminal: { kind: 'drop' }, label: 'prefer:drop' };
  if (code === '429' || code === '500' || code === '503') {
    const status = Number(code) as 429 | 500 | 503;
    return { latencyMs: latency, terminal: { kind: 'error', spec: { status, retryAfterSeconds } }, label: `prefer:${code}` };
  }
  if (latency > 0) return { latencyMs: latency, label: `prefer:latency=${latency}ms` };
  return undefined;
}
