// Issue 11: the Query API's `POST /v1/$batch` and its `Prefer` options, through Microsoft's own query
// SDK unmodified (@azure/monitor-query-logs LogsQueryClient: queryBatch, queryWorkspace with
// includeQueryStatistics and serverTimeoutInSeconds) over HTTPS with a token of the mock's Entra,
// and raw for what the SDK never sends (a body that is not JSON, duplicate ids, a wrong path).
import { LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from './fixture.ts';
import { ALL, rawQuery as raw, startQueryLab as start } from './query-sdk.ts';

const T = 'darktrace_model_alerts_CL';
const OTHER = '11111111-2222-4333-8444-555555555555';
/** A generated series joined with itself: minutes of DuckDB work unless its timeout stops it. */
const SERIES = `${T} | make-series n = count() default = 0 on TimeGenerated from datetime(2023-01-01) to datetime(2024-01-01) step 1m | mv-expand n | project n`;
const RUNAWAY = `${SERIES} | project a = tolong(n) | join kind=inner (${SERIES} | project b = tolong(n)) on $left.a == $right.b | count`;

const batch = (requests: unknown[]) => JSON.stringify({ requests });

describe('POST /v1/$batch through LogsQueryClient.queryBatch', () => {
  it('answers each query in its own right: rows, a failing query’s error, statistics where asked, a timeout as 504', async () => {
    const { lab, client } = await start({ query: { defaultTimeoutMs: 300 } });
    const results = await client.queryBatch([
      { workspaceId: WORKSPACE, query: `${T} | summarize n = count() by dtProduct_s | sort by dtProduct_s asc`, timespan: ALL, serverTimeoutInSeconds: 600 },
      { workspaceId: WORKSPACE, query: `${T} | where (`, serverTimeoutInSeconds: 600, timespan: ALL },
      { workspaceId: WORKSPACE, query: `${T} | count`, includeQueryStatistics: true, serverTimeoutInSeconds: 600, timespan: ALL },
      { workspaceId: OTHER, query: `${T} | count`, serverTimeoutInSeconds: 600, timespan: ALL },
      // No wait=N: the mock's 0.3 s default timeout stops it.
      { workspaceId: WORKSPACE, query: RUNAWAY, timespan: ALL },
    ]);
    expect(results).toHaveLength(5);

    const [rows, bad, stats, unknownWorkspace, timedOut] = results as any[];
    expect(rows.status).toBe(LogsQueryResultStatus.Success);
    expect(rows.tables[0].columnDescriptors).toEqual([{ name: 'dtProduct_s', type: 'string' }, { name: 'n', type: 'long' }]);
    expect(rows.tables[0].rows).toEqual([['AI Analyst', 3], ['Antigena Email', 2], ['Policy Breach', 2], ['System Alert', 1]]);
    expect(rows.statistics).toBeUndefined();

    // A member's error is in its body; the SDK reports it as a failed member, the batch goes on.
    expect(bad.status).toBe(LogsQueryResultStatus.PartialFailure);
    expect(bad.partialTables).toEqual([]);
    expect(bad.partialError).toMatchObject({ code: 'BadArgumentError', innererror: { code: 'SyntaxError' } });

    expect(stats.status).toBe(LogsQueryResultStatus.Success);
    expect(stats.tables[0].rows).toEqual([[8]]);
    expect(stats.statistics.query.executionTime).toEqual(expect.any(Number));
    expect(stats.statistics.query.datasetStatistics).toEqual([{ tableRowCount: 1, tableSize: expect.any(Number) }]);

    expect(unknownWorkspace.partialError).toMatchObject({ code: 'FailedToResolveResource' });
    expect(timedOut.partialError).toMatchObject({ code: 'GatewayTimeout', message: expect.stringMatching(/timeout of 0.3 seconds/) });

    // One audited request carrying every member.
    const audit = (await (await fetch(`${lab.url}/_lab/requests`)).json()) as { route: string; path: string; status: number; records: number; flags: string[] }[];
    const entry = audit.find((e) => e.path === '/v1/$batch')!;
    expect(entry).toMatchObject({ route: 'query', status: 200, records: 4 + 1 });
    expect(entry.flags.map((f) => f.replace(/ query: .*/, ''))).toEqual(['batch query-0: 200', 'batch query-1: 400', 'batch query-2: 200', 'batch query-3: 400', 'batch query-4: 504']);
  });

  it('answers in the documented shape: id, status, headers with Preference-Applied, body', async () => {
    const { lab } = await start();
    const res = await raw(
      lab,
      '/v1/$batch',
      batch([
        { id: 'b', workspace: WORKSPACE, path: '/query', method: 'POST', headers: { Prefer: 'include-statistics=true, wait=30' }, body: { query: `${T} | count` } },
        // GET is the default method; its query is in the path, and any body is ignored.
        { id: 'a', workspace: WORKSPACE, path: `/query?query=${encodeURIComponent(`${T} | where dtProduct_s == 'System Alert' | project title_s`)}`, body: { query: 'ignored' } },
        { id: 'c', workspace: WORKSPACE, path: '/fakePath', method: 'POST', body: { query: `${T} | count` } },
        { id: 'd', workspace: WORKSPACE, path: '/query', method: 'DELETE' },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.json.responses.map((r: { id: string; status: number }) => [r.id, r.status])).toEqual([['b', 200], ['a', 200], ['c', 404], ['d', 404]]);
    const [b, a, c, d] = res.json.responses;
    expect(b.headers).toEqual({ 'Preference-Applied': 'wait=30,include-statistics=true' });
    expect(b.body.statistics.query.datasetStatistics[0].tableRowCount).toBe(1);
    expect(a.headers).toBeUndefined();
    expect(a.body).toEqual({ tables: [{ name: 'PrimaryResult', columns: [{ name: 'title_s', type: 'string' }], rows: [['Probe connectivity lost']] }] });
    const pathNotFound = { error: { message: 'The requested path does not exist', code: 'PathNotFoundError' } };
    expect(c.body).toEqual(pathNotFound);
    expect(d.body).toEqual(pathNotFound);
  });

  it('fails the whole batch only for a body that is not JSON, a request without id or workspace, a repeated id, or no token', async () => {
    const { lab } = await start();
    const notJson = await raw(lab, '/v1/$batch', '{"requests": [');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({
      error: {
        message: 'The request had some invalid properties',
        code: 'BadArgumentError',
        innererror: { code: 'QueryValidationError', message: 'Failed parsing the query', details: [{ code: 'InvalidJsonBody', message: expect.any(String), target: null }] },
      },
    });
    const member = { id: '1', workspace: WORKSPACE, path: '/query', method: 'POST', body: { query: `${T} | count` } };
    const cases: [string, string][] = [
      [JSON.stringify({}), "The batch body has no 'requests' array"],
      [batch([{ ...member, id: undefined }]), 'requests[0].id: is required (a non-empty string)'],
      [batch([member, { ...member, workspace: undefined, id: '2' }]), 'requests[1].workspace: is required (a workspace id)'],
      [batch([member, member]), "requests[1].id: '1' is used by another request of the batch"],
    ];
    for (const [body, message] of cases) {
      const res = await raw(lab, '/v1/$batch', body);
      expect(res.status, message).toBe(400);
      expect(res.json.error).toEqual({ message: 'The request had some invalid properties', code: 'BadArgumentError', innererror: { code: 'QueryValidationError', message } });
    }
    const anonymous = await fetch(lab.url + '/v1/$batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch([member]) });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('AuthenticationFailed');
  });

  it('with batchResponseOrder "reverse", answers arrive out of order, and the SDK (1.0.0) pairs them by position, not by id', async () => {
    const { client } = await start({ query: { batchResponseOrder: 'reverse' } });
    const results = (await client.queryBatch([
      { workspaceId: WORKSPACE, query: `${T} | count`, timespan: ALL },
      { workspaceId: WORKSPACE, query: `${T} | take 2 | project dtProduct_s`, timespan: ALL },
    ])) as any[];
    // The first result is the second query's: a client must not rely on this SDK's order.
    expect(results.map((r) => r.tables[0].columnDescriptors[0].name)).toEqual(['dtProduct_s', 'Count']);
  });
});

describe('Prefer on the single-query route, through LogsQueryClient.queryWorkspace', () => {
  it('include-statistics adds statistics; wait=N sets the timeout (within the maximum); Preference-Applied says what was honoured', async () => {
    const { lab, client } = await start({ query: { maxTimeoutMs: 1_000 } });
    const result = (await client.queryWorkspace(WORKSPACE, `${T} | summarize n = count()`, ALL, { includeQueryStatistics: true, serverTimeoutInSeconds: 30 })) as any;
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    expect(result.tables[0].rows).toEqual([[8]]);
    expect(result.statistics.query).toEqual({
      executionTime: expect.any(Number),
      resourceUsage: { cpu: { user: expect.any(String), kernel: expect.any(String), totalCpu: expect.any(String) } },
      inputDatasetStatistics: { rows: { total: 8, scanned: 8 } },
      datasetStatistics: [{ tableRowCount: 1, tableSize: expect.any(Number) }],
    });

    const plain = (await client.queryWorkspace(WORKSPACE, `${T} | count`, ALL)) as any;
    expect(plain.statistics).toBeUndefined();

    // wait=30 is capped at the configured 1 s maximum, and the header says so.
    const capped = await raw(lab, `/v1/workspaces/${WORKSPACE}/query`, JSON.stringify({ query: `${T} | count` }), { prefer: 'wait=30, include-statistics=true' });
    expect(capped.status).toBe(200);
    expect(capped.applied).toBe('wait=1,include-statistics=true');
    expect(capped.json.statistics.query.datasetStatistics).toEqual([{ tableRowCount: 1, tableSize: expect.any(Number) }]);
    const renderOnly = await raw(lab, `/v1/workspaces/${WORKSPACE}/query`, JSON.stringify({ query: `${T} | count` }), { prefer: 'include-render=true' });
    expect(renderOnly.applied).toBe('include-render=true');
    expect(renderOnly.json.statistics).toBeUndefined();
  });
});
