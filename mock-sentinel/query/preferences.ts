// The Query API's `Prefer` header (https://learn.microsoft.com/azure/azure-monitor/logs/api/prefer-options):
// `wait=N` (timeout, seconds), `include-statistics=true` (a `statistics` member in the answer) and
// `include-render=true` (a `render` member). Preferences are RFC 7240's: comma-separated, each
// `name[=value]` with optional `;parameters`; names case-insensitive; unknown ones ignored. The
// answer's `Preference-Applied` header lists those the mock honoured (RFC 7240 section 3).
import type { QueryTimeouts } from './limits.ts';

export interface QueryPreferences {
  /** `wait=N`: seconds the client will wait, when given as a whole number. */
  waitSeconds?: number;
  includeStatistics: boolean;
  includeRender: boolean;
}

/** The preferences a `Prefer` header asks for (an absent or empty header asks for none). */
export function parsePrefer(header: string | undefined): QueryPreferences {
  const prefs: QueryPreferences = { includeStatistics: false, includeRender: false };
  for (const item of (header ?? '').split(',')) {
    const [nameValue = ''] = item.split(';');
    const eq = nameValue.indexOf('=');
    const name = (eq < 0 ? nameValue : nameValue.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : nameValue.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (name === 'wait' && /^\d+$/.test(value)) prefs.waitSeconds = Number(value);
    else if (name === 'include-statistics') prefs.includeStatistics = value.toLowerCase() === 'true';
    else if (name === 'include-render') prefs.includeRender = value.toLowerCase() === 'true';
  }
  return prefs;
}

/** The timeout a request gets: `wait=N` seconds within the configured maximum, else the default. */
export function timeoutMsFor(prefs: QueryPreferences, timeouts: QueryTimeouts): number {
  if (prefs.waitSeconds === undefined) return timeouts.defaultMs;
  return Math.min(Math.max(1, prefs.waitSeconds) * 1000, timeouts.maxMs);
}

/**
 * The `Preference-Applied` value for what was honoured: `wait` with the timeout in force (seconds,
 * after the cap), `include-statistics=true` and `include-render=true`; undefined when nothing was
 * asked for. Both `include-` preferences are honoured for every query that answers (a query without
 * `render` gets a `render` member with no visualization).
 */
export function preferenceApplied(prefs: QueryPreferences, timeoutMs: number): string | undefined {
  const applied: string[] = [];
  if (prefs.waitSeconds !== undefined) applied.push(`wait=${Math.ceil(timeoutMs / 1000)}`);
  if (prefs.includeStatistics) applied.push('include-statistics=true');
  if (prefs.includeRender) applied.push('include-render=true');
  return applied.length ? applied.join(',') : undefined;
}
