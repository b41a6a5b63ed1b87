// Test helpers: an independent DTAPI signer written from the spec (§1.2–§1.3), not the simulator's.
import { createHmac } from 'node:crypto';
import { createSimulator, type SimulatorOptions, type Simulator } from '../../simulator/index.ts';

export const PUBLIC = '3f6b2c1a9e8d7f6a5b4c3d2e1f0a9b8c';
export const PRIVATE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4';
export const CLOCK_START = '2024-01-15T09:30:00Z';
export const CLOCK_START_MS = Date.parse(CLOCK_START);

export function sign(pathQuery: string, date: string, pub = PUBLIC, priv = PRIVATE): string {
  return createHmac('sha1', priv).update(`${pathQuery}\n${pub}\n${date}`).digest('hex');
}

/** `YYYYMMDDTHHMMSS` for an epoch-ms instant. */
export function compactDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').slice(0, 15);
}

export interface SignedOptions {
  method?: string;
  /** The body exactly as sent. */
  body?: string;
  contentType?: string;
  date?: string;
  pub?: string;
  priv?: string;
  /** Override what gets signed (defaults to the spec rule: decoded path+query, or path?body). */
  signed?: string;
  headers?: Record<string, string>;
}

/**
 * Sends a DTAPI-signed request. `pathQuery` is what goes on the wire (already encoded); the signature
 * covers it with the query percent-decoded, or `path?body` for a POST with a body.
 */
export async function dtFetch(base: string, pathQuery: string, o: SignedOptions = {}): Promise<Response> {
  const date = o.date ?? compactDate(simulatedNow.get(base)?.() ?? CLOCK_START_MS);
  const path = pathQuery.split('?')[0]!;
  const signed = o.signed ?? (o.body !== undefined ? `${path}?${o.body}` : decodeURIComponent(pathQuery.replace(/\+/g, ' ')));
  const headers: Record<string, string> = {
    'DTAPI-Token': o.pub ?? PUBLIC,
    'DTAPI-Date': date,
    'DTAPI-Signature': sign(signed, date, o.pub, o.priv),
    ...(o.contentType ? { 'content-type': o.contentType } : {}),
    ...(o.headers ?? {}),
  };
  return fetch(base + pathQuery, { method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'), headers, body: o.body, redirect: 'manual' });
}

export async function dtJson<T = unknown>(base: string, pathQuery: string, o: SignedOptions = {}): Promise<T> {
  const res = await dtFetch(base, pathQuery, o);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${pathQuery} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Base URL → the simulated clock of the simulator behind it (the default DTAPI-Date). */
const simulatedNow = new Map<string, () => number>();

/** A stepped simulator at the test clock start, checking DTAPI-Date against simulated time. */
export async function startSim(opts: SimulatorOptions = {}): Promise<{ sim: Simulator; url: string }> {
  const sim = createSimulator({ seed: 1, clockStart: CLOCK_START, speed: 0, backfill: '6h', ...opts, policy: { dateReference: 'simulated', ...(opts.policy ?? {}) } });
  const { url } = await sim.listen();
  simulatedNow.set(url, () => sim.clock.now());
  return { sim, url };
}
