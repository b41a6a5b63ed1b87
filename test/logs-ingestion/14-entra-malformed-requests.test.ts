// Issue 14 item 3: malformed token requests get Entra's own 400 (AADSTS…, invalid_request), never a
// 500: a repeated form parameter (`form.scope.trim is not a function`), bad percent-encoding in Basic
// credentials (URIError), and the other bodies the form parser or the Basic decoder cannot read.
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from '../../mock-sentinel/entra/index.ts';
import { startEntraServer, type EntraServer } from './entra-helpers.ts';
import { getJson, startLabMock } from './helpers.ts';

let srv: EntraServer;
beforeAll(async () => {
  srv = await startEntraServer();
});
afterAll(() => srv.close());

const SCOPE = 'https://monitor.azure.com/.default';
const GOOD = `grant_type=client_credentials&client_id=${DEFAULT_CLIENT_ID}&client_secret=${DEFAULT_CLIENT_SECRET}&scope=${encodeURIComponent(SCOPE)}`;

async function post(body: string, headers: Record<string, string> = {}, origin = srv.origin, dispatcher = srv.dispatcher) {
  const res = await fetch(`${origin}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
    dispatcher,
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as { error: string; error_codes: number[]; error_description: string } };
}

const basic = (raw: string) => ({ authorization: `Basic ${Buffer.from(raw, 'utf8').toString('base64')}` });

function expectEntra400(res: Awaited<ReturnType<typeof post>>, code: number, text: string) {
  expect(res.status).toBe(400);
  expect(res.json.error).toBe('invalid_request');
  expect(res.json.error_codes).toEqual([code]);
  expect(res.json.error_description).toMatch(new RegExp(`^AADSTS${code}: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\r\nTrace ID: `));
}

describe('repeated form parameters → 400 AADSTS9000411', () => {
  for (const name of ['scope', 'client_secret', 'grant_type', 'client_id']) {
    it(`a repeated '${name}'`, async () => {
      const extra = name === 'scope' ? `scope=${encodeURIComponent(SCOPE)}` : `${name}=x`;
      const res = await post(`${GOOD}&${extra}`);
      expectEntra400(res, 9000411, `The request is not properly formatted. The parameter '${name}' is duplicated.`);
    });
  }
});

describe('unreadable credentials or body → 400 AADSTS9002313', () => {
  const MALFORMED = 'Invalid request. Request is malformed or invalid.';
  const form = `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}`;

  it('bad percent-encoding in Basic credentials', async () => {
    expectEntra400(await post(form, basic(`${DEFAULT_CLIENT_ID}:bad%zzsecret`)), 9002313, MALFORMED);
    expectEntra400(await post(form, basic(`bad%E0%A4id:${DEFAULT_CLIENT_SECRET}`)), 9002313, MALFORMED);
  });

  it('Basic credentials that are not base64 id:secret', async () => {
    expectEntra400(await post(form, { authorization: 'Basic ***not-base64***' }), 9002313, MALFORMED);
    expectEntra400(await post(form, basic('no-colon-here')), 9002313, MALFORMED);
    expectEntra400(await post(form, { authorization: 'Basic' }), 9002313, MALFORMED);
  });

  it('credentials sent both ways (Basic and client_secret)', async () => {
    expectEntra400(await post(GOOD, basic(`${DEFAULT_CLIENT_ID}:${DEFAULT_CLIENT_SECRET}`)), 9002313, MALFORMED);
  });

  it('a form body over 64 KB, or with more than 50 parameters', async () => {
    expectEntra400(await post(`${GOOD}&pad=${'a'.repeat(70_000)}`), 9002313, MALFORMED);
    const many = Array.from({ length: 60 }, (_, i) => `p${i}=1`).join('&');
    expectEntra400(await post(`${GOOD}&${many}`), 9002313, MALFORMED);
  });

  it('well-formed Basic credentials (percent-encoded as RFC 6749 §2.3.1 asks) still get a token', async () => {
    const res = await post(form, basic(`${encodeURIComponent(DEFAULT_CLIENT_ID)}:${encodeURIComponent(DEFAULT_CLIENT_SECRET)}`));
    expect(res.status).toBe(200);
    expect(res.json).toHaveProperty('access_token');
  });
});

describe('in the lab mock', () => {
  it('the refusal is in the audit log with its AADSTS code, never a 500', async () => {
    const lab = await startLabMock();
    const res = await post(`${GOOD}&scope=x`, {}, lab.httpsUrl, lab.dispatcher);
    expect(res.status).toBe(400);
    const [entry] = await getJson(lab, '/_lab/requests?limit=1');
    expect(entry).toMatchObject({ route: 'token', status: 400, errorCode: 'AADSTS9000411' });
    expect(JSON.stringify(entry)).not.toContain(DEFAULT_CLIENT_SECRET);
  });
});
