// Registered applications (service principals) of the mock tenant, and their role assignments
// on DCRs ("Monitoring Metrics Publisher"). `--app CLIENT_ID=SECRET[@DCR,DCR…]`.
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from './defaults.ts';

export interface RegisteredApp {
  /** The directory (tenant) the app is registered in. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Immutable ids of the DCRs this app may ingest into; `'*'` = every DCR (the lab default). */
  dcrAccess: '*' | string[];
}

export interface AppSpec {
  /** Default: the documented test tenant. */
  tenantId?: string;
  clientId: string;
  clientSecret: string;
  dcrAccess?: '*' | string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses `CLIENT_ID=SECRET` or `CLIENT_ID=SECRET@dcr-a,dcr-b` (the app may then ingest only into those DCRs). */
export function parseAppSpec(spec: string): AppSpec {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) {
    throw new Error(`--app ${redact(spec)}: expected CLIENT_ID=SECRET or CLIENT_ID=SECRET@DCR_ID,…`);
  }
  const clientId = spec.slice(0, eq);
  let clientSecret = spec.slice(eq + 1);
  let dcrAccess: '*' | string[] = '*';
  const at = clientSecret.lastIndexOf('@');
  if (at >= 0) {
    const list = clientSecret.slice(at + 1);
    clientSecret = clientSecret.slice(0, at);
    dcrAccess = list === '*' ? '*' : list.split(',').filter(Boolean);
  }
  if (!GUID.test(clientId)) throw new Error(`--app ${clientId}=…: the client id must be a GUID`);
  if (!clientSecret) throw new Error(`--app ${clientId}=…: the secret is empty`);
  return { clientId, clientSecret, dcrAccess };
}

function redact(spec: string): string {
  const eq = spec.indexOf('=');
  return eq < 0 ? spec : `${spec.slice(0, eq)}=…`;
}

export type AppAuthentication =
  | { ok: true; app: RegisteredApp }
  | { ok: false; reason: 'unknown_client' | 'invalid_secret' };

export class AppRegistry {
  private readonly apps = new Map<string, RegisteredApp>();

  constructor(specs: AppSpec[] = [{ clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET }]) {
    for (const spec of specs) this.register(spec);
  }

  register(spec: AppSpec): RegisteredApp {
    if (!GUID.test(spec.clientId)) throw new Error(`app ${spec.clientId}: the client id must be a GUID`);
    if (spec.tenantId !== undefined && !GUID.test(spec.tenantId)) throw new Error(`app ${spec.clientId}: the tenant id must be a GUID`);
    if (!spec.clientSecret) throw new Error(`app ${spec.clientId}: the secret is empty`);
    const app: RegisteredApp = {
      tenantId: (spec.tenantId ?? DEFAULT_TENANT_ID).toLowerCase(),
      clientId: spec.clientId.toLowerCase(),
      clientSecret: spec.clientSecret,
      dcrAccess: spec.dcrAccess ?? '*',
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  get(clientId: string): RegisteredApp | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  /** Tenants that have at least one app. */
  tenants(): string[] {
    return [...new Set(this.list().map((a) => a.tenantId))];
  }

  list(): RegisteredApp[] {
    return [...this.apps.values()];
  }

  /** Constant-time secret check (compares SHA-256 digests so lengths never leak). */
  authenticate(clientId: string, secret: string): AppAuthentication {
    const app = this.get(clientId);
    if (!app) return { ok: false, reason: 'unknown_client' };
    const a = createHash('sha256').update(secret, 'utf8').digest();
    const b = createHash('sha256').update(app.clientSecret, 'utf8').digest();
    return timingSafeEqual(a, b) ? { ok: true, app } : { ok: false, reason: 'invalid_secret' };
  }

  /** True when the app holds the ingestion role on the DCR. */
  canIngest(clientId: string, dcrImmutableId: string): boolean {
    const app = this.get(clientId);
    if (!app) return false;
    return app.dcrAccess === '*' || app.dcrAccess.includes(dcrImmutableId);
  }
}

/** The service principal's object id: stable per client id, so tokens and 403 messages are reproducible. */
export function servicePrincipalObjectId(clientId: string): string {
  const h = createHash('sha256').update(`dtlab-sp:${clientId.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
