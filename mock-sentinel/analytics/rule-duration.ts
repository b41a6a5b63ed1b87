// Durations in analytic-rule files: the Azure-Sentinel YAML form (`5m`, `1h`, `14d`) and the ARM
// form (ISO-8601, `PT5H`, `P1D`), both used by published rules.
import { parseDuration } from '../query/timespan.ts';

const SHORT = /^(\d+)\s*([smhd])$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a rule duration; undefined when `text` is neither form. */
export function parseRuleDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  const short = SHORT.exec(trimmed);
  if (short) return Number(short[1]) * UNIT_MS[short[2]!.toLowerCase()]!;
  return parseDuration(trimmed);
}

/** `5m`, `1h`, `2d`: the shortest YAML form of a whole number of minutes, hours or days. */
export function formatRuleDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/** ISO-8601 duration as ExtendedProperties' "Query Period" shows it (`PT5H`, `P1D`). */
export function isoDuration(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  const seconds = (rest - minutes * 60_000) / 1000;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : days ? '' : 'T0S'}`;
}
