// Issue 14, item 5: the Query API's limits. A runaway query is cancelled in DuckDB (interrupted, not
// left running) by its timeout and by its client leaving; a result over 500,000 records or the byte
// limit is cut and sent with the real API's PartialError; DuckDB's memory limit gives that error too.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { loadFixtureIntoStore, NOW, WORKSPACE } from './fixture.ts';

const T = 'darktrace_model_alerts_CL';
/** 527,040 one-minute bins expanded into rows: a cheap result over the 500,000-record limit. */
const MANY_ROWS = `${T} | make-series n = count() default = 0 on TimeGenerated from datetime(2023-01-01) to datetime(2024-01-01) step 1m | mv-expand n | project n`;
/** Those rows joined with themselves: ~2.8e11 rows counted, minutes of DuckDB work if nothing stops it. */
const RUNAWAY = `${MANY_ROWS} | project a = tolong(n) | join kind=inner (${MANY_ROWS} | project b = tolong(n)) on $left.a == $right.b | count`;
/** One list of all those rows as text: a few tens of MB that DuckDB cannot spill. */
const MEMORY_HOG = `${MANY_ROWS} | extend s = strcat('x', tostring(n), '-padding-padding-padding') | summarize l = make_list(s) | project c = array_length(l)`;

const mocks: MockSentinel[] = [];
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

async function start(options: Parameters<typeof createMockSentinel>[0] = {}): Promise<{ mock: MockSentinel; url: string }> {
  const mock = createMockSentinel({ noQueryAuth: true, now: () => NOW, ...options });
  mocks.push(mock);
  const { url } = await mock.listen();
  await loadFixtureIntoStore(mock.store);
  return { mock, url };
}

function post(url: string, query: string, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  return fetch(`${url}/v1/workspaces/${WORKSPACE}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({ query }),
    signal: init.signal,
  });
}

const PARTIAL = {
  code: 'PartialError',
  message: 'There were some errors when processing your query.',
  details: [
    {
      code: 'EngineError',
      message: 'Something went wrong processing your query on the server.',
      innererror: { code: '-2133196797', message: expect.any(String), severity: 2, severityName: 'Error' },
    },
  ],
};

describe('query timeout and cancellation', () => {
  it('a runaway query (a generated series joined with itself) past its timeout answers 504, and its DuckDB work is interrupted', async () => {
    const { mock, url } = await start({ query: { defaultTimeoutMs: 200 } });
    const cancelled = once(mock.events, 'query:cancelled');
    const res = await post(url, RUNAWAY);
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ error: { code: 'GatewayTimeout', message: expect.stringMatching(/timeout of 0.2 seconds/) } });
    expect((await cancelled)[0]).toMatchObject({ reason: 'timeout' });
    // The store answers the next query (given the time a busy machine needs): nothing is left running against it.
    const next = await post(url, `${T} | count`, { headers: { prefer: 'wait=600' } });
    expect(next.status).toBe(200);
  });

  it('Prefer: wait=N sets the timeout, within the 10-minute maximum', async () => {
    const { url } = await start({ query: { maxTimeoutMs: 1_000 } });
    const res = await post(url, RUNAWAY, { headers: { prefer: 'wait=600' } });
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/timeout of 1 seconds/);
  });

  it('a client that disconnects cancels its query: DuckDB is interrupted and the store keeps answering', async () => {
    const { mock, url } = await start();
    const client = new AbortController();
    mock.events.once('query:start', () => client.abort());
    const cancelled = once(mock.events, 'query:cancelled');
    await expect(post(url, RUNAWAY, { signal: client.signal })).rejects.toThrow();
    expect((await cancelled)[0]).toMatchObject({ reason: 'client-disconnected' });
    const next = await post(url, `${T} | count`);
    expect(next.status).toBe(200);
  });
});

describe('result truncation', () => {
  it('past a configured row limit: the first rows, 200, and the PartialError', async () => {
    const { url } = await start({ query: { maxRows: 3 } });
    const res = await post(url, `${T} | sort by TimeGenerated asc | project TimeGenerated`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tables: { rows: unknown[][] }[]; error: { details: { innererror: { message: string } }[] } };
    expect(body.tables[0]!.rows).toEqual([['2024-01-15T09:05:00.000Z'], ['2024-01-15T09:20:00.000Z'], ['2024-01-15T09:40:00.000Z']]);
    expect(body.error).toEqual(PARTIAL);
    expect(body.error.details[0]!.innererror.message).toMatch(/^The results of this query exceed the set limit of 3 records, so not all records were returned \(E_QUERY_RESULT_SET_TOO_LARGE/);
  });

  it('past a configured byte limit: the rows that fit and the PartialError naming bytes', async () => {
    const { url } = await start({ query: { maxBytes: 100 } });
    const res = await post(url, `${T} | sort by TimeGenerated asc | project TimeGenerated`);
    const body = (await res.json()) as { tables: { rows: unknown[][] }[]; error: { details: { innererror: { message: string } }[] } };
    expect(res.status).toBe(200);
    expect(body.tables[0]!.rows.length).toBeGreaterThan(0);
    expect(body.tables[0]!.rows.length).toBeLessThan(8);
    expect(body.error.details[0]!.innererror.message).toMatch(/exceed the set limit of 100 bytes/);
  });

  it('at the default: a generated result of 527,040 records is cut at 500,000', async () => {
    const { url } = await start();
    const res = await post(url, MANY_ROWS);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tables: { rows: unknown[][] }[]; error: unknown };
    expect(body.tables[0]!.rows).toHaveLength(500_000);
    expect(body.error).toEqual(PARTIAL);
  });

  it('a result within the limits has no error member', async () => {
    const { url } = await start({ query: { maxRows: 8 } });
    const body = (await (await post(url, `${T} | where TenantId == "${WORKSPACE}" | project TimeGenerated`)).json()) as Record<string, unknown>;
    expect(body.tables).toBeDefined();
    expect('error' in body).toBe(false);
  });
});

describe('DuckDB memory limit', () => {
  it('a query past it gets the low-memory PartialError, and the store keeps answering', async () => {
    const { url } = await start({ memoryLimit: '16MB' });
    const res = await post(url, MEMORY_HOG);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tables: { rows: unknown[][] }[]; error: { details: { innererror: { message: string } }[] } };
    expect(body.tables[0]!.rows).toEqual([]);
    expect(body.error).toEqual(PARTIAL);
    expect(body.error.details[0]!.innererror.message).toMatch(/Low memory condition \(E_LOW_MEMORY_CONDITION\)/);
    expect((await post(url, `${T} | count`)).status).toBe(200);
  });
});
