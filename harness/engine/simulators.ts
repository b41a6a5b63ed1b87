// The Darktrace side of a run: the in-process simulator (createSimulator, stepped clock driven by the
// harness, no backfill, the scenario's rates) or a simulator at a URL driven through its /_lab API.
// Either way the connector reaches it through the fault proxy, so simulator faults work for both.
import { createSimulator, DEFAULT_TOKENS, type Simulator } from '../../simulator/index.ts';
import type { Scenario, AlertType } from '../scenario/types.ts';
import type { GroundTruth, SimulatorDriver } from './simulator-driver.ts';
import { startFaultProxy } from './darktrace-fault-proxy.ts';

export interface PushSpec {
  url: string;
  token: string;
  types: AlertType[];
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
    // raw: the alert JSON alone, which the connector recognises by shape. (The envelope's type
    // 'systemAlert' is not one of the connector's markers, so enveloped system alerts are rejected.)
    ...(push ? { push: [{ url: push.url, token: push.token, types: push.types, format: 'raw' as const, initialBackoffMs: 50, maxBackoffMs: 1000 }] } : {}),
  });
  const { url } = await sim.listen();
  sim.start();
  const proxy = await startFaultProxy(url);
  let seen = 0;
  return {
    url: proxy.url,
    publicToken: DEFAULT_TOKENS[0]!.public,
    privateToken: DEFAULT_TOKENS[0]!.private,
    now: async () => sim.clock.now(),
    async advanceTo(ms) {
      const d = ms - sim.clock.now();
      if (d > 0) sim.advance(d);
    },
    async emit(type, count) {
      sim.emitNow(type, count);
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
    async setFault(f) {
      proxy.setFault(f);
    },
    faultedRequests: () => proxy.faulted,
    async close() {
      await proxy.close();
      await sim.close();
    },
  };
}

/** A simulator someone else runs (dtlab darktrace): driven over /_lab, its clock stepped from here. */
async function externalSimulator(opts: { url: string; publicToken?: string; privateToken?: string }, s: Scenario): Promise<SimulatorDriver> {
  const base = opts.url.replace(/\/+$/, '');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  };
  await call('PUT', '/_lab/rates', perHour(s));
  const proxy = await startFaultProxy(base);
  const seen = new Set<string>();
  let since: string | undefined;
  return {
    url: proxy.url,
    publicToken: opts.publicToken ?? DEFAULT_TOKENS[0]!.public,
    privateToken: opts.privateToken ?? DEFAULT_TOKENS[0]!.private,
    now: async () => Date.parse((await call<{ now: string }>('GET', '/_lab/clock')).now),
    async advanceTo(ms) {
      const now = Date.parse((await call<{ now: string }>('GET', '/_lab/clock')).now);
      if (ms > now) await call('POST', '/_lab/clock', { to: new Date(ms).toISOString() });
    },
    emit: async (type, count) => void (await call('POST', '/_lab/emit', { type, count })),
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
    async setFault(f) {
      proxy.setFault(f);
    },
    faultedRequests: () => proxy.faulted,
    close: () => proxy.close(),
  };
}
