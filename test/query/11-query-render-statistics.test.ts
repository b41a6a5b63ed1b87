// Issue 11: `Prefer: include-render=true` and the fuller `include-statistics=true`, through
// Microsoft's query SDK unmodified (LogsQueryClient.queryWorkspace with includeVisualization /
// includeQueryStatistics, and queryBatch), and raw for the headers and the GET route.
import { LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from './fixture.ts';
import { ALL, rawQuery, startQueryLab } from './query-sdk.ts';

const T = 'darktrace_model_alerts_CL';
const CHART = `${T} | summarize n = count() by dtProduct_s | sort by dtProduct_s asc | render columnchart with (title="Alerts by product", kind=stacked, ycolumns=n, legend=hidden)`;
const CHART_RENDER = {
  visualization: 'columnchart',
  title: 'Alerts by product',
  accumulate: false,
  isQuerySorted: true,
  kind: 'stacked',
  legend: 'hidden',
  series: null,
  yMin: 'NaN',
  yMax: 'NaN',
  xAxis: null,
  xColumn: null,
  xTitle: null,
  yAxis: null,
  yColumns: ['n'],
  ySplit: null,
  yTitle: null,
  anomalyColumns: null,
};
const CHART_ROWS = [['AI Analyst', 3], ['Antigena Email', 2], ['Policy Breach', 2], ['System Alert', 1]];
/** A Kusto timespan as the real answer writes CPU times: "00:00:00" or "00:00:00.0468750". */
const TIMESPAN = /^\d{2}:\d{2}:\d{2}(\.\d{7})?$/;
const seconds = (timespan: string) => timespan.split(':').reduce((s, part) => s * 60 + Number(part), 0);

describe('include-render=true', () => {
  it("answers render next to tables; the SDK's visualization carries what the query's render said", async () => {
    const { client } = await startQueryLab();
    const result = (await client.queryWorkspace(WORKSPACE, CHART, ALL, { includeVisualization: true })) as any;
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    expect(result.tables[0].rows).toEqual(CHART_ROWS);
    expect(result.visualization).toEqual(CHART_RENDER);
  });

  it('lists include-render=true in Preference-Applied, on POST and on GET', async () => {
    const { lab } = await startQueryLab();
    const post = await rawQuery(lab, `/v1/workspaces/${WORKSPACE}/query`, JSON.stringify({ query: CHART }), { prefer: 'include-render=true' });
    expect(post.status).toBe(200);
    expect(post.applied).toBe('include-render=true');
    expect(post.json.render).toEqual(CHART_RENDER);
    const get = await rawQuery(lab, `/v1/workspaces/${WORKSPACE}/query?query=${encodeURIComponent(CHART)}`, undefined, { prefer: 'include-render=true' }, 'GET');
    expect(get.applied).toBe('include-render=true');
    expect(get.json.render).toEqual(CHART_RENDER);
  });

  it('describes a query without render as no visualization (the real service sends render for every query)', async () => {
    const { client } = await startQueryLab();
    const result = (await client.queryWorkspace(WORKSPACE, `${T} | take 3 | project title_s`, ALL, { includeVisualization: true })) as any;
    expect(result.visualization).toMatchObject({ visualization: null, title: null, isQuerySorted: false, yMin: 'NaN', yMax: 'NaN' });
  });

  it('without the preference: no render member, the same rows', async () => {
    const { lab, client } = await startQueryLab();
    const result = (await client.queryWorkspace(WORKSPACE, CHART, ALL)) as any;
    expect(result.tables[0].rows).toEqual(CHART_ROWS);
    expect(result.visualization).toBeUndefined();
    const plain = await rawQuery(lab, `/v1/workspaces/${WORKSPACE}/query`, JSON.stringify({ query: CHART }));
    expect(plain.applied).toBeNull();
    expect(Object.keys(plain.json)).toEqual(['tables']);
  });

  it('is honoured per member of a $batch: render and Preference-Applied where asked, nothing elsewhere', async () => {
    const { lab, client } = await startQueryLab();
    const results = (await client.queryBatch([
      { workspaceId: WORKSPACE, query: CHART, timespan: ALL, includeVisualization: true },
      { workspaceId: WORKSPACE, query: CHART, timespan: ALL },
      { workspaceId: WORKSPACE, query: `${T} | render timechart | count`, timespan: ALL, includeVisualization: true },
    ])) as any[];
    expect(results[0].visualization).toEqual(CHART_RENDER);
    expect(results[0].tables[0].rows).toEqual(CHART_ROWS);
    expect(results[1].visualization).toBeUndefined();
    expect(results[2].partialError).toMatchObject({ code: 'BadArgumentError', innererror: { code: 'SemanticError' } });

    const raw = await rawQuery(
      lab,
      '/v1/$batch',
      JSON.stringify({ requests: [{ id: 'r', workspace: WORKSPACE, path: '/query', method: 'POST', headers: { Prefer: 'include-render=true' }, body: { query: CHART } }] }),
    );
    expect(raw.json.responses[0].headers).toEqual({ 'Preference-Applied': 'include-render=true' });
    expect(raw.json.responses[0].body.render).toEqual(CHART_RENDER);
  });

  it('goes with a partial result too', async () => {
    const { client } = await startQueryLab({ query: { maxRows: 2 } });
    const result = (await client.queryWorkspace(WORKSPACE, CHART, ALL, { includeVisualization: true, includeQueryStatistics: true })) as any;
    expect(result.status).toBe(LogsQueryResultStatus.PartialFailure);
    expect(result.partialTables[0].rows).toEqual(CHART_ROWS.slice(0, 2));
    expect(result.visualization).toEqual(CHART_RENDER);
    expect(result.statistics.query.datasetStatistics).toEqual([{ tableRowCount: 2, tableSize: expect.any(Number) }]);
  });
});

describe('include-statistics=true', () => {
  it('reports execution time, CPU (user, kernel, totalCpu as timespans), input rows and result size', async () => {
    const { client } = await startQueryLab();
    const result = (await client.queryWorkspace(WORKSPACE, `${T} | summarize n = count() by dtProduct_s`, ALL, { includeQueryStatistics: true })) as any;
    const stats = result.statistics.query;
    expect(Object.keys(stats)).toEqual(['executionTime', 'resourceUsage', 'inputDatasetStatistics', 'datasetStatistics']);
    expect(stats.executionTime).toBeGreaterThan(0);
    const { user, kernel, totalCpu } = stats.resourceUsage.cpu;
    for (const t of [user, kernel, totalCpu]) expect(t).toMatch(TIMESPAN);
    expect(seconds(totalCpu)).toBeCloseTo(seconds(user) + seconds(kernel), 5);
    expect(stats.inputDatasetStatistics).toEqual({ rows: { total: 8, scanned: 8 } });
    expect(stats.datasetStatistics).toEqual([{ tableRowCount: 4, tableSize: expect.any(Number) }]);
    expect(stats.datasetStatistics[0].tableSize).toBeGreaterThan(0);
  });

  it("counts as scanned only the input rows within the request's timespan; total is the workspace's rows", async () => {
    const { client } = await startQueryLab();
    const window = { startTime: new Date('2024-01-15T10:00:00Z'), endTime: new Date('2024-01-15T12:00:00Z') };
    const result = (await client.queryWorkspace(WORKSPACE, `${T} | where score_d > 50 | count`, window, { includeQueryStatistics: true })) as any;
    expect(result.tables[0].rows).toEqual([[1]]);
    expect(result.statistics.query.inputDatasetStatistics).toEqual({ rows: { total: 8, scanned: 5 } });
  });

  it('counts no input row for a query that reads no table', async () => {
    const { client } = await startQueryLab();
    const result = (await client.queryWorkspace(WORKSPACE, 'print x = 1', ALL, { includeQueryStatistics: true })) as any;
    expect(result.statistics.query.inputDatasetStatistics).toEqual({ rows: { total: 0, scanned: 0 } });
  });

  it('with include-render in one Prefer header: both members, both listed in Preference-Applied', async () => {
    const { lab } = await startQueryLab();
    const res = await rawQuery(lab, `/v1/workspaces/${WORKSPACE}/query`, JSON.stringify({ query: CHART }), { prefer: 'include-render=true, include-statistics=true' });
    expect(res.applied).toBe('include-statistics=true,include-render=true');
    expect(res.json.render).toEqual(CHART_RENDER);
    expect(res.json.statistics.query.inputDatasetStatistics.rows.total).toBe(8);
  });
});
