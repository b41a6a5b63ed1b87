// createSimulator(opts): the Darktrace side of the lab as a library. Builds the seeded world,
// backfills history, serves the fake API, runs the clock, and pushes alerts when asked.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCatalogue, type Catalogue } from './catalogue/models.ts';
import { parseDuration, parseInstant, SimClock } from './clock.ts';
import { Engine, type EmittedAlert, type StoryRunInfo } from './engine/engine.ts';
import type { AlertPatch } from './engine/alert-patch.ts';
import { DEFAULT_RATES, parseRates, type Rates } from './engine/rates.ts';
import { AlertStore } from './persistence/store.ts';
import { buildWorld } from './world/build.ts';
import type { World } from './world/types.ts';
import { createApiApp } from './api/app.ts';
import { DEFAULT_POLICY, type ApiContext, type ApiPolicy } from './api/context.ts';
import type { TokenPair } from './api/authentication/dtapi.ts';
import { Pusher, type PushTarget } from './push/pusher.ts';
import { labRouter } from './lab/routes.ts';
import type { AdminAccess } from '../shared-lib/admin-guard.ts';
import { FaultSet } from './faults/faults.ts';
import type { AlertType, AnyAlert } from './types.ts';

export type { TokenPair } from './api/authentication/dtapi.ts';
export type { ApiPolicy } from './api/context.ts';
export type { PushTarget } from './push/pusher.ts';
export type { Rates } from './engine/rates.ts';
export type { EmittedAlert, GroundTruthItem, StoryRunInfo } from './engine/engine.ts';
export type { AlertPatch } from './engine/alert-patch.ts';
export * from './types.ts';
export { dtapiSignature } from './api/authentication/dtapi.ts';

/** The spec's test-vector token pair (docs/decisions/0001): documented, test-only. */
export const DEFAULT_TOKENS: TokenPair[] = [{ public: '3f6b2c1a9e8d7f6a5b4c3d2e1f0a9b8c', private: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4' }];

export interface SimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: number;
  /** Simulated time at start: epoch ms or ISO-8601 (default: now). */
  clockStart?: number | string;
  /** 1 real time (default), N accelerated, 0 stepped (moves only via advance / POST /_lab/clock). */
  speed?: number;
  /** History generated before clockStart: ms or a duration like '24h' (default 24h; 0 for none). */
  backfill?: number | string;
  /** Rates per hour, or a rate SPEC string (`modelBreach=600/h,email=0`). */
  rates?: Partial<Rates> | string;
  tokens?: TokenPair[];
  policy?: Partial<Omit<ApiPolicy, 'tokens'>>;
  push?: PushTarget[];
  /** How often the running clock generates due alerts, ms (default 200). */
  tickMs?: number;
  /** Base URL in breachUrl and other links (default https://darktrace-<master hostname>). */
  instanceUrl?: string;
  /** Employees in the generated company (default 150). */
  users?: number;
  /**
   * Forget alerts and activity older than this much simulated time (ms or a duration like `6h`):
   * the API stops returning them and their memory is freed, so a long run's memory stays flat.
   * Default 0: keep everything.
   */
  retention?: number | string;
  /** Injectable machine clock (tests). */
  wallNow?: () => number;
  /**
   * Late-insertion tolerance, simulated ms: a live record inserted more than this far behind the
   * clock is stamped as created now (breach creationTime, AI Analyst createdAt, email dtime), never
   * in the past. Default: max(1000, tickMs × speed) on a running clock; off (null) on a stepped
   * clock, whose steps are sweeps. Set it on a stepped clock that is driven in real time.
   */
  lateInsertionToleranceMs?: number | null;
  /** Attack surface (ASM) findings per simulated hour (default 2; docs/reference/simulator.md). */
  asmPerHour?: number;
  /**
   * Who may use the /_lab API: requests whose Host is a loopback name or address or one of
   * `allowedHosts` (else 421), with `Authorization: Bearer <token>` when `token` is set (else 401).
   */
  admin?: AdminAccess;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  seed: number;
  clockStart: number;
  speed: number;
  backfill: number;
  rates: Rates;
  /** null: records keep their scheduled stamps however late they are inserted. */
  lateInsertionToleranceMs: number | null;
  admin: AdminAccess;
  /** Simulated ms of history kept; 0 keeps everything. */
  retention: number;
}

export interface Simulator {
  readonly events: EventEmitter;
  readonly options: ResolvedOptions;
  readonly world: World;
  readonly catalogue: Catalogue;
  readonly store: AlertStore;
  readonly engine: Engine;
  readonly clock: SimClock;
  readonly pushers: Pusher[];
  readonly policy: ApiPolicy;
  /** Injected API faults (/_lab/faults). */
  readonly faults: FaultSet;
  /** The API's request listener (built on first use, shared with listen()): serves requests handed to it in-process. */
  readonly app: http.RequestListener;
  listen(): Promise<{ url: string }>;
  close(): Promise<void>;
  /** Starts the clock and the generation loop (a stepped clock only generates on advance). */
  start(): void;
  stop(): void;
  /** Moves simulated time forward and generates what falls due; returns alerts emitted. */
  advance(ms: number): number;
  startStory(name: string, params?: Record<string, unknown>): StoryRunInfo;
  /** Emits `count` alerts of `type` now; alert i gets `patches[i % length]` (fields set or removed). */
  emitNow(type: AlertType, count: number, patches?: readonly AlertPatch[]): void;
  /** The stored alert behind a ground-truth item. */
  alertFor(type: AlertType, id: string, seq?: number): AnyAlert | undefined;
}

export function createSimulator(opts: SimulatorOptions = {}): Simulator {
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const wallNow = opts.wallNow ?? Date.now;
  const clockStart = opts.clockStart === undefined ? wallNow() : typeof opts.clockStart === 'number' ? opts.clockStart : parseInstant(opts.clockStart);
  const backfill = opts.backfill === undefined ? 86_400_000 : typeof opts.backfill === 'number' ? opts.backfill : parseDuration(opts.backfill);
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error('seed must be an integer');
  const rates = typeof opts.rates === 'string' ? parseRates(opts.rates) : { ...DEFAULT_RATES, ...(opts.rates ?? {}) };
  const speed = opts.speed ?? 1;
  const lateTolerance = opts.lateInsertionToleranceMs === undefined ? (speed > 0 ? Math.max(1000, (opts.tickMs ?? 200) * speed) : null) : opts.lateInsertionToleranceMs;
  if (lateTolerance !== null && !(lateTolerance >= 0)) throw new Error('lateInsertionToleranceMs must be a non-negative number of ms or null');
  const retention = opts.retention === undefined ? 0 : typeof opts.retention === 'number' ? opts.retention : parseDuration(opts.retention);
  if (!(retention >= 0)) throw new Error('retention must be a non-negative number of ms or a duration');
  const options: ResolvedOptions = { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, seed, clockStart, speed, backfill, rates, lateInsertionToleranceMs: lateTolerance, admin: opts.admin ?? {}, retention };
  const tokens = opts.tokens ?? DEFAULT_TOKENS;
  if (tokens.length === 0) throw new Error('at least one token pair is required');

  const world = buildWorld({ seed, clockStart, instanceUrl: opts.instanceUrl, users: opts.users });
  const catalogue = buildCatalogue(seed, clockStart);
  const store = new AlertStore();
  const clock = new SimClock({ start: clockStart, speed: options.speed, wallNow });
  const pushers = (opts.push ?? []).map((t) => new Pusher(t, events));
  const engine = new Engine({
    seed,
    world,
    catalogue,
    store,
    start: clockStart - backfill,
    rates,
    ...(opts.asmPerHour === undefined ? {} : { asmPerHour: opts.asmPerHour }),
    wanted: () => pushers.length > 0 || events.listenerCount('alert:generated') > 0,
    onEmit: (e: EmittedAlert) => {
      events.emit('alert:generated', e);
      if (!e.backfill) for (const p of pushers) p.enqueue(e);
    },
    // Read at each insertion: a running clock moves on while a long catch-up generates.
    ...(lateTolerance === null ? {} : { lateInsertion: { toleranceMs: lateTolerance, now: () => clock.now() } }),
  });
  engine.backfilling = true;
  engine.advanceTo(clockStart);
  engine.backfilling = false;

  const policy: ApiPolicy = { ...DEFAULT_POLICY, ...(opts.policy ?? {}), tokens };
  const ctx: ApiContext = { world, catalogue, store, engine, now: () => clock.now(), wallNow, policy, version: world.master.version };
  const faults = new FaultSet(seed);
  let server: http.Server | undefined;
  let app: http.RequestListener | undefined;
  let ticker: NodeJS.Timeout | undefined;

  // Retention runs at most every tenth of the window (simulated time), so it costs little per tick.
  let prunedAt = -Infinity;
  const prune = () => {
    const now = engine.now;
    if (retention === 0 || now - prunedAt < retention / 10) return;
    prunedAt = now;
    store.pruneBefore(now - retention);
    engine.activity.pruneBefore(now - retention);
  };
  const tick = () => {
    const t = clock.now();
    if (t > engine.now) engine.advanceTo(t);
    prune();
  };

  const sim: Simulator = {
    events,
    options,
    world,
    catalogue,
    store,
    engine,
    clock,
    pushers,
    policy,
    faults,
    get app() {
      return (app ??= createApiApp(ctx, labRouter(sim), events, faults));
    },
    async listen() {
      if (server) throw new Error('already listening');
      server = http.createServer(sim.app);
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port, options.host, () => {
          s.off('error', reject);
          resolve();
        });
      });
      const { port } = s.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      return { url: `http://${host}:${port}` };
    },
    async close() {
      sim.stop();
      for (const p of pushers) p.close();
      const s = server;
      server = undefined;
      if (s) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
    start() {
      clock.resume();
      if (!ticker && !clock.stepped) {
        ticker = setInterval(tick, opts.tickMs ?? 200);
        ticker.unref();
      }
    },
    stop() {
      if (ticker) clearInterval(ticker);
      ticker = undefined;
      tick();
      clock.pause();
    },
    advance(ms: number) {
      clock.advance(ms);
      const emitted = engine.advanceTo(clock.now());
      prune();
      return emitted;
    },
    startStory(name, params = {}) {
      tick();
      const info = engine.startStory(name, params, engine.now);
      engine.advanceTo(engine.now);
      return info;
    },
    emitNow(type, count, patches) {
      tick();
      engine.emitNow(type, count, String(engine.truth.length), patches);
    },
    alertFor(type, id, seq) {
      switch (type) {
        case 'modelBreach':
          return store.breachByPbid.get(Number(id))?.alert;
        case 'aiAnalyst':
          return store.incidentById.get(id)?.alert;
        case 'email':
          return store.emailByUuid.get(id)?.alert;
        case 'systemAlert': {
          const list = store.systemAlerts;
          for (let i = list.length - 1; i >= 0; i--) if (list[i]!.alert.uuid === id && (seq === undefined || list[i]!.seq === seq)) return list[i]!.alert;
          return undefined;
        }
      }
    },
  };
  return sim;
}
