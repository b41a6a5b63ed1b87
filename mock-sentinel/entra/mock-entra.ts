// The mock Microsoft Entra tenant: OpenID discovery, JWKS and the client-credentials token
// endpoint, as @azure/identity's ClientSecretCredential (MSAL) uses them with
// `authorityHost: <mock origin>, disableInstanceDiscovery: true`:
//   GET  /{tenant}/v2.0/.well-known/openid-configuration
//   POST /{tenant}/oauth2/v2.0/token?client-request-id=…   (form body)
// plus GET /{tenant}/discovery/v2.0/keys, and verifyBearer() for the routes that need a token.
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { AppRegistry, type AppSpec } from './apps.ts';
import { DEFAULT_RESOURCES, DEFAULT_TENANT_ID, DEFAULT_TOKEN_LIFETIME_SECONDS } from './defaults.ts';
import { DEFAULT_ENTRA_ERROR_POLICY, EntraError, entraErrors, type EntraErrorPolicy } from './errors.ts';
import { createSigningKey, type SigningKey } from './signing-key.ts';
import { issueAccessToken, verifyBearerHeader, type BearerCheck, type VerifyBearerOptions } from './tokens.ts';

export interface MockEntraOptions {
  /** A tenant that exists even without apps (default: the documented test tenant). Apps add theirs. */
  tenantId?: string;
  /** Registered apps; default the documented test app with access to every DCR. */
  apps?: AppSpec[];
  /** Resources tokens may be issued for (scope `<resource>/.default`). */
  resources?: string[];
  tokenLifetimeSeconds?: number;
  /** Leeway for exp/nbf when verifying (Entra-protected APIs usually allow 5 minutes). */
  clockToleranceSeconds?: number;
  errorPolicy?: Partial<EntraErrorPolicy>;
  now?: () => Date;
  /** Called once per token request, before the answer is sent (for the audit log). Never carries the secret. */
  onTokenRequest?: (outcome: TokenRequestOutcome, res: Response) => void;
  /** Run before the token endpoint reads its body (request tracking, fault injection). */
  tokenMiddlewares?: RequestHandler[];
}

export interface TokenRequestOutcome {
  tenant: string;
  clientId: string | undefined;
  status: number;
  /** `AADSTS7000215` etc. when refused. */
  errorCode?: string;
  /** The error text without trace ids, when refused. */
  message?: string;
  audience?: string;
}

export interface MockEntra {
  /** The default tenant. */
  tenantId: string;
  /** Every tenant the mock knows. */
  tenantIds: string[];
  apps: AppRegistry;
  /** Express router with the discovery, JWKS and token routes; mount at the root. */
  router: Router;
  verifyBearer(header: string | undefined, opts: VerifyBearerOptions): Promise<BearerCheck>;
  /** Issues a token directly (tests, the harness), as the token endpoint would for this app. */
  issueToken(clientId: string, opts?: { audience?: string; origin?: string; lifetimeSeconds?: number }): Promise<string>;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

export function createMockEntra(opts: MockEntraOptions = {}): MockEntra {
  const tenantId = (opts.tenantId ?? DEFAULT_TENANT_ID).toLowerCase();
  const apps = new AppRegistry(opts.apps);
  const tenantIds = [...new Set([tenantId, ...apps.tenants()])];
  const resources = (opts.resources ?? DEFAULT_RESOURCES).map(trimSlash);
  const lifetime = opts.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const policy: EntraErrorPolicy = { ...DEFAULT_ENTRA_ERROR_POLICY, ...opts.errorPolicy };
  const now = opts.now ?? (() => new Date());
  // Generated on first use: an RSA key costs ~100 ms, and most mock instances never issue a token.
  let signingKey: SigningKey | undefined;
  const key = (): SigningKey => (signingKey ??= createSigningKey());
  const issuerFor = (origin: string, tenant: string) => `${origin}/${tenant}/v2.0`;

  const router = express.Router();

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req: Request, res: Response) => {
    const tenant = String(req.params.tenant).toLowerCase();
    const origin = originOf(req);
    if (!tenantIds.includes(tenant)) return sendEntraError(res, entraErrors.tenantNotFound(tenant, 'invalid_tenant'), origin, req);
    const base = `${origin}/${tenant}`;
    res.json({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: issuerFor(origin, tenant),
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid', 'azp', 'ver'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'dtlab.invalid',
      cloud_graph_host_name: 'graph.dtlab.invalid',
      msgraph_host: 'graph.dtlab.invalid',
    });
  });

  router.get('/:tenant/discovery/v2.0/keys', (req: Request, res: Response) => {
    const tenant = String(req.params.tenant).toLowerCase();
    if (!tenantIds.includes(tenant)) return sendEntraError(res, entraErrors.tenantNotFound(tenant, 'invalid_tenant'), originOf(req), req);
    res.json({ keys: [key().publicJwk] });
  });

  const readForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 50 });

  router.post(
    '/:tenant/oauth2/v2.0/token',
    ...(opts.tokenMiddlewares ?? []),
    // A body the form parser refuses (too large, too many parameters, unknown charset) is Entra's own
    // 400, not the app's generic error.
    (req: Request, res: Response, next) => readForm(req, res, (err?: unknown) => (err ? failToken(req, res, entraErrors.malformedRequest()) : next())),
    async (req: Request, res: Response) => {
      const tenant = String(req.params.tenant).toLowerCase();
      const form = (req.body ?? {}) as Record<string, string | string[] | undefined>;
      const fail = (err: EntraError, clientId?: string) => failToken(req, res, err, clientId);
      if (!tenantIds.includes(tenant)) return fail(entraErrors.tenantNotFound(tenant));
      // Repeated parameters arrive as arrays; past this point every value is one string.
      const duplicated = Object.keys(form).find((name) => Array.isArray(form[name]));
      if (duplicated !== undefined) return fail(entraErrors.duplicatedParameter(duplicated));
      const fields = form as Record<string, string | undefined>;
      const basic = basicCredentials(req.headers.authorization);
      if (basic === 'malformed') return fail(entraErrors.malformedRequest(), fields.client_id);
      // RFC 6749 §2.3: one authentication method per request.
      if (basic && fields.client_secret !== undefined) return fail(entraErrors.malformedRequest(), fields.client_id ?? basic.id);
      const clientId = fields.client_id ?? basic?.id;
      if (!fields.grant_type) return fail(entraErrors.missingParameter('grant_type'), clientId);
      if (fields.grant_type !== 'client_credentials') return fail(entraErrors.unsupportedGrantType(fields.grant_type), clientId);
      if (!clientId) return fail(entraErrors.missingParameter('client_id'));
      if (fields.scope === undefined || fields.scope.trim() === '') return fail(entraErrors.missingParameter('scope'), clientId);
      const scopes = fields.scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s));
      if (scopes.length !== 1) return fail(entraErrors.invalidScope(fields.scope), clientId);
      const scope = scopes[0]!;
      if (!scope.endsWith('/.default')) return fail(entraErrors.scopeNotDefault(scope), clientId);
      const audience = trimSlash(scope.slice(0, -'/.default'.length));
      if (!resources.includes(audience)) return fail(entraErrors.resourceNotFound(audience, tenant), clientId);
      const secret = fields.client_secret ?? basic?.secret;
      if (apps.get(clientId)?.tenantId !== tenant) return fail(entraErrors.applicationNotFound(clientId, tenant), clientId);
      if (!secret) return fail(entraErrors.missingClientSecret(), clientId);
      const auth = apps.authenticate(clientId, secret);
      if (!auth.ok) return fail(entraErrors.invalidClientSecret(clientId), clientId);
      const origin = originOf(req);
      const accessToken = await issueAccessToken({
        key: key(),
        app: auth.app,
        tenantId: tenant,
        audience,
        issuer: issuerFor(origin, tenant),
        lifetimeSeconds: lifetime,
        now: now(),
      });
      opts.onTokenRequest?.({ tenant, clientId, status: 200, audience }, res);
      res.set('cache-control', 'no-store, no-cache').set('pragma', 'no-cache');
      echoClientRequestId(req, res);
      res.json({ token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken });
    },
  );

  return {
    tenantId,
    tenantIds,
    apps,
    router,
    verifyBearer: (header, vopts) =>
      verifyBearerHeader(header, vopts, { key: key(), tenantIds, now, clockToleranceSeconds: opts.clockToleranceSeconds ?? 300 }),
    async issueToken(clientId, o = {}) {
      const app = apps.get(clientId);
      if (!app) throw new Error(`issueToken: no registered app ${clientId}`);
      return issueAccessToken({
        key: key(),
        app,
        tenantId: app.tenantId,
        audience: trimSlash(o.audience ?? resources[0]!),
        issuer: issuerFor(o.origin ?? 'https://127.0.0.1', app.tenantId),
        lifetimeSeconds: o.lifetimeSeconds ?? lifetime,
        now: now(),
      });
    },
  };

  /** A refused token request: reported (never with the secret), then answered in Entra's shape. */
  function failToken(req: Request, res: Response, err: EntraError, clientId?: string): void {
    const tenant = String(req.params.tenant).toLowerCase();
    opts.onTokenRequest?.({ tenant, clientId, status: err.status(policy), errorCode: `AADSTS${err.aadsts}`, message: err.message }, res);
    sendEntraError(res, err, originOf(req), req);
  }

  function sendEntraError(res: Response, err: EntraError, origin: string, req: Request): void {
    const body = err.body(origin, correlationIdOf(req), now());
    echoClientRequestId(req, res);
    res.status(err.status(policy)).set('x-ms-request-id', body.trace_id).set('cache-control', 'no-store, no-cache').json(body);
  }
}

function originOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
}

/** MSAL sends `client-request-id` as a query parameter and a header; Entra echoes it as the correlation id. */
function correlationIdOf(req: Request): string | undefined {
  const q = req.query['client-request-id'];
  return (typeof q === 'string' ? q : undefined) ?? req.get('client-request-id') ?? undefined;
}

function echoClientRequestId(req: Request, res: Response): void {
  const id = correlationIdOf(req);
  if (id && /^[0-9a-f-]{36}$/i.test(id)) res.set('client-request-id', id);
}

/**
 * `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1; `+` is kept as is,
 * since clients that skip the encoding are common): the credentials,
 * undefined when the header is absent or another scheme, 'malformed' when it cannot be read.
 */
function basicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | undefined {
  const m = header && /^Basic(?:\s+(.*))?$/i.exec(header.trim());
  if (!m) return undefined;
  const encoded = m[1]?.trim() ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) return 'malformed';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return 'malformed';
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed'; // bad percent-encoding (URIError)
  }
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}
