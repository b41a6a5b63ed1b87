// Issue 11, KQL coverage for real content: `datatable` and `union isfuzzy=true`, in the shapes the
// Darktrace workbooks use (a datatable of zero-count tiles unioned with counted rows, then summed;
// a union over tables of which some may not exist).
import { describe, expect, it } from 'vitest';
import { refusal, runContent, useContentDb } from './content-fixture.ts';

const db = useContentDb();

describe('datatable', () => {
  it('is a table of typed literal rows', async () => {
    const r = await runContent(db, 'datatable (n: long, name: string, on: bool, x: real, at: datetime, d: dynamic) [1, "a", true, 0.5, datetime(2024-03-01 10:00), dynamic(["p"]), 2, "b", false, 2, datetime(2024-03-01), dynamic({"k": 1})]');
    expect(r.columns).toEqual(['n:long', 'name:string', 'on:bool', 'x:real', 'at:datetime', 'd:dynamic']);
    expect(r.rows).toEqual([
      [1, 'a', true, 0.5, '2024-03-01T10:00:00.000Z', '["p"]'],
      [2, 'b', false, 2, '2024-03-01T00:00:00.000Z', '{"k":1}'],
    ]);
  });

  it('with no rows is an empty table of its columns', async () => {
    const r = await runContent(db, 'datatable (n: long, name: string) [] | count');
    expect(r.rows).toEqual([[0]]);
  });

  it('seeds zero-count tiles that a union of counted rows fills in (the workbook tile shape)', async () => {
    const r = await runContent(
      db,
      `datatable (Count: long, status: string, status_count: long) [0, "Compliance", 1, 0, "Informational", 2, 0, "Suspicious", 3, 0, "Critical", 4]
       | union (DarktraceModelAlerts_CL
           | extend status = case(compliance == true, "Compliance", category == "Critical", "Critical", category == "Suspicious", "Suspicious", category == "Informational", "Informational", "True")
           | where status != "True"
           | extend status_count = case(status == "Critical", 4, status == "Suspicious", 3, status == "Informational", 2, 1)
           | summarize Count = count() by status, status_count)
       | summarize Count = sum(Count) by status, status_count
       | sort by status_count asc`,
    );
    expect(r.columns).toEqual(['status:string', 'status_count:long', 'Count:long']);
    expect(r.rows).toEqual([
      ['Compliance', 1, 1],
      ['Informational', 2, 0],
      ['Suspicious', 3, 2],
      ['Critical', 4, 1],
    ]);
  });

  it('refuses a value count that does not fill whole rows, with its position', async () => {
    const r = await refusal(db, 'print 1 | union (datatable (a: long, b: string) [1, "x", 2])');
    expect(r.message).toMatch(/line 1, column \d+/);
  });
});

describe('union isfuzzy=true', () => {
  it('leaves out tables that do not exist, as Log Analytics does', async () => {
    const r = await runContent(db, 'union isfuzzy=true DarktraceModelAlerts_CL, DarktraceASM_CL, DarktraceEMAIL_CL | summarize n = count()');
    expect(r.rows).toEqual([[7]]);
  });

  it('answers an empty table when none of them exists', async () => {
    const r = await runContent(db, 'union isfuzzy=true DarktraceASM_CL, DarktraceResponseActions_CL | count');
    expect(r.rows).toEqual([[0]]);
  });

  it('without isfuzzy a missing table is still an error naming it and its position', async () => {
    const r = await refusal(db, 'union DarktraceModelAlerts_CL, DarktraceASM_CL | count');
    expect(r.innerCode).toBe('SemanticError');
    expect(r.message).toMatch(/'DarktraceASM_CL'.*line 1, column 32/);
  });

  it('unions let-bound per-source counts (the summary tiles shape)', async () => {
    const r = await runContent(
      db,
      `let modelAlerts = DarktraceModelAlerts_CL | summarize Count = count() | extend Source = "Model Alerts";
       let email = DarktraceEMAIL_CL | summarize Count = count() | extend Source = "Email";
       let incidents = DarktraceIncidents_CL | summarize Count = count() | extend Source = "Incidents";
       union modelAlerts, incidents, email | project Source, Count | sort by Count desc`,
    );
    // Incidents and Email tie at 3: their order is not defined, Model Alerts comes first.
    expect(r.rows[0]).toEqual(['Model Alerts', 4]);
    expect(r.rows.map((row) => row[0]).sort()).toEqual(['Email', 'Incidents', 'Model Alerts']);
    expect(r.rows.map((row) => row[1])).toEqual([4, 3, 3]);
  });
});
