import { ClientSecretCredential } from '@azure/identity';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from '../../mock-sentinel/entra/index.ts';
import { startEntraServer, type EntraServer } from './entra-helpers.ts';

const OTHER_APP = 'd7a1b000-0000-4000-8000-0000000000aa';
let srv: EntraServer;

beforeAll(async () => {
  srv = await startEntraServer({
    apps: [
      { clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET },
      { clientId: OTHER_APP, clientSecret: 'other-secret', dcrAccess: [] },
    ],
  });
});
afterAll(() => srv.close());

function tokenRequest(form: Record<string, string>, tenant = DEFAULT_TENANT_ID) {
  return fetch(`${srv.origin}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    dispatcher: srv.dispatcher,
  });
}

const good = {
  grant_type: 'client_credentials',
  client_id: DEFAULT_CLIENT_ID,
  client_secret: DEFAULT_CLIENT_SECRET,
  scope: 'https://monitor.azure.com/.default',
};

describe('OpenID discovery and JWKS', () => {
  it('serves the discovery document @azure/identity reads, pointing at the mock origin', async () => {
    const res = await fetch(`${srv.origin}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`, { dispatcher: srv.dispatcher });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, string>;
    expect(doc.token_endpoint).toBe(`${srv.origin}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`);
    expect(doc.authorization_endpoint).toBe(`${srv.origin}/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`);
    expect(doc.jwks_uri).toBe(`${srv.origin}/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`);
    expect(doc.issuer).toBe(`${srv.origin}/${DEFAULT_TENANT_ID}/v2.0`);
  });

  it('answers AADSTS90002 for an unknown tenant', async () => {
    const res = await fetch(`${srv.origin}/00000000-0000-4000-8000-000000000999/v2.0/.well-known/openid-configuration`, { dispatcher: srv.dispatcher });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
  });
});

describe('client-credentials token endpoint', () => {
  it('answers the standard v2 JSON with an RS256 JWT that the JWKS verifies', async () => {
    const res = await tokenRequest(good);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const keys = await (await fetch(`${srv.origin}/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`, { dispatcher: srv.dispatcher })).json();
    const { payload, protectedHeader } = await jwtVerify(String(body.access_token), createLocalJWKSet(keys as never), {
      issuer: `${srv.origin}/${DEFAULT_TENANT_ID}/v2.0`,
      audience: 'https://monitor.azure.com',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ appid: DEFAULT_CLIENT_ID, tid: DEFAULT_TENANT_ID });
    expect(payload.exp! - payload.iat!).toBe(3599);
    expect(typeof payload.oid).toBe('string');
  });

  it('accepts the documented double-slash scope https://monitor.azure.com//.default', async () => {
    const res = await tokenRequest({ ...good, scope: 'https://monitor.azure.com//.default' });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect(decodeJwt(access_token).aud).toBe('https://monitor.azure.com');
  });

  it('AADSTS7000215: a wrong secret gets 401 invalid_client in the standard error shape', async () => {
    const res = await tokenRequest({ ...good, client_secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(String(body.error_description)).toMatch(/^AADSTS7000215: Invalid client secret provided\. .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s);
    expect(body).toHaveProperty('trace_id');
    expect(body).toHaveProperty('correlation_id');
    expect(body).toHaveProperty('timestamp');
    expect(JSON.stringify(body)).not.toContain('not-the-secret');
  });

  it('AADSTS700016: an unknown client gets 400 unauthorized_client', async () => {
    const res = await tokenRequest({ ...good, client_id: '11111111-2222-4333-8444-555555555555' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('unauthorized_client');
    expect(body.error_codes).toEqual([700016]);
    expect(String(body.error_description)).toContain(`Application with identifier '11111111-2222-4333-8444-555555555555' was not found in the directory '${DEFAULT_TENANT_ID}'`);
  });

  it('AADSTS70011 / 1002012 / 500011: bad scopes get 400', async () => {
    const several = await tokenRequest({ ...good, scope: 'https://monitor.azure.com/.default https://api.loganalytics.io/.default' });
    expect(several.status).toBe(400);
    expect(await several.json()).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
    const notDefault = await tokenRequest({ ...good, scope: 'https://monitor.azure.com/Logs.Write' });
    expect(await notDefault.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    const unknown = await tokenRequest({ ...good, scope: 'https://vault.azure.net/.default' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
  });

  it('AADSTS900144 / 70003: a missing parameter or another grant type gets 400', async () => {
    const { grant_type: _g, ...noGrant } = good;
    expect(await (await tokenRequest(noGrant)).json()).toMatchObject({ error: 'invalid_request', error_codes: [900144] });
    const pwd = await tokenRequest({ ...good, grant_type: 'password' });
    expect(pwd.status).toBe(400);
    expect(await pwd.json()).toMatchObject({ error: 'unsupported_grant_type', error_codes: [70003] });
  });

  it('the invalid_client status is configurable (RFC 6749 allows 400)', async () => {
    const other = await startEntraServer({ errorPolicy: { invalidClientStatus: 400 } });
    try {
      const res = await fetch(`${other.origin}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...good, client_secret: 'nope' }).toString(),
        dispatcher: other.dispatcher,
      });
      expect(res.status).toBe(400);
    } finally {
      await other.close();
    }
  });
});

describe('@azure/identity ClientSecretCredential against the mock over HTTPS', () => {
  it('gets a token with authorityHost = the mock and the lab CA trusted through the pipeline agent', async () => {
    const credential = new ClientSecretCredential(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, {
      authorityHost: srv.origin,
      disableInstanceDiscovery: true,
      agent: srv.httpsAgent,
    });
    const token = await credential.getToken('https://monitor.azure.com/.default');
    expect(decodeJwt(token.token)).toMatchObject({ aud: 'https://monitor.azure.com', appid: DEFAULT_CLIENT_ID });
    const check = await srv.entra.verifyBearer(`Bearer ${token.token}`, { audience: 'https://monitor.azure.com' });
    expect(check.ok).toBe(true);
  });

  it('a wrong secret fails with the SDK’s own error carrying AADSTS7000215', async () => {
    const credential = new ClientSecretCredential(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, 'wrong', {
      authorityHost: srv.origin,
      disableInstanceDiscovery: true,
      agent: srv.httpsAgent,
    });
    const err = await credential.getToken('https://monitor.azure.com/.default').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.name).toMatch(/Authentication(Required)?Error/);
    expect(err!.message).toContain('AADSTS7000215');
  });
});

describe('verifyBearer', () => {
  it('accepts a token of this instance for its audience, trailing slash or not', async () => {
    const token = await srv.entra.issueToken(DEFAULT_CLIENT_ID);
    expect((await srv.entra.verifyBearer(`Bearer ${token}`, { audience: 'https://monitor.azure.com/' })).ok).toBe(true);
  });

  it('rejects a missing header, another scheme, a wrong audience, an expired token and another instance’s token', async () => {
    expect(await srv.entra.verifyBearer(undefined, { audience: 'https://monitor.azure.com' })).toMatchObject({ ok: false, reason: 'missing' });
    expect(await srv.entra.verifyBearer('SharedKey ws:sig', { audience: 'https://monitor.azure.com' })).toMatchObject({ ok: false, reason: 'malformed' });
    const la = await srv.entra.issueToken(DEFAULT_CLIENT_ID, { audience: 'https://api.loganalytics.io' });
    expect(await srv.entra.verifyBearer(`Bearer ${la}`, { audience: 'https://monitor.azure.com' })).toMatchObject({ ok: false, reason: 'wrong_audience' });
    const expired = await srv.entra.issueToken(DEFAULT_CLIENT_ID, { lifetimeSeconds: -600 });
    expect(await srv.entra.verifyBearer(`Bearer ${expired}`, { audience: 'https://monitor.azure.com' })).toMatchObject({ ok: false, reason: 'expired' });
    const other = await startEntraServer();
    try {
      const foreign = await other.entra.issueToken(DEFAULT_CLIENT_ID);
      expect(await srv.entra.verifyBearer(`Bearer ${foreign}`, { audience: 'https://monitor.azure.com' })).toMatchObject({ ok: false, reason: 'invalid_signature' });
    } finally {
      await other.close();
    }
  });
});
