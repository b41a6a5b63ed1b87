// Property-based fuzz of the KQL route (issue 14 "keep them fixed"): random text and mutations of
// the corpus queries (characters cut, tokens spliced in, pipes reordered, literals swapped) posted
// over HTTP never get a 5xx. Each gets 200 with one PrimaryResult table whose rows match its
// columns, or 400 with the documented BadArgumentError shape (docs/reference/query.md: inner code
// SyntaxError, SemanticError, UnsupportedKqlError, QueryValidationError or RuntimeError).
// Fixed seed (FUZZ_SEED= replays another); fast-check prints the failing seed and counterexample.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { CORPUS } from './corpus.ts';
import { loadFixtureIntoStore, NOW, WORKSPACE } from './fixture.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1405);
const INNER_CODES = ['SyntaxError', 'SemanticError', 'UnsupportedKqlError', 'QueryValidationError', 'RuntimeError'];
/** Pieces of KQL spliced into queries: operators, functions, literals and punctuation. */
const TOKENS = [
  '|', '| where', '| project', '| extend x =', '| summarize count() by', '| take 5', '| sort by', '| join (', ')', '(', ',', '==', '!=', '=~',
  ' and ', ' or ', 'not(', '"', "'", '`', '\\', '\n', '//', 'ago(1d)', 'now()', 'bin(TimeGenerated, 1h)', 'toint(', 'todynamic(', 'parse_json(',
  '[0]', '.x', 'datetime(2024-01-15)', 'datetime(bad)', 'timespan(1h)', '1e309', '-0', '9223372036854775807', 'dynamic({"a":[1,2]})',
  'null', 'true', 'extract("(", 1, x)', 'matches regex "["', 'let x = 1;', 'union', 'mv-expand', 'make-series', 'step 0h', '::', '$left.', 'ü', '\u0000',
];

let mock: MockSentinel;
let url: string;

beforeAll(async () => {
  // A generous timeout: a mutated query that runs past it is a finding (504 is a 5xx), not noise.
  mock = createMockSentinel({ noQueryAuth: true, now: () => NOW, query: { defaultTimeoutMs: 60_000 } });
  ({ url } = await mock.listen());
  await loadFixtureIntoStore(mock.store);
});
afterAll(() => mock.close());

type Mutation = (query: string) => string;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // cut a range of characters
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 30 })).map(([at, n]) => (q: string) => q.slice(0, at % (q.length + 1)) + q.slice((at % (q.length + 1)) + n)),
  // splice in a token
  fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)).map(([at, token]) => (q: string) => q.slice(0, at % (q.length + 1)) + token + q.slice(at % (q.length + 1))),
  // swap two pipe stages
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (q: string) => {
    const stages = q.split('|');
    const i = a % stages.length;
    const j = b % stages.length;
    [stages[i], stages[j]] = [stages[j]!, stages[i]!];
    return stages.join('|');
  }),
  // replace a number or a quoted string with another literal
  fc.tuple(fc.nat(), fc.constantFrom('0', '-1', '1e308', '""', '"\\u0000"', 'null', 'dynamic(null)', '1.5', 'int(null)')).map(([n, literal]) => (q: string) => {
    const spots = [...q.matchAll(/\d+(\.\d+)?|"[^"]*"/g)];
    if (spots.length === 0) return q + literal;
    const spot = spots[n % spots.length]!;
    return q.slice(0, spot.index) + literal + q.slice(spot.index! + spot[0].length);
  }),
);

const mutatedQuery = fc
  .tuple(fc.constantFrom(...CORPUS.map((c) => c.query)), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([query, mutations]) => mutations.reduce((q, m) => m(q), query));

async function postQuery(query: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/v1/workspaces/${WORKSPACE}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

/** 200 with one table whose rows fit its columns, or 400 with the documented error: nothing else. */
function expectDocumentedOutcome(query: string, { status, body }: { status: number; body: unknown }): void {
  const context = `query ${JSON.stringify(query)} → ${status} ${JSON.stringify(body).slice(0, 300)}`;
  expect([200, 400], context).toContain(status);
  if (status === 200) {
    const { tables } = body as { tables: { name: string; columns: { name: string; type: string }[]; rows: unknown[][] }[] };
    expect(tables, context).toHaveLength(1);
    expect(tables[0]!.name, context).toBe('PrimaryResult');
    for (const row of tables[0]!.rows) expect(row, context).toHaveLength(tables[0]!.columns.length);
    return;
  }
  const error = (body as { error: { message: string; code: string; innererror: { code: string; message: string } } }).error;
  expect(error, context).toMatchObject({ message: 'The request had some invalid properties', code: 'BadArgumentError' });
  expect(INNER_CODES, context).toContain(error.innererror.code);
  expect(typeof error.innererror.message, context).toBe('string');
  expect(error.innererror.message.length, context).toBeGreaterThan(0);
}

describe('KQL route fuzz (fixed seed)', () => {
  it('mutated corpus queries get 200 or the documented 400, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedQuery, async (query) => expectDocumentedOutcome(query, await postQuery(query))),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('random text gets 200 or the documented 400, never a 5xx', async () => {
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.array(fc.constantFrom(...TOKENS), { maxLength: 8 }).map((t) => t.join(' ')));
    await fc.assert(
      fc.asyncProperty(text, async (query) => expectDocumentedOutcome(query, await postQuery(query))),
      { seed: SEED, numRuns: 40 },
    );
  });
});
