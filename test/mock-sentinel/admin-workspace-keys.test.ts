// Key rotation over the admin API (GET /_lab/workspaces, PUT /_lab/workspaces/:id/keys) and the
// library call setWorkspaceKeys: old keys stop working, new ones work, keys are never echoed or audited.
import { describe, expect, it } from 'vitest';
import { PRIMARY_KEY, SECONDARY_KEY, WORKSPACE_ID, getJson, postLogs, rawRequest, startMock } from './helpers.ts';

const NEW_PRIMARY = Buffer.alloc(64, 7).toString('base64');
const NEW_SECONDARY = Buffer.alloc(64, 9).toString('base64');

function putKeys(url: string, id: string, body: unknown, contentType = 'application/json') {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return rawRequest(url, 'PUT', `/_lab/workspaces/${id}/keys`, { 'content-type': contentType, 'content-length': String(raw.length) }, raw);
}

describe('GET /_lab/workspaces', () => {
  it('lists workspace ids only, never keys', async () => {
    const other = { id: '11111111-2222-4333-8444-555555555555', primaryKey: NEW_PRIMARY };
    const { url } = await startMock({ workspaces: [{ id: WORKSPACE_ID, primaryKey: PRIMARY_KEY, secondaryKey: SECONDARY_KEY }, other] });
    const res = await rawRequest(url, 'GET', '/_lab/workspaces', {});
    expect(res.status).toBe(200);
    expect(res.json).toEqual([{ id: WORKSPACE_ID }, { id: other.id }]);
    expect(res.text).not.toContain(PRIMARY_KEY);
    expect(res.text).not.toContain(NEW_PRIMARY);
  });
});

describe('PUT /_lab/workspaces/:id/keys', () => {
  it('replaces the primary key: the old key gets 403, the new one 200, the secondary keeps working', async () => {
    const { url } = await startMock();
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot' })).status).toBe(200);
    const res = await putKeys(url, WORKSPACE_ID, { primary: NEW_PRIMARY });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await postLogs(url, [{ a: 2 }], { logType: 'Rot', key: PRIMARY_KEY })).status).toBe(403);
    expect((await postLogs(url, [{ a: 3 }], { logType: 'Rot', key: NEW_PRIMARY })).status).toBe(200);
    expect((await postLogs(url, [{ a: 4 }], { logType: 'Rot', key: SECONDARY_KEY })).status).toBe(200);
    const rows = await getJson(url, '/_lab/tables/Rot_CL/rows');
    expect(rows.map((r: { a_d: number }) => r.a_d)).toEqual([1, 3, 4]);
  });

  it('replaces the secondary key, or removes it with null', async () => {
    const { url } = await startMock();
    expect((await putKeys(url, WORKSPACE_ID, { secondary: NEW_SECONDARY })).status).toBe(204);
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: SECONDARY_KEY })).status).toBe(403);
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: NEW_SECONDARY })).status).toBe(200);
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: PRIMARY_KEY })).status).toBe(200);
    expect((await putKeys(url, WORKSPACE_ID, { secondary: null })).status).toBe(204);
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: NEW_SECONDARY })).status).toBe(403);
  });

  it('404 for an unknown workspace', async () => {
    const { url } = await startMock();
    const res = await putKeys(url, '11111111-2222-4333-8444-555555555555', { primary: NEW_PRIMARY });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: "no workspace '11111111-2222-4333-8444-555555555555'" });
  });

  it('400 with the field and reason for a key that is not base64, an unknown field, an empty body or bad JSON; keys unchanged', async () => {
    const { url } = await startMock();
    const cases: [unknown, string][] = [
      [{ primary: 'not base64!' }, 'primary: must be a base64 workspace key'],
      [{ primary: '' }, 'primary: must be a base64 workspace key'],
      [{ secondary: 42 }, 'secondary: must be a base64 string or null'],
      [{ primary: NEW_PRIMARY, tertiary: NEW_SECONDARY }, 'tertiary: unknown field (expected "primary" and/or "secondary")'],
      [{}, 'body: give "primary" and/or "secondary" (base64 keys)'],
      [[NEW_PRIMARY], 'body: must be a JSON object with "primary" and/or "secondary" (base64 keys)'],
      [`{"primary": "${NEW_PRIMARY}"`, 'body: not valid JSON'],
    ];
    for (const [body, error] of cases) {
      const res = await putKeys(url, WORKSPACE_ID, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json).toEqual({ error });
      expect(res.text).not.toContain(NEW_PRIMARY);
    }
    // A rejected body with a valid primary next to an unknown field changed nothing.
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: PRIMARY_KEY })).status).toBe(200);
  });

  it('is audited with which keys changed, never the keys', async () => {
    const { url } = await startMock();
    await putKeys(url, WORKSPACE_ID, { primary: NEW_PRIMARY, secondary: NEW_SECONDARY });
    await putKeys(url, WORKSPACE_ID, { primary: 'bad!' });
    const entries = await getJson(url, '/_lab/requests');
    const keyEntries = entries.filter((e: { route: string }) => e.route === 'admin-keys');
    expect(keyEntries.map((e: { status: number; workspace: string; flags: string[]; message: string | null }) => [e.status, e.workspace, e.flags, e.message])).toEqual([
      [204, WORKSPACE_ID, ['primary key replaced', 'secondary key replaced'], null],
      [400, WORKSPACE_ID, [], 'primary: must be a base64 workspace key'],
    ]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(NEW_PRIMARY);
    expect(text).not.toContain(NEW_SECONDARY);
  });
});

describe('setWorkspaceKeys (library)', () => {
  it('rotates like the admin route and throws on an unknown workspace or a bad key', async () => {
    const { mock, url } = await startMock();
    mock.setWorkspaceKeys(WORKSPACE_ID, { primary: NEW_PRIMARY });
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: PRIMARY_KEY })).status).toBe(403);
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Rot', key: NEW_PRIMARY })).status).toBe(200);
    expect(() => mock.setWorkspaceKeys('11111111-2222-4333-8444-555555555555', { primary: NEW_PRIMARY })).toThrow(
      "no workspace '11111111-2222-4333-8444-555555555555'",
    );
    expect(() => mock.setWorkspaceKeys(WORKSPACE_ID, { secondary: 'x' })).toThrow(/^secondary: must be a base64 workspace key$/);
  });
});
