// Query route authentication: a bearer token of the mock's Entra for https://api.loganalytics.io;
// the Query API's documented 401/403 otherwise; an injectable authorizer replaces the check.
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockSentinel, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, type MockSentinel } from '../../mock-sentinel/index.ts';
import { queryRouter } from '../../mock-sentinel/query/router.ts';
import { openAccess } from '../../mock-sentinel/query/authentication.ts';
import { WORKSPACE } from './fixture.ts';

let mock: MockSentinel;
let url: string;

beforeAll(async () => {
  mock = createMockSentinel();
  ({ url } = await mock.listen());
});
afterAll(() => mock.close());

async function token(resource: string): Promise<string> {
  const res = await fetch(`${url}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEFAULT_CLIENT_ID, client_secret: DEFAULT_CLIENT_SECRET, scope: `${resource}/.default` }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const query = (headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/workspaces/${WORKSPACE}/query`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: 'print x = 1' }) });

describe('AuthenticationFailed', () => {
  it('a request without Authorization answers 401', async () => {
    const res = await query();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } });
  });
});

describe('InvalidAuthenticationToken', () => {
  it('a token that is not one of this mock answers 403', async () => {
    const res = await query({ authorization: 'Bearer aaa.bbb.ccc' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });
});

describe('InvalidAuthenticationTokenAudience', () => {
  it('a token for the ingestion audience answers 403', async () => {
    const res = await query({ authorization: `Bearer ${await token('https://monitor.azure.com')}` });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
  });
});

describe('bearer token for https://api.loganalytics.io', () => {
  it('is accepted', async () => {
    const res = await query({ authorization: `Bearer ${await token('https://api.loganalytics.io')}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ tables: [{ name: 'PrimaryResult', columns: [{ name: 'x', type: 'long' }], rows: [[1]] }] });
  });
});

describe('injectable authorizer', () => {
  it('replaces the bearer check', async () => {
    const app = express();
    app.use(queryRouter(mock.lab, { authorize: openAccess }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/workspaces/${WORKSPACE}/query?query=${encodeURIComponent('print y = "ok"')}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { tables: { rows: unknown[][] }[] }).tables[0]!.rows).toEqual([['ok']]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
