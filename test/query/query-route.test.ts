// The query route over real HTTP: POST and GET /v1/workspaces/:id/query answer the corpus exactly,
// bad queries get the Query API's 400, and the route is audited like every other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { expectCaseResult } from './compare.ts';
import { CORPUS } from './corpus.ts';
import { loadFixtureIntoStore, NOW, WORKSPACE } from './fixture.ts';

let mock: MockSentinel;
let url: string;

beforeAll(async () => {
  mock = createMockSentinel({ noQueryAuth: true, now: () => NOW });
  ({ url } = await mock.listen());
  await loadFixtureIntoStore(mock.store);
});
afterAll(() => mock.close());

const post = (body: unknown, workspace = WORKSPACE) =>
  fetch(`${url}/v1/workspaces/${workspace}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /v1/workspaces/:id/query answers the corpus exactly', () => {
  for (const c of CORPUS) {
    it(c.name, async () => {
      const res = await post({ query: c.query, ...(c.timespan ? { timespan: c.timespan } : {}) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { tables: Parameters<typeof expectCaseResult>[0][] };
      expect(body.tables).toHaveLength(1);
      expectCaseResult(body.tables[0], c);
    });
  }
});

describe('GET /v1/workspaces/:id/query?query=', () => {
  it('answers like POST', async () => {
    const q = encodeURIComponent('darktrace_model_alerts_CL | summarize count() by dtProduct_s | sort by dtProduct_s asc');
    const res = await fetch(`${url}/v1/workspaces/${WORKSPACE}/query?query=${q}&timespan=PT2H`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tables: { rows: unknown[][] }[] };
    expect(body.tables[0]!.rows).toEqual([['AI Analyst', 2], ['Antigena Email', 2], ['System Alert', 1]]);
  });
});

describe('BadArgumentError over HTTP', () => {
  it('a syntax error answers 400 with the position', async () => {
    const res = await post({ query: 'darktrace_model_alerts_CL | where (' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: 'The request had some invalid properties',
        code: 'BadArgumentError',
        innererror: {
          code: 'SyntaxError',
          message: "Query could not be parsed at '<end of query>' on line 1, column 36: Missing expression",
          line: 1,
          pos: 36,
          token: '<end of query>',
        },
      },
    });
  });

  it('an unsupported construct answers 400 naming it and its position', async () => {
    const res = await post({ query: 'darktrace_model_alerts_CL | evaluate bag_unpack(details_dyn)' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { innererror: { code: string; message: string; line: number; pos: number } } };
    expect(body.error.innererror).toMatchObject({ code: 'UnsupportedKqlError', line: 1, pos: 29 });
    expect(body.error.innererror.message).toContain("'evaluate' operator");
  });

  it('a body without a query answers 400 QueryValidationError', async () => {
    const res = await post({ timespan: 'PT1H' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BadArgumentError', innererror: { code: 'QueryValidationError' } } });
  });

  it('a body that is not JSON answers 400', async () => {
    const res = await fetch(`${url}/v1/workspaces/${WORKSPACE}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BadArgumentError', innererror: { code: 'QueryValidationError' } } });
  });
});

describe('WorkspaceNotFoundError', () => {
  it('a workspace the mock does not serve answers 404', async () => {
    const res = await post({ query: 'darktrace_model_alerts_CL | count' }, '00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'WorkspaceNotFoundError' } });
  });
});

describe('audit log', () => {
  it('records query requests, a rejected one with its error code and message', async () => {
    const ended = new Promise((resolve) => mock.events.once('request:end', resolve));
    await post({ query: 'darktrace_model_alerts_CL | where nosuch == 1' });
    await ended;
    const entries = (await (await fetch(`${url}/_lab/requests?limit=1`)).json()) as { route: string; status: number; errorCode: string; message: string; workspace: string }[];
    expect(entries[0]).toMatchObject({ route: 'query', status: 400, errorCode: 'BadArgumentError', workspace: WORKSPACE });
    expect(entries[0]!.message).toContain("'nosuch'");
  });
});
