// Issue 11: the `render` operator in the lab's KQL. It must close the query, changes no row, and is
// described (with `includeRender`) in the shape Log Analytics sends as `render`. What the analyser
// refuses (an unknown visualization, property or value) is refused with its position; what the
// lab cannot describe faithfully is UnsupportedKqlError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError, runKql } from '../../mock-sentinel/query/index.ts';
import { createFixtureDb, NOW, WORKSPACE } from './fixture.ts';

const T = 'darktrace_model_alerts_CL';
let db: Awaited<ReturnType<typeof createFixtureDb>>;
beforeAll(async () => {
  db = await createFixtureDb();
});
afterAll(() => db.close());

/** 1-based column of the first `needle` in a one-line query. */
const col = (query: string, needle: string) => query.indexOf(needle) + 1;

const run = (query: string, includeRender = true) => runKql(db.connection, { query, workspaceId: WORKSPACE }, { now: NOW, includeRender });

async function failure(query: string): Promise<QueryError> {
  try {
    await run(query);
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error(`query did not fail: ${query}`);
}

/** The description of a result without any render (every member unset). */
const UNSET = {
  visualization: null,
  title: null,
  accumulate: false,
  isQuerySorted: false,
  kind: null,
  legend: null,
  series: null,
  yMin: 'NaN',
  yMax: 'NaN',
  xAxis: null,
  xColumn: null,
  xTitle: null,
  yAxis: null,
  yColumns: null,
  ySplit: null,
  yTitle: null,
  anomalyColumns: null,
};

describe('render as the last operator', () => {
  const base = `${T} | summarize n = count() by dtProduct_s | sort by dtProduct_s asc`;

  it.each(['timechart', 'piechart', 'barchart', 'columnchart', 'areachart', 'scatterchart', 'table', 'card', 'pivotchart', 'linechart', 'anomalychart'])(
    'changes no row: `| render %s` answers the rows and columns of the query without it',
    async (visualization) => {
      const plain = await run(base, false);
      const rendered = await run(`${base} | render ${visualization}`);
      expect(rendered.tables).toEqual(plain.tables);
      expect(rendered.render).toEqual({ ...UNSET, visualization, isQuerySorted: true });
    },
  );

  it('describes every property of `with (…)` in the API member it sets', async () => {
    const answer = await run(
      `${base} | render columnchart with (title="Alerts \\"by\\" product", kind=stacked100, xcolumn=dtProduct_s, ycolumns=n, series=dtProduct_s, legend=hidden, ` +
        `xtitle='product', ytitle="alerts", xaxis=linear, yaxis=log, ysplit=panels, ymin=-1.5, ymax=10, accumulate=true)`,
    );
    expect(answer.render).toEqual({
      visualization: 'columnchart',
      title: 'Alerts "by" product',
      accumulate: true,
      isQuerySorted: true,
      kind: 'stacked100',
      legend: 'hidden',
      series: ['dtProduct_s'],
      yMin: -1.5,
      yMax: 10,
      xAxis: 'linear',
      xColumn: 'dtProduct_s',
      xTitle: 'product',
      yAxis: 'log',
      yColumns: ['n'],
      ySplit: 'panels',
      yTitle: 'alerts',
      anomalyColumns: null,
    });
  });

  it('lists several columns of ycolumns, series and anomalycolumns in their order', async () => {
    const answer = await run(
      `${T} | summarize a = count(), b = max(score_d) by bin(TimeGenerated, 1h), dtProduct_s | render anomalychart with (ycolumns=b, a, series=dtProduct_s, anomalycolumns=a)`,
    );
    expect(answer.render).toMatchObject({ visualization: 'anomalychart', yColumns: ['b', 'a'], series: ['dtProduct_s'], anomalyColumns: ['a'] });
  });

  it('takes the older form without `with` (title, kind, accumulate)', async () => {
    const answer = await run(`${T} | summarize count() by dtProduct_s | render barchart title='24H alerts' kind=stacked accumulate=true`);
    expect(answer.render).toMatchObject({ visualization: 'barchart', title: '24H alerts', kind: 'stacked', accumulate: true });
  });

  it('reports isQuerySorted when the result is sorted, and no visualization when the query has no render', async () => {
    expect((await run(`${T} | count`)).render).toEqual(UNSET);
    expect((await run(`${T} | top 2 by score_d desc | project score_d`)).render).toEqual({ ...UNSET, isQuerySorted: true });
    expect((await run(`${T} | project score_d | render table`)).render).toEqual({ ...UNSET, visualization: 'table' });
  });

  it('adds render to the answer only when asked (includeRender)', async () => {
    const answer = await run(`${T} | count | render card`, false);
    expect(answer).toEqual({ tables: [{ name: 'PrimaryResult', columns: [{ name: 'Count', type: 'long' }], rows: [[8]] }] });
  });

  it('follows let statements and a print', async () => {
    const answer = await run(`let min_score = 50;\n${T} | where score_d > min_score | count | render card with (title="high scores")`);
    expect(answer.tables[0]!.rows).toEqual([[2]]);
    expect(answer.render).toMatchObject({ visualization: 'card', title: 'high scores' });
    expect((await run('print x = 1 | render card')).tables[0]!.rows).toEqual([[1]]);
  });
});

describe('render anywhere but last: SemanticError at the render', () => {
  it.each([
    [`${T} | render timechart | where score_d > 1`, 1],
    [`${T}\n| render table\n| take 1`, 2],
    [`let x = ${T} | render table;\nx | count`, 1],
    [`union (${T} | render table), (${T} | take 1)`, 1],
    [`${T} | join kind=inner (${T} | render table) on SourceIP | count`, 1],
    [`${T} | render timechart | render piechart`, 1],
  ])('refuses %j', async (query, line) => {
    const err = await failure(query);
    const pos = col(query.split('\n')[line - 1]!, 'render');
    expect(err.status).toBe(400);
    expect(err.toBody().error.innererror).toMatchObject({ code: 'SemanticError', line, pos });
    expect(err.message).toContain("The 'render' operator must be the last operator of the query");
  });
});

describe("what the analyser refuses, refused with the analyser's message and position", () => {
  it('an unknown visualization: SemanticError naming the known ones', async () => {
    const query = `${T} | count | render donutchart`;
    const err = await failure(query);
    expect(err.toBody().error.innererror).toMatchObject({ code: 'SemanticError', line: 1, pos: col(query, 'donutchart') });
    expect(err.message).toContain('Expected one of: table, list, barchart, piechart');
  });

  it('an unknown property: SyntaxError at it', async () => {
    const query = `${T} | count | render timechart with (colour=red)`;
    const err = await failure(query);
    expect(err.toBody().error.innererror).toMatchObject({ code: 'SyntaxError', line: 1, pos: col(query, 'colour'), token: 'colour' });
  });

  it('a value outside a property’s list, a column that does not exist, a repeated property: SemanticError', async () => {
    const tall = `${T} | count | render columnchart with (kind=tall)`;
    const kind = await failure(tall);
    expect(kind.toBody().error.innererror).toMatchObject({ code: 'SemanticError', pos: col(tall, 'tall') });
    expect(kind.message).toContain('Expected one of: default, unstacked, stacked, stacked100, map');
    const legend = await failure(`${T} | count | render timechart with (legend=maybe)`);
    expect(legend.message).toContain('Expected one of: visible, hidden');
    const nosuch = `${T} | count | render timechart with (ycolumns=nosuch)`;
    const column = await failure(nosuch);
    expect(column.toBody().error.innererror).toMatchObject({ code: 'SemanticError', pos: col(nosuch, 'nosuch') });
    expect(column.message).toContain("'nosuch'");
    const twice = await failure(`${T} | count | render timechart with (title="a", title="b")`);
    expect(twice.toBody().error.innererror!.code).toBe('SemanticError');
  });

  it('a property of the wrong type: SemanticError', async () => {
    const query = `${T} | count | render timechart with (accumulate=1)`;
    const err = await failure(query);
    expect(err.toBody().error.innererror).toMatchObject({ code: 'SemanticError', pos: col(query, '=1') + 1 });
  });
});

describe('what the lab cannot describe: UnsupportedKqlError with its position', () => {
  it('a title computed rather than written', async () => {
    const query = `${T} | count | render timechart with (title=strcat("a", "b"))`;
    const err = await failure(query);
    expect(err.toBody().error.innererror).toMatchObject({ code: 'UnsupportedKqlError', line: 1, pos: col(query, 'strcat') });
  });

  it('the deprecated `by` form, and xmin/xmax (no member of the API’s render carries them)', async () => {
    const byQuery = `${T} | summarize count() by dtProduct_s | render piechart by dtProduct_s`;
    const by = await failure(byQuery);
    expect(by.toBody().error.innererror).toMatchObject({ code: 'UnsupportedKqlError', pos: col(byQuery, 'piechart by') + 'piechart '.length });
    expect(by.message).toContain("The render property 'by'");
    const xmin = await failure(`${T} | count | render scatterchart with (xmin=1)`);
    expect(xmin.message).toContain("The render property 'xmin'");
  });
});
