// dtlab query prints the result as a table, and exits non-zero with the service's error message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { formatTable, runQuery } from '../../harness/commands/query.ts';
import { loadFixtureIntoStore, NOW } from './fixture.ts';

let mock: MockSentinel;
let url: string;

beforeAll(async () => {
  // Query auth on (the default): the command fetches a token from the mock's Entra by itself.
  mock = createMockSentinel({ now: () => NOW });
  ({ url } = await mock.listen());
  await loadFixtureIntoStore(mock.store);
});
afterAll(() => mock.close());

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runQuery(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('dtlab query', () => {
  it('prints a table of the result', async () => {
    const r = await run('--url', url, 'darktrace_model_alerts_CL | summarize n = count() by dtProduct_s | sort by n desc, dtProduct_s asc');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      ['dtProduct_s     n', '--------------  -', 'AI Analyst      3', 'Antigena Email  2', 'Policy Breach   2', 'System Alert    1', '(4 rows)', ''].join('\n'),
    );
  });

  it('applies --timespan', async () => {
    const r = await run('--url', url, '--timespan', 'PT1H', 'darktrace_model_alerts_CL | count');
    expect(r.out).toBe('Count\n-----\n2\n(1 row)\n');
  });

  it('exits 1 with the error and its position on a bad query', async () => {
    const r = await run('--url', url, 'darktrace_model_alerts_CL | where (');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('400 BadArgumentError');
    expect(r.err).toContain('SyntaxError');
    expect(r.err).toContain('line 1, column 36');
  });

  it('exits 2 on an unknown flag, naming it', async () => {
    const r = await run('--nope', 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--nope');
  });

  it('formats dynamic and null cells', () => {
    expect(formatTable({ name: 'PrimaryResult', columns: [{ name: 'a', type: 'dynamic' }, { name: 'b', type: 'real' }], rows: [[{ x: 1 }, null]] })).toBe('a        b\n-------  -\n{"x":1}\n(1 row)\n');
  });
});
