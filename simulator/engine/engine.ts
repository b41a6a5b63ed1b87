// The generation engine: a timeline of pending events (story steps, delayed resolutions) merged
// with one Poisson noise stream per alert type. advanceTo(t) runs everything due up to t in time
// order (ties: pending events first, then streams in a fixed order), so the output depends only
// on the seed and the clock start, never on how often the clock ticks.
import type { Catalogue } from '../catalogue/models.ts';
import { modelByName } from '../catalogue/models.ts';
import { parseDuration } from '../clock.ts';
import { hashString, Rng } from '../random.ts';
import type { AlertStore } from '../persistence/store.ts';
import type { Appliance, Device, ExternalHost, User, World } from '../world/types.ts';
import { type AlertOf, type AlertType, alertId, type ModelBreach } from '../types.ts';
import { IdAllocator, type GenContext } from '../generators/context.ts';
import { generateBreach, type BreachSpec } from '../generators/modelBreach.ts';
import { generateIncidentEvent, INCIDENT_TEMPLATES, newIncidentGroup, type IncidentGroup } from '../generators/aiAnalyst.ts';
import { generateSystemAlert, SystemAlertIds, systemAlertName, type SystemAlertKind } from '../generators/systemAlert.ts';
import { generateEmail } from '../generators/email.ts';
import { withTestMailbox } from '../generators/test-mailbox.ts';
import { pickDevice } from '../generators/devices.ts';
import { findStory, STORIES, type Cast, type StoryStep } from '../stories/definitions.ts';
import { DEFAULT_RATES, type Rates } from './rates.ts';
import { ActivityLog } from '../activity/activity-log.ts';
import { AsmGenerator } from '../activity/asm-findings.ts';
import { planReleases, releaseEvent } from '../activity/email-releases.ts';
import { applyState, planResponseAction, wantsResponse } from '../activity/response-actions.ts';
import type { EmailAlert } from '../types.ts';
import { applyPatch, type AlertPatch } from './alert-patch.ts';

export interface GroundTruthItem {
  seq: number;
  type: AlertType;
  id: string;
  /** Simulated emission time as scheduled, epoch ms. */
  time: number;
  /** Set only when the record was inserted late (see EngineOptions.lateInsertion): the creation stamp it got instead. */
  createdAt?: number;
  story?: string;
  status?: string;
}

export interface EmittedAlert<T extends AlertType = AlertType> extends GroundTruthItem {
  type: T;
  alert: AlertOf[T];
  /** True while the start-up history is generated (the pusher skips these). */
  backfill: boolean;
}

export interface StoryRunInfo {
  id: string;
  story: string;
  start: number;
  params: Record<string, string | number>;
  steps: number;
}

interface Pending {
  at: number;
  order: number;
  run: () => void;
}

const STREAMS = ['modelBreach', 'aiAnalyst', 'systemAlert', 'email', 'story'] as const;
type Stream = (typeof STREAMS)[number];
const HOUR = 3_600_000;

export interface EngineOptions {
  seed: number;
  world: World;
  catalogue: Catalogue;
  store: AlertStore;
  /** Generation starts here (clock start − backfill). */
  start: number;
  rates?: Rates;
  /** Called for every alert; `wanted()` says whether anyone listens (so idle runs skip the event object). */
  onEmit: (alert: EmittedAlert) => void;
  wanted?: () => boolean;
  /**
   * Late-insertion policy for live emission (never backfill). When set, a record inserted more than
   * `toleranceMs` behind `now()` (the simulated clock, read at insertion) gets `now()` as its
   * creation/visibility stamp: breach `creationTime`, AI Analyst `createdAt`, email `dtime`/
   * `dtime_unix`. Darktrace stamps those when the record is created, so an engine that fell behind
   * (event loop blocked) must not publish records already older than a poller's overlap. Breach
   * first-activity `time` stays as scheduled (late breaches are real: time < creationTime).
   * Absent: every stamp is the scheduled time (stepped sweeps, byte-for-byte deterministic).
   */
  lateInsertion?: { toleranceMs: number; now: () => number };
  /** Attack-surface risks found per hour (the ASM activity stream). Default 2; 0 = none. */
  asmPerHour?: number;
}

export class Engine {
  readonly truth: GroundTruthItem[] = [];
  readonly counts: Record<AlertType, number> = { modelBreach: 0, aiAnalyst: 0, systemAlert: 0, email: 0 };
  readonly stories: StoryRunInfo[] = [];
  backfilling = false;
  private cursor: number;
  private rates: Rates;
  private readonly ctx: GenContext;
  private readonly queue: Pending[] = [];
  private order = 0;
  private seq = 0;
  private storyCount = 0;
  private readonly streams: Record<Stream, { rng: Rng; next: number }>;
  private readonly systemIds: SystemAlertIds;
  private readonly activeSystem = new Set<string>();
  private readonly seed: number;
  /** RESPOND actions, ASM findings and email holds/releases (the activity streams). */
  readonly activity = new ActivityLog();
  private readonly asm: AsmGenerator;
  private nextCodeId = 0;

  constructor(private readonly opts: EngineOptions) {
    this.seed = opts.seed;
    this.cursor = opts.start;
    this.rates = { ...(opts.rates ?? DEFAULT_RATES) };
    const root = new Rng(`engine:${opts.seed}`);
    this.ctx = { world: opts.world, catalogue: opts.catalogue, ids: new IdAllocator(root.fork('ids')) };
    this.systemIds = new SystemAlertIds(root.fork('system-ids'));
    this.streams = {} as Record<Stream, { rng: Rng; next: number }>;
    for (const s of STREAMS) {
      const rng = root.fork(`noise:${s}`);
      this.streams[s] = { rng, next: this.nextFire(rng, s, opts.start) };
    }
    this.asm = new AsmGenerator(opts.world, opts.seed, opts.asmPerHour ?? 2);
    if (this.asm.perHour > 0) this.schedule(this.asm.nextAt(opts.start), () => this.emitAsm());
  }

  get now(): number {
    return this.cursor;
  }

  getRates(): Rates {
    return { ...this.rates };
  }

  setRates(rates: Rates): void {
    this.rates = { ...rates };
    for (const s of STREAMS) this.streams[s].next = this.nextFire(this.streams[s].rng, s, this.cursor);
  }

  private nextFire(rng: Rng, stream: Stream, from: number): number {
    const perHour = this.rates[stream];
    if (!(perHour > 0)) return Infinity;
    return from + rng.exponential(HOUR / perHour);
  }

  schedule(at: number, run: () => void): void {
    const item: Pending = { at: Math.floor(at), order: this.order++, run };
    // Binary heap on (at, order).
    const q = this.queue;
    q.push(item);
    let i = q.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(q[parent]!, item)) break;
      q[i] = q[parent]!;
      i = parent;
    }
    q[i] = item;
  }

  private popQueue(): Pending {
    const q = this.queue;
    const top = q[0]!;
    const last = q.pop()!;
    if (q.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        let mItem = last;
        if (l < q.length && before(q[l]!, mItem)) {
          m = l;
          mItem = q[l]!;
        }
        if (r < q.length && before(q[r]!, mItem)) m = r;
        if (m === i) break;
        q[i] = q[m]!;
        i = m;
      }
      q[i] = last;
    }
    return top;
  }

  /** Runs every pending event and noise emission due at or before `t`. Returns alerts emitted. */
  advanceTo(t: number): number {
    const before = this.seq;
    for (;;) {
      let at = this.queue.length ? this.queue[0]!.at : Infinity;
      let stream: Stream | undefined;
      for (const s of STREAMS) {
        const next = Math.floor(this.streams[s].next);
        if (next < at) {
          at = next;
          stream = s;
        }
      }
      if (at > t || at === Infinity) break;
      this.cursor = Math.max(this.cursor, at);
      if (stream) {
        const st = this.streams[stream];
        st.next = this.nextFire(st.rng, stream, st.next);
        this.noise(stream, st.rng, at);
      } else {
        this.popQueue().run();
      }
    }
    this.cursor = Math.max(this.cursor, t);
    return this.seq - before;
  }

  // --- emission -------------------------------------------------------------------------

  private record<T extends AlertType>(type: T, alert: AlertOf[T], at: number, story?: string, patch?: AlertPatch): void {
    const seq = ++this.seq;
    const created = this.lateStamp(type, alert, at);
    // A patched alert is stored, published and identified as patched (its id may be what changed).
    if (patch) applyPatch(alert, patch);
    const store = this.opts.store;
    switch (type) {
      case 'modelBreach':
        store.addBreach(alert as AlertOf['modelBreach'], seq);
        break;
      case 'aiAnalyst':
        store.addIncident(alert as AlertOf['aiAnalyst'], seq);
        break;
      case 'systemAlert':
        store.addSystemAlert(alert as AlertOf['systemAlert'], seq);
        break;
      case 'email':
        store.addEmail(alert as AlertOf['email'], seq);
        break;
    }
    const item: GroundTruthItem = { seq, type, id: alertId(type, alert), time: at };
    if (created !== undefined) item.createdAt = created;
    if (story) item.story = story;
    if (type === 'systemAlert') item.status = (alert as AlertOf['systemAlert']).status;
    this.truth.push(item);
    this.counts[type]++;
    if (type === 'modelBreach') this.respondTo(alert as AlertOf['modelBreach'], created ?? at);
    if (type === 'email') this.holdAndRelease(alert as EmailAlert, created ?? at);
    if (!this.opts.wanted || this.opts.wanted()) this.opts.onEmit({ ...item, type, alert, backfill: this.backfilling });
  }

  /**
   * Applies the late-insertion policy before the record is stored; returns the new stamp when it
   * moved. The stamp is the clock's now, so records inserted late in scheduled order stay in order.
   * System alerts keep their times: they are not polled by time (spec §9.10), only pushed.
   */
  private lateStamp(type: AlertType, alert: AlertOf[AlertType], at: number): number | undefined {
    const late = this.opts.lateInsertion;
    if (!late || this.backfilling || type === 'systemAlert') return undefined;
    const now = late.now();
    if (!(now - at > late.toleranceMs)) return undefined;
    switch (type) {
      case 'modelBreach': {
        const b = alert as AlertOf['modelBreach'];
        if (b.creationTime >= now) return undefined;
        b.creationTime = now;
        break;
      }
      case 'aiAnalyst': {
        const e = alert as AlertOf['aiAnalyst'];
        if (e.createdAt >= now) return undefined;
        e.createdAt = now;
        break;
      }
      case 'email': {
        const m = alert as AlertOf['email'];
        if (m.dtime_unix >= now) return undefined;
        m.dtime_unix = now;
        m.dtime = new Date(now).toISOString();
        break;
      }
    }
    return now;
  }

  // --- activity streams ---------------------------------------------------------------------

  /** The time an activity record is stamped with: `at`, or now when inserted late (as lateStamp). */
  private activityTime(at: number): number {
    const late = this.opts.lateInsertion;
    if (!late || this.backfilling) return at;
    const now = late.now();
    return now - at > late.toleranceMs ? now : at;
  }

  /** A RESPOND action on the breach's device, when the breach calls for one, with its later states scheduled. */
  private respondTo(breach: ModelBreach, at: number): void {
    if (!wantsResponse(breach, this.ctx.world)) return;
    const { action, later } = planResponseAction(this.ctx.world, this.seed, 1000 + ++this.nextCodeId, breach, at);
    this.activity.actionChanged(action);
    for (const change of later) {
      this.schedule(change.time, () => {
        applyState(action, { ...change, time: this.activityTime(change.time) });
        this.activity.actionChanged(action);
      });
    }
  }

  /** A hold event per held recipient now; some are released by an analyst later. */
  private holdAndRelease(email: EmailAlert, at: number): void {
    for (const rcpt of email.rcpts) {
      if (rcpt.rcpt_status === 'held') this.activity.addRelease(releaseEvent(email, rcpt, 'hold', at, 'Darktrace/Email'));
    }
    for (const r of planReleases(this.seed, email, at)) {
      this.schedule(r.at, () => {
        if (r.rcpt.rcpt_status !== 'held') return; // released through the API meanwhile
        r.rcpt.rcpt_status = 'released';
        r.rcpt.requestedRelease = true;
        this.activity.addRelease(releaseEvent(email, r.rcpt, 'release', this.activityTime(r.at), r.username));
      });
    }
  }

  /** One attack-surface risk found now, its later events scheduled, and the next risk. */
  private emitAsm(): void {
    const at = this.cursor;
    const [first, ...later] = this.asm.plan(at);
    this.activity.addAsm({ ...first!, timestamp: Math.floor(this.activityTime(at) / 1000) });
    for (const event of later) {
      this.schedule(event.timestamp * 1000, () => this.activity.addAsm({ ...event, timestamp: Math.floor(this.activityTime(event.timestamp * 1000) / 1000) }));
    }
    this.schedule(this.asm.nextAt(at), () => this.emitAsm());
  }

  emitBreach(rng: Rng, spec: BreachSpec, story?: string, patch?: AlertPatch): ModelBreach {
    const breach = generateBreach(this.ctx, rng, spec);
    this.record('modelBreach', breach, spec.at, story, patch);
    return breach;
  }

  private emitIncident(rng: Rng, at: number, templateTitle: string, devices: Device[], breaches: ModelBreach[], group: IncidentGroup | undefined, story?: string, title?: string, patch?: AlertPatch): IncidentGroup {
    const template = INCIDENT_TEMPLATES.find((t) => t.title === templateTitle);
    if (!template) throw new Error(`unknown AI Analyst template '${templateTitle}'`);
    const g = group ?? newIncidentGroup(rng, template.category);
    const event = generateIncidentEvent(this.ctx, rng, { template, at, devices, breaches, group: g, title });
    for (const b of breaches) this.opts.store.touchBreach(b.pbid);
    this.record('aiAnalyst', event, at, story, patch);
    return g;
  }

  private emitSystem(what: SystemAlertKind, status: 'active' | 'resolved', at: number, startedAt: number, story?: string, patch?: AlertPatch): void {
    const alert = generateSystemAlert(this.ctx.world, this.systemIds, what, status, at, startedAt);
    if (status === 'active') this.activeSystem.add(alert.name);
    else this.activeSystem.delete(alert.name);
    this.record('systemAlert', alert, at, story, patch);
  }

  /**
   * One background alert of `type` at `at` (also used by POST /_lab/emit, whose `patch` changes that
   * alert: the AI Analyst event, not the breaches before it; the system alert raised, not its resolution).
   */
  noise(stream: Stream, rng: Rng, at: number, patch?: AlertPatch): void {
    const world = this.ctx.world;
    switch (stream) {
      case 'modelBreach': {
        const { models, weights } = this.ctx.catalogue.noise;
        this.emitBreach(rng, { model: rng.weighted(models, weights), at }, undefined, patch);
        break;
      }
      case 'aiAnalyst': {
        // Raise the breaches now; the AI Analyst event follows minutes later, over exactly those.
        const template = rng.pick(INCIDENT_TEMPLATES);
        const device = template.target === 'saas' ? rng.pick(world.pools.saas) : pickDevice(world, template.target, rng);
        const breaches: ModelBreach[] = [];
        const n = rng.int(1, template.models.length);
        for (let i = 0; i < n; i++) breaches.push(this.emitBreach(rng, { model: modelByName(this.ctx.catalogue, template.models[i]!), at, device }));
        const title = template.summariser === 'SaasHijackSummary' ? `Possible Hijack of ${/SaaS::(\w+):/.exec(device.hostname ?? '')?.[1] ?? 'Office365'} Account` : undefined;
        this.schedule(at + rng.int(60_000, 600_000), () => this.emitIncident(rng, this.cursor, template.title, [device], breaches, undefined, undefined, title, patch));
        break;
      }
      case 'systemAlert': {
        // Darktrace sends an alert on each status change: an alert already active is not raised again.
        // Licence Expiry (the low-priority kind) takes 2/5 of Advanced Search's share; chosen from the
        // time since the engine's start, not drawn, so the engine's draws (and the rest of a seed's
        // output) stay as they were, and a run whose clock starts at "now" picks the same kinds.
        let what: SystemAlertKind = rng.chance(0.35) ? (hashString(`system-kind:${at - this.opts.start}`) % 5 < 2 ? { kind: 'licence_expiry' } : { kind: 'advanced_search' }) : { kind: 'saas_error', module: rng.pick(world.saasModules) };
        if (this.activeSystem.has(systemAlertName(world, what))) {
          const idle = [{ kind: 'advanced_search' } as SystemAlertKind, { kind: 'licence_expiry' } as SystemAlertKind, ...world.saasModules.map((module): SystemAlertKind => ({ kind: 'saas_error', module }))].filter((k) => !this.activeSystem.has(systemAlertName(world, k)));
          if (idle.length === 0) break;
          what = rng.pick(idle);
        }
        this.emitSystem(what, 'active', at, at - rng.int(300_000, 3_600_000), undefined, patch);
        this.schedule(at + rng.int(600_000, 7_200_000), () => this.emitSystem(what, 'resolved', this.cursor, at));
        break;
      }
      case 'email': {
        const count = rng.chance(0.85) ? 1 : rng.int(2, 4);
        this.record('email', withTestMailbox(world, generateEmail(world, rng, { at, recipients: rng.sample(world.users, count) })), at, undefined, patch);
        break;
      }
      case 'story': {
        const story = rng.pick(STORIES.filter((s) => s.background));
        this.startStory(story.name, {}, at);
        break;
      }
    }
  }

  /** Emits `count` background alerts of `type` now (POST /_lab/emit); alert i gets `patches[i % length]`. */
  emitNow(type: AlertType, count: number, rngLabel: string, patches: readonly AlertPatch[] = []): void {
    const rng = new Rng(`emit:${this.seed}:${rngLabel}`);
    for (let i = 0; i < count; i++) this.noise(type, rng, this.cursor, patches.length ? patches[i % patches.length] : undefined);
    this.advanceTo(this.cursor);
  }

  // --- stories ----------------------------------------------------------------------------

  startStory(name: string, rawParams: Record<string, unknown>, at: number): StoryRunInfo {
    const def = findStory(name);
    const params: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(rawParams)) {
      if (!(key in def.params)) throw new Error(`story '${name}' has no parameter '${key}' (parameters: ${Object.keys(def.params).join(', ') || 'none'})`);
      if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`story parameter '${key}' must be a string or a number`);
      params[key] = value;
    }
    for (const [key, p] of Object.entries(def.params)) if (!(key in params)) params[key] = p.default;
    const n = ++this.storyCount;
    const id = `${name}-${n}`;
    const rng = new Rng(`story:${this.seed}:${n}`);
    const cast = def.cast(this.ctx.world, rng, params);
    const unit = parseDuration(String(params.spacing ?? params.duration ?? '10m'));
    const steps = def.steps(params);
    const labels = new Map<string, ModelBreach[]>();
    const groups = new Map<string, IncidentGroup>();
    const state = { labels, groups, campaign: undefined as number | undefined };
    for (const step of steps) this.schedule(at + step.at * unit, () => this.runStep(id, rng, cast, state, step));
    const info: StoryRunInfo = { id, story: name, start: at, params, steps: steps.length };
    this.stories.push(info);
    return info;
  }

  private runStep(story: string, rng: Rng, cast: Cast, state: { labels: Map<string, ModelBreach[]>; groups: Map<string, IncidentGroup>; campaign?: number; skipped?: boolean }, step: StoryStep): void {
    const at = this.cursor;
    const catalogue = this.ctx.catalogue;
    if ('breach' in step) {
      const b = step.breach;
      const model = modelByName(catalogue, b.model);
      const device = cast[b.on] as Device;
      const peers = b.peer ? (Array.isArray(cast[b.peer]) ? (cast[b.peer] as Device[]) : [cast[b.peer] as Device]) : [undefined];
      const list = state.labels.get(b.as) ?? [];
      const probe = cast.probe as Appliance | undefined;
      const context = model.def.kind === 'system' && probe ? { message: `Probe ${probe.ip} last contact was ${rng.int(10, 30)} minutes ago` } : undefined;
      for (const peer of b.each ? peers : peers.slice(0, 1)) {
        list.push(
          this.emitBreach(rng, { model, at, device, peer, context, external: b.external ? (cast[b.external] as ExternalHost) : undefined, score: b.score, breachUrl: b.breachUrl }, story),
        );
      }
      state.labels.set(b.as, list);
    } else if ('incident' in step) {
      const s = step.incident;
      const breaches = s.over.flatMap((label) => state.labels.get(label) ?? []);
      const group = this.emitIncident(rng, at, s.template, [cast[s.on] as Device], breaches, state.groups.get(s.group), story, s.title ? (cast[s.title] as string) : undefined);
      state.groups.set(s.group, group);
    } else if ('email' in step) {
      const e = step.email;
      if (e.campaign && state.campaign === undefined) state.campaign = this.ctx.ids.nextCampaign();
      for (const user of cast[e.to] as User[]) {
        const email = generateEmail(this.ctx.world, rng, {
          at,
          recipients: [user],
          severity: e.severity,
          sender: cast[e.sender] as { email: string; personal: string; domain: string },
          subject: cast[e.subject] as string,
          linkHost: cast[e.linkHost] as ExternalHost,
          campaignId: state.campaign ?? null,
          direction: 'inbound',
        });
        this.record('email', email, at, story);
      }
    } else {
      const s = step.system;
      const probe = cast[s.probe] as Appliance;
      const errors = this.opts.store.probeErrors;
      // A probe already down (another outage) is not reported down again, nor resolved by this story.
      if (s.status === 'active' && errors.has(probe.id)) {
        state.skipped = true;
        return;
      }
      if (s.status === 'resolved' && state.skipped) return;
      const since = errors.get(probe.id) ?? at;
      if (s.status === 'active') errors.set(probe.id, at);
      else errors.delete(probe.id);
      this.emitSystem({ kind: 'probe_down', probe }, s.status, at, since, story);
    }
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
