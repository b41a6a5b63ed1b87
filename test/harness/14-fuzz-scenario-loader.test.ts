// Property-based fuzz of the scenario loader, the `dtlab validate` path (issue 14 "keep them fixed"):
// every scenario of the library, mutated (a line dropped, doubled or cut, random text inserted, a
// value replaced), and random text either load as a valid scenario or fail with line-numbered errors
// (FILE:LINE:COL  KEY.PATH  REASON, the line inside the file) — never an exception. A value of the
// wrong type for a known key is reported at that key. Fixed seed (FUZZ_SEED= replays another);
// fast-check prints the failing seed and the shrunk counterexample.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatError, parseScenario } from '../../harness/scenario/load.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1404);
const DIR = new URL('../../scenarios/', import.meta.url);
const LIBRARY = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(new URL(f, DIR), 'utf8'));

/** The documented outcome: a scenario, or errors each naming a line of the file, a key path and a reason. */
function expectDocumentedOutcome(text: string): void {
  const result = parseScenario(text, 'x.yaml');
  if (result.ok) {
    expect(typeof result.scenario.name).toBe('string');
    expect(result.scenario.durationMs).toBeGreaterThan(0);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  const lineCount = text.split('\n').length;
  for (const e of result.errors) {
    expect(formatError(e)).toMatch(/^x\.yaml:\d+:\d+ {2}\S.* {2}\S/);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lineCount + 1);
    expect(e.col).toBeGreaterThanOrEqual(1);
  }
}

const yamlish = fc.stringMatching(/^[ a-z0-9:\-\[\]{}&*!|>'",#\n]{0,40}$/);

const mutated = fc.tuple(fc.constantFrom(...LIBRARY), fc.nat(), fc.nat(), yamlish, fc.integer({ min: 0, max: 4 })).map(([text, a, b, junk, op]) => {
  const lines = text.split('\n');
  const i = a % lines.length;
  switch (op) {
    case 0:
      lines.splice(i, 1);
      break;
    case 1:
      lines.splice(i, 0, lines[i]!);
      break;
    case 2:
      return text.slice(0, a % (text.length + 1));
    case 3: {
      const at = b % (text.length + 1);
      return text.slice(0, at) + junk + text.slice(at);
    }
    case 4:
      lines[i] = lines[i]!.replace(/:\s*(\S.*)$/, `: ${junk.split('\n')[0]}`);
      break;
  }
  return lines.join('\n');
});

describe('scenario loader fuzz', () => {
  it('mutated library scenarios and random text: a valid scenario or line-numbered errors, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: yamlish }), (text) => expectDocumentedOutcome(text)),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('a wrong-typed value for a known key is reported at that key\'s line', () => {
    const value = fc.oneof(fc.constant('[1, 2]'), fc.constant('{ a: 1 }'), fc.constant('"text"'), fc.constant('-3'), fc.constant('true'), fc.constant('1.5'));
    fc.assert(
      fc.property(value, fc.constantFrom('seed', 'duration', 'drainTimeout'), (v, key) => {
        const text = `name: t\nduration: 1m\n${key === 'duration' ? '' : `${key}: ${v}\n`}`.replace('duration: 1m', key === 'duration' ? `duration: ${v}` : 'duration: 1m');
        const result = parseScenario(text, 'x.yaml');
        if (result.ok) return; // e.g. seed: -3 may be allowed; then nothing to report
        const line = text.split('\n').findIndex((l) => l.startsWith(`${key}:`)) + 1;
        expect(result.errors.some((e) => e.path === key && e.line === line), result.errors.map(formatError).join('\n')).toBe(true);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('aliases that expand past the limit (a "billion laughs" file) are a line-numbered error, not an exception', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'name: t', 'duration: 1m'].join('\n');
    const result = parseScenario(bomb, 'x.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map(formatError)).toEqual(['x.yaml:2:8  b[0]  YAML: Excessive alias count indicates a resource exhaustion attack (at most 100 alias expansions)']);
  });
});
