// Issue 11 (slow: in npm run test:slow): seeded traffic lands through both ingestion paths, then
// every panel of the lab's content workbook (test/analytics/fixtures/darktrace-content-workbook.json:
// the lab's own queries in the shapes of the Darktrace solution's workbook panels) and every shipped
// Darktrace rule run over it. Every rule must raise alerts and every panel must show rows, except the
// panels listed below, which are known, documented gaps of the simulated data
// (docs/reference/analytics.md, "The Darktrace solution's content"): when one is fixed, or a new
// panel goes empty, this test fails.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkContent } from '../../harness/content/content-check.ts';

const WORKBOOK = fileURLToPath(new URL('../analytics/fixtures/darktrace-content-workbook.json', import.meta.url));
const RULES = fileURLToPath(new URL('../../mock-sentinel/analytics/rules/darktrace', import.meta.url));

// Empty since the simulator's data reaches every band, port, sensor, priority and rating (issue 11).
const KNOWN_GAPS: string[] = [];

describe('the Darktrace content over what the lab lands', () => {
  it('every shipped rule fires and every panel but the known gaps shows data', { timeout: 900_000 }, async () => {
    const report = await checkContent({ rules: [RULES], workbooks: [WORKBOOK], seed: 1, hours: 2 });
    expect(report.rules.filter((r) => r.alerts === 0 || r.error)).toEqual([]);
    expect(report.rules.length).toBe(8);
    const errors = report.panels.filter((p) => p.error);
    expect(errors).toEqual([]);
    const empty = report.panels.filter((p) => p.rows === 0).map((p) => `[${p.family}] ${p.name.replace(/^[^:]+: /, '')}`);
    expect(empty.sort()).toEqual([...KNOWN_GAPS].sort());
    expect(report.panels.length).toBe(70);
  });
});
