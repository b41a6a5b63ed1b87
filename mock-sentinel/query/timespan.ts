// The Query API's `timespan`: an ISO-8601 duration ("PT1H", "P1D") ending now, or an interval
// "start/end", "start/duration", "duration/end". Applied to TimeGenerated: start ≤ t < end.
import { invalidRequest } from './errors.ts';

const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Milliseconds of an ISO-8601 duration; undefined when `text` is not one. Years and months are refused (no fixed length). */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
  const [, w, d, h, min, s] = m;
  const n = (v: string | undefined) => (v ? Number(v) : 0);
  return ((((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(min)) * 60 + n(s)) * 1000;
}

function parseInstant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const d = new Date(withZone);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface TimeRange {
  start: Date;
  end: Date;
}

export function parseTimespan(text: string, now: Date): TimeRange {
  const bad = () => invalidRequest(`Invalid timespan '${text}': expected an ISO-8601 duration (PT1H) or interval (start/end, start/duration, duration/end)`);
  const parts = text.trim().split('/');
  if (parts.length === 1) {
    const ms = parseDuration(parts[0]!);
    if (ms === undefined) throw bad();
    return { start: new Date(now.getTime() - ms), end: now };
  }
  if (parts.length !== 2) throw bad();
  const [a, b] = parts as [string, string];
  const startInstant = parseInstant(a);
  const endInstant = parseInstant(b);
  if (startInstant && endInstant) return { start: startInstant, end: endInstant };
  if (startInstant) {
    const ms = parseDuration(b);
    if (ms === undefined) throw bad();
    return { start: startInstant, end: new Date(startInstant.getTime() + ms) };
  }
  if (endInstant) {
    const ms = parseDuration(a);
    if (ms === undefined) throw bad();
    return { start: new Date(endInstant.getTime() - ms), end: endInstant };
  }
  throw bad();
}
