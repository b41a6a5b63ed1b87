// What request handlers see: the simulator's state, the clock, and the API policies.
import type { Catalogue } from '../catalogue/models.ts';
import type { Engine } from '../engine/engine.ts';
import type { AlertStore } from '../persistence/store.ts';
import type { World } from '../world/types.ts';
import type { TokenPair } from './authentication/dtapi.ts';
import type { Params } from './params.ts';

export type AuthCheck = 'token' | 'date' | 'signature' | 'endpoint';

export interface ApiPolicy {
  tokens: TokenPair[];
  /** Allowed |DTAPI-Date − server time|, ms (default 30 min). */
  maxSkewMs: number;
  /** Which clock DTAPI-Date is checked against: the machine's ('wall', default) or the simulated one. */
  dateReference: 'wall' | 'simulated';
  /** Also accept a signature computed over the still-encoded query (default false: spec §1.3). */
  acceptEncodedQuery: boolean;
  /** What a POST with both a query string and a body signs: 'body' (default), 'query', or 'both' (query&body). */
  postSigning: 'body' | 'query' | 'both';
  /** Key of auth-error bodies: 'first-segment' (default, e.g. {"modelbreaches": …}) or a fixed key. */
  errorKey: string;
  /** Order of the auth checks (default token, date, signature, endpoint). */
  checkOrder: AuthCheck[];
  /** Unknown query parameters: 'ignore' (default) or 'reject' with INPUT ERROR. */
  unknownParameters: 'ignore' | 'reject';
  /** Treat time parameters below 10^11 as epoch seconds (default true). */
  epochSecondsHeuristic: boolean;
  /** Largest request body accepted, bytes (default 1 MiB). */
  maxBodyBytes: number;
}

export const DEFAULT_POLICY: Omit<ApiPolicy, 'tokens'> = {
  maxSkewMs: 30 * 60_000,
  dateReference: 'wall',
  acceptEncodedQuery: false,
  postSigning: 'body',
  errorKey: 'first-segment',
  checkOrder: ['token', 'date', 'signature', 'endpoint'],
  unknownParameters: 'ignore',
  epochSecondsHeuristic: true,
  maxBodyBytes: 1024 * 1024,
};

export interface ApiContext {
  world: World;
  catalogue: Catalogue;
  store: AlertStore;
  engine: Engine;
  /** Simulated now, epoch ms. */
  now(): number;
  /** Machine now, epoch ms. */
  wallNow(): number;
  policy: ApiPolicy;
  /** Version string /status reports. */
  version: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: Params;
  /** Form or JSON body fields (POST). */
  body: Params;
  /** Parsed JSON body, when the body was JSON. */
  json: unknown;
  pathParams: string[];
  token: TokenPair;
  ctx: ApiContext;
}

export interface ApiResult {
  status?: number;
  /** A value to serialise. */
  json?: unknown;
  /** Already-serialised JSON (UTF-8). */
  raw?: string | Buffer;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Documented parameters (for the 'reject' unknown-parameter policy). */
  accepts: string[];
  handle(req: ApiRequest): ApiResult;
}

/** `responsedata=<field>` keeps only that top-level field (of each element of a list). */
export function applyResponseData(value: unknown, field: string | undefined): unknown {
  if (!field) return value;
  const pick = (o: unknown) => (o && typeof o === 'object' && !Array.isArray(o) ? { [field]: (o as Record<string, unknown>)[field] } : o);
  return Array.isArray(value) ? value.map(pick) : pick(value);
}
