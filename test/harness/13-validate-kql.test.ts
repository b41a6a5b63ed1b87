// Issue 13: KQL in expectations is checked before the run through the query API's own engine (parse
// and translate, nothing runs): what does not parse or is not supported is an error with the message
// the query API answers; a column or table no alert type of the run produces is a warning (sparse
// tables are legitimate). It used to fail only after the whole run.
import { describe, it, expect } from 'vitest';
import { translateKql, QueryError } from '../../mock-sentinel/query/index.ts';
import { errorsOf, findings, warningsOf } from './validate-helpers.ts';

const base = 'name: t\nduration: 1m\ntraffic:\n  rates: { modelBreach: 1/s }\nexpect:\n  queries:\n';
const query = (kql: string) => `${base}    - name: q\n      count: 1\n      kql: ${JSON.stringify(kql)}\n`;

/** The message the query API answers for `kql` over a table with a column `a`. */
function apiMessage(kql: string): string {
  try {
    translateKql(kql, [{ name: 'darktrace_model_alerts_CL', columns: [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'TenantId', type: 'guid' }, { name: 'score_d', type: 'real' }] }]);
  } catch (err) {
    if (err instanceof QueryError) return err.message;
  }
  throw new Error('expected the query API to refuse it');
}

describe('KQL of expectations', () => {
  it('a query that does not parse: the query API\'s SyntaxError', () => {
    const kql = 'darktrace_model_alerts_CL | where score_d >';
    expect(errorsOf(query(kql))).toEqual([`x.yaml:9:12  expect.queries[0].kql  KQL SyntaxError: ${apiMessage(kql)}`]);
  });

  it('an operator the lab\'s engine does not support: the query API\'s UnsupportedKqlError', () => {
    const kql = 'darktrace_model_alerts_CL | evaluate bag_unpack(score_d)';
    expect(apiMessage(kql)).toMatch(/is not supported by the lab's KQL engine/);
    expect(errorsOf(query(kql))).toEqual([`x.yaml:9:12  expect.queries[0].kql  KQL UnsupportedKqlError: ${apiMessage(kql)}`]);
  });

  it('a query the analyser rejects: the query API\'s SemanticError', () => {
    const kql = 'darktrace_model_alerts_CL | where score_d + "x" > 1';
    expect(errorsOf(query(kql))).toEqual([`x.yaml:9:12  expect.queries[0].kql  KQL SemanticError: ${apiMessage(kql)}`]);
  });

  it('a column no alert type of the run produces is a warning, and the rest of the query is still checked', () => {
    expect(warningsOf(query('darktrace_model_alerts_CL | where subject_s has "invoice" | count'))).toEqual([
      'x.yaml:9:12  expect.queries[0].kql  warning: KQL: no alert type of this run (modelBreach) produces column "subject_s"; the query API answers SemanticError while no row has carried it',
    ]);
    expect(findings(query('darktrace_model_alerts_CL | where subject_s has "x" | evaluate bag_unpack(subject_s)'))).toEqual([
      'x.yaml:9:12  expect.queries[0].kql  warning: KQL: no alert type of this run (modelBreach) produces column "subject_s"; the query API answers SemanticError while no row has carried it',
      "x.yaml:9:12  expect.queries[0].kql  KQL UnsupportedKqlError: The 'evaluate' operator is not supported by the lab's KQL engine (line 1, column 55)",
    ]);
  });

  it('a table nothing in the run writes is a warning', () => {
    expect(warningsOf(query('DarktraceEMAIL_CL | count'))).toEqual([
      'x.yaml:9:12  expect.queries[0].kql  warning: KQL: no alert type of this run (modelBreach) writes a table "DarktraceEMAIL_CL" (tables: darktrace_model_alerts_CL, SecurityAlert, SecurityIncident); the query API answers SemanticError until one exists',
    ]);
  });

  it('--strict makes those warnings errors', () => {
    const r = findings(query('darktrace_model_alerts_CL | where subject_s has "x" | count'), { strict: true });
    expect(r).toHaveLength(1);
    expect(r[0]).toMatch(/^x\.yaml:9:12  expect\.queries\[0\]\.kql  warning: /);
    expect(errorsOf(query('darktrace_model_alerts_CL | where subject_s has "x" | count'))).toEqual([]);
  });

  it('the Logs Ingestion tables of the run\'s types, with the shipped DCR\'s columns', () => {
    const text = 'name: t\nduration: 1m\ntopology: { sink: logsIngestion }\ntraffic:\n  rates: { email: 1/s }\nexpect:\n  queries:\n    - { name: q, count: 1, kql: "DarktraceEMAIL_CL | where isnotempty(uuid) | count" }\n';
    expect(findings(text)).toEqual([]);
  });
});
