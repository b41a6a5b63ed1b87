// Issue 14 item 7: the /_lab admin API trusted everyone who could reach it — `DELETE /_lab/tables`
// with `Host: evil.example` answered 204, key rotation worked for anyone (DNS rebinding from a
// browser). Now /_lab answers only loopback Hosts (or --allowed-host ones), 421 otherwise, and needs
// the bearer token when --admin-token is set; the ingestion routes are unchanged.
import { describe, expect, it } from 'vitest';
import { startMockSentinel } from '../../harness/library/index.ts';
import { isLoopbackHost } from '../../shared-lib/admin-guard.ts';
import { PRIMARY_KEY, SECONDARY_KEY, WORKSPACE_ID, getJson, postLogs, rawRequest, startMock } from './helpers.ts';

const KEYS = JSON.stringify({ primary: SECONDARY_KEY, secondary: PRIMARY_KEY });

async function withRows(url: string): Promise<void> {
  expect((await postLogs(url, [{ a: 1 }])).status).toBe(200);
}

describe('Host check', () => {
  it('DELETE /_lab/tables and key rotation with Host: evil.example → 421, nothing changed', async () => {
    const { url } = await startMock();
    await withRows(url);
    const del = await rawRequest(url, 'DELETE', '/_lab/tables', { host: 'evil.example' });
    expect(del.status).toBe(421);
    expect(del.json.error).toContain("host 'evil.example'");
    const rotate = await rawRequest(url, 'PUT', `/_lab/workspaces/${WORKSPACE_ID}/keys`, { host: 'evil.example:4780', 'content-type': 'application/json' }, Buffer.from(KEYS));
    expect(rotate.status).toBe(421);
    expect((await getJson(url, '/_lab/tables'))[0].rowCount).toBe(1);
    expect((await postLogs(url, [{ a: 2 }], { key: PRIMARY_KEY })).status).toBe(200); // the old key still works
  });

  it('loopback names and addresses are answered: localhost, *.localhost, 127.0.0.0/8, [::1]', async () => {
    const { url } = await startMock();
    for (const host of ['localhost', 'LOCALHOST:4780', 'lab.localhost', '127.0.0.1:1', '127.9.9.9', '[::1]:4780', '[::1]']) {
      expect((await rawRequest(url, 'GET', '/_lab/health', { host })).status, host).toBe(200);
    }
    for (const host of ['localhost.evil.example', '10.0.0.5', '0.0.0.0', '[::ffff:7f00:1]', '127.0.0.1.nip.io']) {
      expect((await rawRequest(url, 'GET', '/_lab/health', { host })).status, host).toBe(421);
    }
  });

  it('admin.allowedHosts (--allowed-host) adds names', async () => {
    const { url } = await startMock({ admin: { allowedHosts: ['lab.example.test'] } });
    expect((await rawRequest(url, 'GET', '/_lab/tables', { host: 'Lab.Example.Test:4780' })).status).toBe(200);
    expect((await rawRequest(url, 'GET', '/_lab/tables', { host: 'other.example.test' })).status).toBe(421);
  });

  it('the ingestion routes and the web page are not admin routes: any Host', async () => {
    const { url } = await startMock();
    await withRows(url);
    expect((await postLogs(url, [{ a: 1 }], { headers: { host: `${WORKSPACE_ID}.ods.opinsights.azure.com` } })).status).toBe(200);
    expect((await rawRequest(url, 'GET', '/', { host: 'evil.example' })).status).toBe(200);
  });

  it('a non-loopback bind is told apart (the startup warning)', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('::')).toBe(false);
  });
});

describe('admin token', () => {
  it('with admin.token (--admin-token), /_lab needs the bearer token: 401 without it or with a wrong one', async () => {
    const { url } = await startMock({ admin: { token: 's3cret-admin' } });
    await withRows(url);
    const none = await rawRequest(url, 'DELETE', '/_lab/tables', {});
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await rawRequest(url, 'DELETE', '/_lab/tables', { authorization: 'Bearer s3cret-admiN' })).status).toBe(401);
    expect((await rawRequest(url, 'GET', '/_lab/tables', { authorization: 'Bearer s3cret-admin' })).json[0].rowCount).toBe(1);
    expect((await rawRequest(url, 'DELETE', '/_lab/tables', { authorization: 'Bearer s3cret-admin' })).status).toBe(204);
    // the Host check still applies with the token
    expect((await rawRequest(url, 'GET', '/_lab/tables', { authorization: 'Bearer s3cret-admin', host: 'evil.example' })).status).toBe(421);
  });

  it('the harness library sends the token it was given', async () => {
    const lab = await startMockSentinel({ admin: { token: 'lib-token' }, tls: false });
    try {
      expect(Array.isArray(await lab.admin.tables())).toBe(true); // a LabRequestError (401) otherwise
      await lab.admin.faults.failNext(1, 503);
      expect(await lab.admin.faults.list()).toHaveLength(1);
    } finally {
      await lab.close();
    }
  });
});
