import { describe, expect, it } from 'vitest';
import { AppRegistry, parseAppSpec } from '../../mock-sentinel/entra/apps.ts';
import { getJson, startLabMock } from './helpers.ts';

const ID = 'd7a1b000-0000-4000-8000-0000000000dd';

describe('--app CLIENT_ID=SECRET[@DCR,…]', () => {
  it('parses the client id, the secret and the DCRs the app may ingest into', () => {
    expect(parseAppSpec(`${ID}=s3cret`)).toEqual({ clientId: ID, clientSecret: 's3cret', dcrAccess: '*' });
    expect(parseAppSpec(`${ID}=s3cret@dcr-a,dcr-b`)).toEqual({ clientId: ID, clientSecret: 's3cret', dcrAccess: ['dcr-a', 'dcr-b'] });
    expect(parseAppSpec(`${ID}=a=b@`)).toEqual({ clientId: ID, clientSecret: 'a=b', dcrAccess: [] });
  });

  it('rejects a malformed spec without echoing the secret', () => {
    expect(() => parseAppSpec('nope')).toThrow('--app nope: expected CLIENT_ID=SECRET or CLIENT_ID=SECRET@DCR_ID,…');
    expect(() => parseAppSpec('abc=topsecret')).toThrow('--app abc=…: the client id must be a GUID');
    expect(() => parseAppSpec(`${ID}=@dcr-a`)).toThrow('the secret is empty');
  });

  it('checks secrets and DCR access per app', () => {
    const apps = new AppRegistry([{ clientId: ID, clientSecret: 'x', dcrAccess: ['dcr-a'] }]);
    expect(apps.authenticate(ID.toUpperCase(), 'x').ok).toBe(true);
    expect(apps.authenticate(ID, 'y')).toEqual({ ok: false, reason: 'invalid_secret' });
    expect(apps.authenticate('d7a1b000-0000-4000-8000-0000000000ee', 'x')).toEqual({ ok: false, reason: 'unknown_client' });
    expect(apps.canIngest(ID, 'dcr-a')).toBe(true);
    expect(apps.canIngest(ID, 'dcr-b')).toBe(false);
  });
});

describe('fault rules on route "token"', () => {
  it('a 503 on the token endpoint answers in Entra’s shape and is audited as injected', async () => {
    const lab = await startLabMock({ faults: { rules: [{ route: 'token', fault: 503, retryAfter: 2, count: 1 }] } });
    const res = await fetch(`${lab.url}/d7a1b000-0000-4000-8000-000000000001/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable', error_codes: [50196] });
    const entry = (await getJson(lab, '/_lab/requests')).at(-1);
    expect(entry).toMatchObject({ route: 'token', status: 503, errorCode: 'AADSTS50196' });
    expect(entry.injectedFault).not.toBeNull();
  });
});
