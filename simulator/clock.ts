// The simulated clock. speed 1 follows real time, speed N runs N× faster, speed 0 is stepped (moves
// only when advanced). Only the clock reads the wall clock; generators read the clock.

export interface ClockOptions {
  /** Simulated time at creation, epoch ms. */
  start: number;
  /** 0 = stepped, 1 = real time, N = accelerated. */
  speed: number;
  /** Injectable wall clock (tests). */
  wallNow?: () => number;
}

export class SimClock {
  readonly speed: number;
  private readonly wallNow: () => number;
  private anchorSim: number;
  private anchorWall: number;
  private running = false;

  constructor(opts: ClockOptions) {
    if (!Number.isFinite(opts.start)) throw new Error('clock start must be a finite epoch-ms number');
    if (!(opts.speed >= 0)) throw new Error('clock speed must be >= 0');
    this.speed = opts.speed;
    this.wallNow = opts.wallNow ?? Date.now;
    this.anchorSim = opts.start;
    this.anchorWall = this.wallNow();
  }

  get stepped(): boolean {
    return this.speed === 0;
  }

  /** Starts the flow of time (no effect on a stepped clock). */
  resume(): void {
    if (this.running) return;
    this.anchorWall = this.wallNow();
    this.running = true;
  }

  pause(): void {
    if (!this.running) return;
    this.anchorSim = this.now();
    this.running = false;
  }

  now(): number {
    if (!this.running || this.speed === 0) return this.anchorSim;
    return this.anchorSim + Math.floor((this.wallNow() - this.anchorWall) * this.speed);
  }

  /** Moves simulated time forward by `ms` (never backwards). */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new Error('clock can only advance by a non-negative duration');
    this.anchorSim = this.now() + ms;
    this.anchorWall = this.wallNow();
    return this.anchorSim;
  }

  /** Sets simulated time to `ms` if it lies in the future. */
  advanceTo(ms: number): number {
    const now = this.now();
    return this.advance(Math.max(0, ms - now));
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `90s`, `15m`, `24h`, `7d`, `1h30m`, or a bare number of milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(trimmed))) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new Error(`invalid duration '${text}' (use e.g. 90s, 15m, 24h, 7d, 1h30m)`);
  }
  return total;
}

/** Parses an ISO-8601 instant (a value without an offset is UTC) or epoch ms. */
export function parseInstant(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text);
  const ms = Date.parse(hasZone ? text : `${text}Z`);
  if (!Number.isFinite(ms)) throw new Error(`invalid instant '${text}' (use ISO-8601, e.g. 2024-01-15T09:30:00Z)`);
  return ms;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the Threat Visualizer's string time format. */
export function formatDtTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function formatIsoMs(ms: number): string {
  return new Date(ms).toISOString();
}
