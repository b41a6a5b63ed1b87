// The /_lab admin API (design.md) and the typed lifecycle events.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RequestEndEvent, RequestStartEvent, RowsStoredEvent } from '../../mock-sentinel/index.ts';
import { PRIMARY_KEY, WORKSPACE_ID, getJson, postLogs, rawRequest, startMock } from './helpers.ts';

describe('admin API', () => {
  it('GET /_lab/health', async () => {
    const { url } = await startMock();
    expect(await getJson(url, '/_lab/health')).toEqual({ status: 'ok' });
  });

  it('GET /_lab/tables and /_lab/tables/:name/rows with limit and offset', async () => {
    const { url } = await startMock();
    await postLogs(url, Array.from({ length: 5 }, (_, i) => ({ i })), { logType: 'Admin' });
    const tables = await getJson(url, '/_lab/tables');
    expect(tables).toEqual([
      {
        name: 'Admin_CL',
        rowCount: 5,
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'TenantId', type: 'guid' },
          { name: 'Type', type: 'string' },
          { name: 'SourceSystem', type: 'string' },
          { name: '_ResourceId', type: 'string' },
          { name: 'i_d', type: 'double' },
        ],
      },
    ]);
    const page = await getJson(url, '/_lab/tables/Admin_CL/rows?limit=2&offset=1');
    expect(page.map((r: { i_d: number }) => r.i_d)).toEqual([1, 2]);
    expect(page[0].TimeGenerated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect((await rawRequest(url, 'GET', '/_lab/tables/Nope_CL/rows', {})).status).toBe(404);
    expect((await rawRequest(url, 'GET', '/_lab/tables/Admin_CL/rows?limit=-1', {})).status).toBe(400);
  });

  it('GET /_lab/requests?limit= returns the latest entries, oldest first, with the audit fields', async () => {
    const { url } = await startMock();
    await postLogs(url, [{ a: 1 }, { a: 2 }], { logType: 'Audit' });
    await postLogs(url, [{ a: 1 }], { logType: 'bad.name' });
    await postLogs(url, [{ a: 1 }], { key: Buffer.alloc(32, 1).toString('base64') });
    const all = await getJson(url, '/_lab/requests');
    expect(all).toHaveLength(3);
    expect(all[0]).toMatchObject({
      route: 'dataCollector',
      workspace: WORKSPACE_ID,
      table: 'Audit_CL',
      status: 200,
      errorCode: null,
      records: 2,
      injectedFault: null,
    });
    expect(all[0].bytes).toBe(Buffer.byteLength(JSON.stringify([{ a: 1 }, { a: 2 }])));
    expect(all[1]).toMatchObject({ status: 400, errorCode: 'InvalidLogType' });
    expect(all[2]).toMatchObject({ status: 403, errorCode: 'InvalidAuthorization', message: 'An invalid signature was specified in the Authorization header' });
    expect(JSON.stringify(all)).not.toContain(PRIMARY_KEY);
    const last = await getJson(url, '/_lab/requests?limit=1');
    expect(last).toEqual([all[2]]);
  });

  it('DELETE /_lab/tables empties the workspace', async () => {
    const { url } = await startMock();
    await postLogs(url, [{ a: 1 }]);
    expect((await rawRequest(url, 'DELETE', '/_lab/tables', {})).status).toBe(204);
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
    expect((await postLogs(url, [{ b: true }])).status).toBe(200);
    expect((await getJson(url, '/_lab/tables'))[0].columns.map((c: { name: string }) => c.name)).toContain('b_b');
  });
});

describe('several workspaces', () => {
  it('each workspace authenticates with its own keys; rows carry their TenantId', async () => {
    const other = { id: '11111111-2222-4333-8444-555555555555', primaryKey: Buffer.alloc(64, 3).toString('base64') };
    const { url } = await startMock({
      workspaces: [{ id: WORKSPACE_ID, primaryKey: PRIMARY_KEY }, other],
    });
    expect((await postLogs(url, [{ a: 1 }], { logType: 'Multi' })).status).toBe(200);
    expect((await postLogs(url, [{ a: 2 }], { logType: 'Multi', workspaceId: other.id, key: other.primaryKey })).status).toBe(200);
    expect((await postLogs(url, [{ a: 3 }], { logType: 'Multi', workspaceId: other.id, key: PRIMARY_KEY })).status).toBe(403);
    const rows = await getJson(url, '/_lab/tables/Multi_CL/rows');
    expect(rows.map((r: { TenantId: string; a_d: number }) => [r.TenantId, r.a_d])).toEqual([
      [WORKSPACE_ID, 1],
      [other.id, 2],
    ]);
  });

  it('a workspace key that is not base64 is a config error naming the path, not the key', async () => {
    await expect(startMock({ workspaces: [{ id: WORKSPACE_ID, primaryKey: 'not base64!' }] })).rejects.toThrow(
      /^workspaces\[0\]\.primaryKey: must be a base64 workspace key$/,
    );
  });
});

describe('lifecycle events', () => {
  it('request:start, rows:stored, request:end for a stored post', async () => {
    const { url, mock } = await startMock();
    const seen: string[] = [];
    let start: RequestStartEvent | undefined;
    let stored: RowsStoredEvent | undefined;
    mock.events.on('request:start', (e) => {
      seen.push('request:start');
      start = e;
    });
    mock.events.on('rows:stored', (e) => {
      seen.push('rows:stored');
      stored = e;
    });
    const ended = once(mock.events, 'request:end') as Promise<[RequestEndEvent]>;
    mock.events.on('request:end', () => seen.push('request:end'));
    await postLogs(url, [{ a: 1 }, { a: 2 }, { a: 3 }], { logType: 'Events' });
    const [end] = await ended;
    expect(seen).toEqual(['request:start', 'rows:stored', 'request:end']);
    expect(start).toMatchObject({ route: 'dataCollector', method: 'POST', path: '/api/logs' });
    expect(stored).toMatchObject({ table: 'Events_CL', workspace: WORKSPACE_ID, count: 3 });
    expect(stored!.timestamp).toBeInstanceOf(Date);
    expect(end).toMatchObject({ id: start!.id, status: 200, outcome: 'stored', table: 'Events_CL', records: 3 });
  });

  it('request:end carries the outcome and error code of a rejected post', async () => {
    const { url, mock } = await startMock();
    const ended = once(mock.events, 'request:end') as Promise<[RequestEndEvent]>;
    await postLogs(url, [{ a: 1 }], { logType: null });
    const [end] = await ended;
    expect(end).toMatchObject({ status: 400, outcome: 'rejected', errorCode: 'MissingLogType' });
  });
});
