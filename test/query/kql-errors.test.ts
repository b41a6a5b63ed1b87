// Bad queries fail loudly, in the Query API's error shape, with the position of the fault.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError, runKql } from '../../mock-sentinel/query/index.ts';
import { createFixtureDb, NOW, OTHER_WORKSPACE, WORKSPACE } from './fixture.ts';

let db: Awaited<ReturnType<typeof createFixtureDb>>;
beforeAll(async () => {
  db = await createFixtureDb();
});
afterAll(() => db.close());

async function failure(query: string, extra: { timespan?: string } = {}): Promise<QueryError> {
  try {
    await runKql(db.connection, { query, workspaceId: WORKSPACE, ...extra }, { now: NOW });
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error(`query did not fail: ${query}`);
}

describe('SyntaxError', () => {
  it('answers 400 BadArgumentError / SyntaxError with the line and column of the parse error', async () => {
    const err = await failure('darktrace_model_alerts_CL | where (');
    expect(err.status).toBe(400);
    const body = err.toBody();
    expect(body.error.code).toBe('BadArgumentError');
    expect(body.error.message).toBe('The request had some invalid properties');
    expect(body.error.innererror).toMatchObject({ code: 'SyntaxError', line: 1, pos: 36 });
    expect(body.error.innererror!.message).toContain('line 1, column 36');
  });

  it('counts lines and columns from 1 across a multi-line query', async () => {
    const err = await failure('darktrace_model_alerts_CL\n| where score_d > \n| take 1');
    // The parser reports the missing operand where it should have been: the end of line 2.
    expect(err.toBody().error.innererror).toMatchObject({ code: 'SyntaxError', line: 2, pos: 18, token: '|' });
  });
});

describe('SemanticError', () => {
  it("names an unknown column with the analyser's message and its position", async () => {
    const err = await failure('darktrace_model_alerts_CL\n| where nosuch_s == "x"');
    const inner = err.toBody().error.innererror!;
    expect(inner).toMatchObject({ code: 'SemanticError', line: 2, pos: 9 });
    expect(inner.message).toContain("'nosuch_s'");
  });

  it('names an unknown table', async () => {
    const err = await failure('NoSuchTable_CL | take 1');
    expect(err.toBody().error.innererror).toMatchObject({ code: 'SemanticError', line: 1, pos: 1 });
    expect(err.message).toContain('NoSuchTable_CL');
  });
});

describe('UnsupportedKqlError', () => {
  it('names an unsupported operator and where it is', async () => {
    const err = await failure('darktrace_model_alerts_CL | parse title_s with a " " b');
    expect(err.status).toBe(400);
    expect(err.toBody().error.innererror).toMatchObject({ code: 'UnsupportedKqlError', line: 1, pos: 29 });
    expect(err.message).toContain("'parse' operator");
  });

  it('names an unsupported function and where it is', async () => {
    const err = await failure('darktrace_model_alerts_CL\n| extend h = hash_sha256(title_s)');
    expect(err.toBody().error.innererror).toMatchObject({ code: 'UnsupportedKqlError', line: 2, pos: 14 });
    expect(err.message).toContain("'hash_sha256()'");
  });

  it('names an unsupported aggregate', async () => {
    const err = await failure('darktrace_model_alerts_CL | summarize stdev(score_d)');
    expect(err.message).toContain("'stdev()'");
  });

  it('refuses a user-defined function rather than guess', async () => {
    const err = await failure('let f = (x: long) { x + 1 };\nprint f(1)');
    expect(err.innerCode).toBe('UnsupportedKqlError');
    expect(err.message).toContain("'f'");
  });
});

describe('QueryValidationError', () => {
  it('rejects an empty query', async () => {
    const err = await failure('   ');
    expect(err.status).toBe(400);
    expect(err.toBody().error).toMatchObject({ code: 'BadArgumentError', innererror: { code: 'QueryValidationError' } });
  });

  it('rejects a timespan that is not ISO-8601', async () => {
    const err = await failure('darktrace_model_alerts_CL | count', { timespan: 'one hour' });
    expect(err.message).toContain("Invalid timespan 'one hour'");
  });
});

describe('workspace restriction (TenantId)', () => {
  it('sees only the rows of the workspace queried', async () => {
    const count = async (workspaceId?: string) =>
      (await runKql(db.connection, { query: 'darktrace_model_alerts_CL | count', workspaceId }, { now: NOW })).tables[0]!.rows[0]![0];
    expect(await count(WORKSPACE)).toBe(8);
    expect(await count(OTHER_WORKSPACE)).toBe(1);
    expect(await count(undefined)).toBe(9);
  });
});

describe('dynamic rendering', () => {
  it('sends dynamic values as JSON text by default and as JSON when asked', async () => {
    const query = 'print d = dynamic({"a":[1,2]})';
    const asText = await runKql(db.connection, { query }, { now: NOW });
    const asJson = await runKql(db.connection, { query }, { now: NOW, dynamic: 'json' });
    expect(asText.tables[0]!.rows).toEqual([['{"a":[1,2]}']]);
    expect(asJson.tables[0]!.rows).toEqual([[{ a: [1, 2] }]]);
  });
});

describe('UnsupportedKqlError instead of a guess', () => {
  it('an expression around an aggregate', async () => {
    const err = await failure('darktrace_model_alerts_CL | summarize twice = count() * 2');
    expect(err.toBody().error.innererror).toMatchObject({ code: 'UnsupportedKqlError', line: 1, pos: 47 });
  });

  it('make_set of a dynamic value', async () => {
    const err = await failure('darktrace_model_alerts_CL | summarize make_set(parse_json(tags_s))');
    expect(err.message).toContain('make_set() of a dynamic value');
  });
});
