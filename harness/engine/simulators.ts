// The Darktrace side of a run: the in-process simulator (createSimulator, stepped clock driven by the
// harness, no backfill, the scenario's rates) or a simulator at a URL driven through its /_lab API.
// Either way faults go through the simulator's own fault API (PUT/GET/DELETE /_lab/faults), which
// answers before DTAPI auth with the genuine error bodies; the connector talks to the simulator directly.
import { adminAuthorization } from './admin-token.ts';
import { createSimulator, DEFAULT_TOKENS, type Simulator } from '../../simulator/index.ts';
import type { Scenario, AlertType } from '../scenario/types.ts';
import type { GroundTruth, SimulatorDriver, SimulatorFault } from './simulator-driver.ts';

export interface PushSpec {
  url: string;
  token: string;
  types: AlertType[];
}

/** The simulator's fault RULE for a scenario fault: every DTAPI route ("/"), every request. */
export function faultRule(f: SimulatorFault): Record<string, unknown> {
  switch (f.kind) {
    case 'authError':
      return { path: '/', auth: 'signature' };
    case 'status':
      return { path: '/', status: f.status };
    case 'slow':
      return { path: '/', latencyMs: f.latencyMs };
  }
}

/** The simulator's /_lab/faults API at `base`: set (PUT, or DELETE for none) and the hits of the rules in force. */
function labFaults(base: string): Pick<SimulatorDriver, 'setFault' | 'faultHits'> {
  const call = async (method: string, body?: unknown): Promise<{ rules: Array<{ hits?: number }> }> => {
    const res = await fetch(`${base}/_lab/faults`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...adminAuthorization('darktrace') },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /_lab/faults: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as { rules: Array<{ hits?: number }> };
  };
  return {
    async setFault(f) {
      if (f) await call('PUT', { rules: [faultRule(f)] });
      else await call('DELETE');
    },
    async faultHits() {
      const { rules } = await call('GET');
      return rules.reduce((n, r) => n + (r.hits ?? 0), 0);
    },
  };
}

/** Rates per hour for the simulator: the scenario's types at their rates, everything else (and background stories) off. */
function perHour(s: Scenario): { modelBreach: number; aiAnalyst: number; systemAlert: number; email: number; story: number } {
  const r = s.rates;
  return { modelBreach: (r.modelBreach ?? 0) * 3600, aiAnalyst: (r.aiAnalyst ?? 0) * 3600, systemAlert: (r.systemAlert ?? 0) * 3600, email: (r.email ?? 0) * 3600, story: 0 };
}

export async function startSimulator(s: Scenario, clockStart: number, push?: PushSpec): Promise<SimulatorDriver> {
  const topo = s.topology.simulator;
  if (topo !== 'in-process') return externalSimulator(topo, s);
  const sim: Simulator = createSimulator({
    seed: s.seed,
    clockStart,
    speed: 0,
    backfill: 0,
    rates: perHour(s),
    ...(s.world.users ? { users: s.world.users } : {}),
    ...(s.asmFindings === undefined ? {} : { asmPerHour: s.asmFindings * 3600 }),
    // Real and accelerated clocks are stepped by the harness from wall time about every 50 ms; a step
    // that lands late because the loop was blocked must publish its records as created now, not in
    // the past behind the connector's poll overlap (docs/reference/simulator.md, "Late insertion").
    ...(s.clock.mode === 'stepped' ? {} : { lateInsertionToleranceMs: Math.max(1000, 50 * s.clock.speed) }),
    // raw: the alert JSON alone, which the connector recognises by shape.
    ...(push ? { push: [{ url: push.url, token: push.token, types: push.types, format: 'raw' as const, initialBackoffMs: 50, maxBackoffMs: 1000 }] } : {}),
  });
  const { url } = await sim.listen();
  sim.start();
  let seen = 0;
  return {
    url,
    publicToken: DEFAULT_TOKENS[0]!.public,
    privateToken: DEFAULT_TOKENS[0]!.private,
    now: async () => sim.clock.now(),
    async advanceTo(ms) {
      const d = ms - sim.clock.now();
      if (d > 0) sim.advance(d);
    },
    async emit(type, count, patches) {
      sim.emitNow(type, count, patches);
    },
    async story(name, params) {
      sim.startStory(name, params);
    },
    async newlyGenerated() {
      const truth = sim.engine.truth;
      const out: GroundTruth[] = [];
      for (; seen < truth.length; seen++) {
        const t = truth[seen]!;
        out.push({ type: t.type, id: t.id, time: t.time, ...(t.status ? { status: t.status } : {}) });
      }
      return out;
    },
    ...labFaults(url),
    close: () => sim.close(),
  };
}

/** A simulator someone else runs (dtlab darktrace): driven over /_lab, its clock stepped from here. */
async function externalSimulator(opts: { url: string; publicToken?: string; privateToken?: string }, s: Scenario): Promise<SimulatorDriver> {
  const base = opts.url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers = { ...(body ? { 'content-type': 'application/json' } : {}), ...adminAuthorization('darktrace') };
    const res = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };
  await call('PUT', '/_lab/rates', perHour(s));
  const seen = new Set<string>();
  let since: string | undefined;
  return {
    url: base,
    publicToken: opts.publicToken ?? DEFAULT_TOKENS[0]!.public,
    privateToken: opts.privateToken ?? DEFAULT_TOKENS[0]!.private,
    now: async () => Date.parse((await call<{ now: string }>('GET', '/_lab/clock')).now),
    async advanceTo(ms) {
      const now = Date.parse((await call<{ now: string }>('GET', '/_lab/clock')).now);
      if (ms > now) await call('POST', '/_lab/clock', { to: new Date(ms).toISOString() });
    },
    emit: async (type, count, patches) => void (await call('POST', '/_lab/emit', { type, count, ...(patches ? { patches } : {}) })),
    story: async (name, params) => void (await call('POST', '/_lab/emit', { story: name, params })),
    async newlyGenerated() {
      const q = since ? `?since=${encodeURIComponent(since)}` : '';
      const body = await call<{ items: Array<{ type: AlertType; id: string; time: string; seq: number; status?: string }> }>('GET', `/_lab/generated${q}`);
      const out: GroundTruth[] = [];
      for (const i of body.items) {
        const key = `${i.type}:${i.id}:${i.seq}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ type: i.type, id: i.id, time: Date.parse(i.time), ...(i.status ? { status: i.status } : {}) });
        if (!since || i.time > since) since = i.time;
      }
      return out;
    },
    ...labFaults(base),
    close: async () => {},
  };
}
