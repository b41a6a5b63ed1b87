// The simulator's own admin API under /_lab (no DTAPI auth: it is the lab's control plane, bound
// to the same port; see docs/reference/simulator.md). Ground truth, emit, clock, rates, stories.
import express, { type NextFunction, type Request, type Response } from 'express';
import { parseDuration, parseInstant } from '../clock.ts';
import { parseRates, type Rates } from '../engine/rates.ts';
import { checkPatch, type AlertPatch } from '../engine/alert-patch.ts';
import { STORIES } from '../stories/definitions.ts';
import { ALERT_TYPES, type AlertType } from '../types.ts';
import { ACTIVITY_TYPES, type ActivityType } from '../activity/types.ts';
import type { Simulator } from '../index.ts';
import { parseRule } from '../faults/faults.ts';
import { labAdminGuard } from '../../shared-lib/admin-guard.ts';

class LabError extends Error {}

function bad(message: string): never {
  throw new LabError(message);
}

function parseSince(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return parseInstant(String(value));
  } catch {
    return bad(`since: invalid instant '${String(value)}' (ISO-8601 or epoch ms)`);
  }
}

export function labRouter(sim: Simulator): express.Router {
  const router = express.Router();
  router.use(labAdminGuard(sim.options.admin));
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', now: new Date(sim.clock.now()).toISOString(), seed: sim.options.seed });
  });

  router.get('/generated', (req, res) => {
    const type = req.query.type === undefined ? undefined : String(req.query.type);
    if (type !== undefined && !ALERT_TYPES.includes(type as AlertType) && !ACTIVITY_TYPES.includes(type as ActivityType)) {
      bad(`type: must be one of ${[...ALERT_TYPES, ...ACTIVITY_TYPES].join(', ')}`);
    }
    const since = parseSince(req.query.since);
    if (ACTIVITY_TYPES.includes(type as ActivityType)) {
      // The activity streams (RESPOND actions, ASM findings, email holds and releases) are listed
      // only when asked for by type, so the four alert types' ground truth stays as it was.
      const counts: Record<ActivityType, number> = { responseAction: 0, asmFinding: 0, emailRelease: 0 };
      const items: Record<string, unknown>[] = [];
      for (const item of sim.engine.activity.items) {
        if (since !== undefined && item.time < since) continue;
        counts[item.type]++;
        if (item.type === type) items.push({ type: item.type, id: item.id, time: new Date(item.time).toISOString(), seq: item.seq });
      }
      res.json({ counts, items });
      return;
    }
    const withAlert = req.query.include === 'alert';
    const counts: Record<AlertType, number> = { modelBreach: 0, aiAnalyst: 0, systemAlert: 0, email: 0 };
    const items: Record<string, unknown>[] = [];
    for (const item of sim.engine.truth) {
      if (since !== undefined && item.time < since) continue;
      counts[item.type]++;
      if (type !== undefined && item.type !== type) continue;
      const out: Record<string, unknown> = { type: item.type, id: item.id, time: new Date(item.time).toISOString(), seq: item.seq };
      if (item.createdAt !== undefined) out.createdAt = new Date(item.createdAt).toISOString();
      if (item.story) out.story = item.story;
      if (item.status) out.status = item.status;
      if (withAlert) out.alert = sim.alertFor(item.type, item.id, item.seq);
      items.push(out);
    }
    res.json({ counts, items });
  });

  router.post('/emit', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const before = sim.engine.truth.length;
    let story: unknown;
    if (typeof body.story === 'string') {
      const params = body.params ?? {};
      if (typeof params !== 'object' || Array.isArray(params)) bad('params: must be an object');
      try {
        story = sim.startStory(body.story, params as Record<string, unknown>);
      } catch (err) {
        bad(`story: ${(err as Error).message}`);
      }
    } else if (typeof body.type === 'string') {
      if (!ALERT_TYPES.includes(body.type as AlertType)) bad(`type: must be one of ${ALERT_TYPES.join(', ')}`);
      const count = body.count ?? 1;
      if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 100_000) bad('count: must be an integer from 1 to 100000');
      let patches: AlertPatch[] = [];
      if (body.patches !== undefined) {
        if (!Array.isArray(body.patches) || body.patches.length > (count as number)) bad('patches: must be a list of at most count patches');
        try {
          patches = (body.patches as unknown[]).map((p, i) => checkPatch(p, `patches[${i}]`));
        } catch (err) {
          bad((err as Error).message);
        }
      }
      sim.emitNow(body.type as AlertType, count as number, patches);
    } else {
      bad('body: give {"story": NAME, "params": {...}} or {"type": TYPE, "count": N}');
    }
    const emitted = sim.engine.truth.slice(before).map((i) => ({ type: i.type, id: i.id, time: new Date(i.time).toISOString(), seq: i.seq, ...(i.story ? { story: i.story } : {}) }));
    res.json({ story, emitted });
  });

  router.get('/clock', (_req, res) => {
    res.json({ now: new Date(sim.clock.now()).toISOString(), speed: sim.clock.speed, mode: sim.clock.stepped ? 'stepped' : sim.clock.speed === 1 ? 'real' : 'accelerated' });
  });

  router.post('/clock', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let emitted: number;
    if (body.advance !== undefined) {
      let ms: number;
      try {
        ms = typeof body.advance === 'number' ? body.advance : parseDuration(String(body.advance));
      } catch (err) {
        return bad(`advance: ${(err as Error).message}`);
      }
      if (!(ms >= 0)) bad('advance: must be a non-negative duration');
      emitted = sim.advance(ms);
    } else if (body.to !== undefined) {
      let to: number;
      try {
        to = parseInstant(String(body.to));
      } catch (err) {
        return bad(`to: ${(err as Error).message}`);
      }
      if (to < sim.clock.now()) bad('to: the clock only moves forward');
      emitted = sim.advance(to - sim.clock.now());
    } else {
      return bad('body: give {"advance": "5m"} or {"to": ISO}');
    }
    res.json({ now: new Date(sim.clock.now()).toISOString(), emitted });
  });

  router.get('/rates', (_req, res) => res.json(sim.engine.getRates()));
  router.put('/rates', (req, res) => {
    const body = req.body as unknown;
    let rates: Rates;
    try {
      rates = typeof body === 'object' && body && typeof (body as { spec?: unknown }).spec === 'string' ? parseRates((body as { spec: string }).spec, sim.engine.getRates()) : validateRates(body, sim.engine.getRates());
    } catch (err) {
      return bad((err as Error).message);
    }
    sim.engine.setRates(rates);
    res.json(rates);
  });

  router.get('/stories', (_req, res) => {
    res.json(STORIES.map((s) => ({ name: s.name, summary: s.summary, background: s.background, params: s.params })));
  });
  router.get('/stories/runs', (_req, res) => res.json(sim.engine.stories));

  // Faults: PUT replaces the rule set ({"rules": [...]} or a bare array), GET lists it with hits, DELETE clears it.
  router.get('/faults', (_req, res) => res.json({ rules: sim.faults.list() }));
  router.put('/faults', (req, res) => {
    const body = req.body as unknown;
    const list = Array.isArray(body) ? body : body && typeof body === 'object' ? (body as { rules?: unknown }).rules : undefined;
    if (!Array.isArray(list)) bad('body: give {"rules": [{"path": "/modelbreaches", "status": 503, "count": 2}, …]}');
    let rules;
    try {
      rules = (list as unknown[]).map((r, i) => parseRule(r, `rules[${i}]`));
    } catch (err) {
      return bad((err as Error).message);
    }
    res.json({ rules: sim.faults.replace(rules) });
  });
  router.delete('/faults', (_req, res) => {
    sim.faults.clear();
    res.json({ rules: [] });
  });

  router.use((_req, res) => {
    res.status(404).json({ error: 'unknown /_lab route' });
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof LabError) return void res.status(400).json({ error: err.message });
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.status && e.status < 500) return void res.status(e.status).json({ error: e.type === 'entity.parse.failed' ? 'body: invalid JSON' : (e.message ?? 'bad request') });
    res.status(500).json({ error: 'internal error' });
  });
  return router;
}

function validateRates(body: unknown, base: Rates): Rates {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('body: give {"spec": "modelBreach=600/h"} or {"modelBreach": 600, …} (per hour)');
  const out = { ...base };
  for (const [k, v] of Object.entries(body)) {
    if (!(k in out)) throw new Error(`${k}: unknown rate (modelBreach, aiAnalyst, systemAlert, email, story)`);
    if (typeof v !== 'number' || !(v >= 0)) throw new Error(`${k}: must be a non-negative number per hour`);
    out[k as keyof Rates] = v;
  }
  return out;
}
