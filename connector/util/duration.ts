// Durations in config: a number of milliseconds or a string like `500ms`, `30s`, `5m`, `1h`, `1d`.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';

export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
export const SIZE_PATTERN = '^\\d+(\\.\\d+)?\\s*(b|kb|mb|gb|B|KB|MB|GB|KiB|MiB|GiB)$';

/** Sizes: a number of bytes or a string like `5MB`, `512KB` (binary multiples). */
export function parseSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]+)$/.exec(value);
  if (!m) throw new Error(`not a size: ${value}`);
  const unit = m[2]!.toLowerCase().replace('ib', 'b');
  const mult = SIZE_UNITS[unit];
  if (!mult) throw new Error(`not a size: ${value}`);
  return Math.floor(Number(m[1]) * mult);
}

/** Milliseconds as the config writes them: the largest unit that divides evenly (`10m`, `90s`, `250ms`). */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms >= UNITS[unit]! && ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  return `${ms}ms`;
}
