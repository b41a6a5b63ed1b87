// Issue 13: validation knows the new expectation kinds — a query expected to fail is not KQL-checked
// (its error is the point) but needs kql and no count; a null rate on a column no alert type of the
// run produces is a warning (sparse tables are legitimate); bad shapes are schema errors.
import { describe, expect, it } from 'vitest';
import { parseScenario, formatError, isWarning } from '../../harness/scenario/load.ts';

const base = 'name: t\nduration: 1m\ntraffic:\n  rates: { modelBreach: 1/s }\n';
const findings = (text: string) => {
  const r = parseScenario(text, 'x.yaml');
  return (r.ok ? r.warnings : r.errors).map((e) => ({ text: formatError(e), warning: isWarning(e) }));
};

describe('validation of the new expectations', () => {
  it('a query expected to fail with an error code is valid, even on a column no row carries', () => {
    expect(findings(base + 'expect:\n  queries:\n    - { name: q, kql: "darktrace_model_alerts_CL | project noSuch_s", error: SemanticError }\n')).toEqual([]);
  });

  it('error needs kql, and no count', () => {
    expect(findings(base + 'expect:\n  queries:\n    - { name: q, where: { a_s: x }, error: SemanticError }\n').map((f) => f.text)).toContain(
      'x.yaml:7:44  expect.queries[0].error  error needs kql (a where query cannot fail)',
    );
    expect(findings(base + 'expect:\n  queries:\n    - { name: q, kql: "T", error: SemanticError, count: 1 }\n').map((f) => f.text)).toContain(
      'x.yaml:7:35  expect.queries[0].error  a query expected to fail has no count or rows',
    );
  });

  it('a null rate on a column no alert type of the run produces is a warning', () => {
    const f = findings(base + 'expect:\n  nullRate:\n    - { table: darktrace_model_alerts_CL, column: noSuch_s, max: 0 }\n');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ warning: true });
    expect(f[0]!.text).toMatch(/^x\.yaml:7:51  expect\.nullRate\[0\]\.column  warning: no alert type of this run \(modelBreach\) produces column "noSuch_s"/);
  });

  it('shapes the schema refuses', () => {
    const texts = (t: string) => findings(base + t).filter((f) => !f.warning).map((f) => f.text);
    expect(texts('expect:\n  auditFlags:\n    - { flag: chopped, max: 0 }\n')[0]).toMatch(/expect\.auditFlags\[0\]\.flag  must be one of "truncated"/);
    expect(texts('expect:\n  nullRate:\n    - { table: T, column: c, max: 2 }\n')[0]).toMatch(/expect\.nullRate\[0\]\.max/);
    expect(texts('expect:\n  connector: { health: { status: fine } }\n')[0]).toMatch(/expect\.connector\.health\.status/);
    expect(texts('expect:\n  landed: { types: all, allowZero: maybe }\n').length).toBeGreaterThan(0);
  });
});
