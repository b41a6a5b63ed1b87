// The scenario library for the problems Darktrace → Sentinel users report most (issue 13): each
// scenarios/problem-*.yaml runs in-process and every expectation it states holds. Slow (SLOW_TESTS:
// npm run test:slow), a few seconds each.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runLibraryScenario, failures, SCENARIOS } from './scenario-runner.ts';

const PROBLEMS = [
  'problem-type-drift-guid',
  'problem-silent-drops',
  'problem-sparse-tables',
  'problem-duplicates-timeout',
  'problem-size-limits',
  'problem-field-truncation',
  'problem-throttling',
  'problem-403-causes',
  'problem-time-handling',
];

describe('scenario library: user problems', () => {
  it('lists every problem-*.yaml of the library', () => {
    const files = readdirSync(SCENARIOS).filter((f) => /^problem-.*\.yaml$/.test(f)).map((f) => f.replace(/\.yaml$/, ''));
    expect(files.sort()).toEqual([...PROBLEMS].sort());
  });

  for (const name of PROBLEMS) {
    it(`${name}: every expectation holds`, async () => {
      const r = await runLibraryScenario(name);
      expect(failures(r)).toEqual([]);
      expect(r.expectations.length).toBeGreaterThan(2);
    });
  }
});
