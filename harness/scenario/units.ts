// Durations and rates as scenario files write them.
import type { DurationInput, RateInput } from './types.ts';

const DURATION = /^(-?[0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/;
const RATE = /^([0-9]+(?:\.[0-9]+)?)\/(s|min|h)$/;
const MS_PER: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SECONDS_PER: Record<string, number> = { s: 1, min: 60, h: 3600 };

/** Milliseconds from a `30s`-style string (or a number of seconds: the schema lets only 0 through). */
export function durationMs(value: DurationInput): number {
  if (typeof value === 'number') return value * 1000;
  const m = DURATION.exec(value);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(value)} (use 250ms, 30s, 5m, 1h, 2d)`);
  return Number(m[1]) * MS_PER[m[2]!]!;
}

/** Per second from a number per second or a `30/min`-style string. */
export function ratePerSecond(value: RateInput): number {
  if (typeof value === 'number') return value;
  const m = RATE.exec(value);
  if (!m) throw new Error(`not a rate: ${JSON.stringify(value)} (use 10/s, 30/min, 2/h or a number per second)`);
  return Number(m[1]) / SECONDS_PER[m[2]!]!;
}

/** `1m30s`-style text for reports. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${Math.round(ms)}ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}

/**
 * The simulated start of a run, epoch ms: an ISO-8601 instant, a time relative to `now` (`-3d`,
 * `-2h`: that long before the run starts), or `now` itself when the scenario gives none.
 */
export function clockStartMs(start: string | undefined, now: number): number {
  if (start === undefined) return now;
  if (/^-/.test(start)) return now + durationMs(start);
  const t = Date.parse(start);
  if (!Number.isFinite(t)) throw new Error(`clock.start: not an ISO-8601 instant or a time before now (-3d, -2h): ${JSON.stringify(start)}`);
  return t;
}
