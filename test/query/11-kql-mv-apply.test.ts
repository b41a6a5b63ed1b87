// Issue 11, KQL coverage for real content: `mv-apply` (the Darktrace Model Alert rule gathers each
// alert's MITRE technique ids with it) and array_concat() (the incident workbook joins an incident's
// previous groups with its current one).
import { describe, expect, it } from 'vitest';
import { refusal, runContent, useContentDb } from './content-fixture.ts';

const db = useContentDb();

describe('mv-apply', () => {
  it('runs the subquery over each row’s expanded items and joins its result to the row (the rule shape)', async () => {
    const r = await runContent(
      db,
      `DarktraceModelAlerts_CL
       | mv-apply item = mitreTechniques on (extend techniqueId = tostring(item.techniqueId) | summarize techniqueIds = make_list(techniqueId, 5))
       | project modelName, techniqueIds | sort by modelName asc`,
    );
    expect(r.columns).toEqual(['modelName:string', 'techniqueIds:dynamic']);
    expect(r.rows).toEqual([
      // null expands to one null item (as mv-expand does), whose tostring() is ""
      ['Antigena::Network::External Threat::Antigena Suspicious Activity Block', '[""]'],
      ['Compliance::SSH to Rare External Destination', '[]'],
      ['IaaS::Compute::Azure Compute Resource Update', '["T1578"]'],
      ['SaaS::Admin::User Added To Admin Group', '["T1098","T1078"]'],
    ]);
  });

  it('keeps every input column and lets the subquery read them', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | where score > 50 | mv-apply t = mitreTechniques on (where score > 90 or isnotnull(t) | summarize n = count()) | project modelName, score, n | sort by score asc');
    expect(r.rows).toEqual([
      ['SaaS::Admin::User Added To Admin Group', 71, 2],
      ['Antigena::Network::External Threat::Antigena Suspicious Activity Block', 93, 1],
    ]);
  });

  it('drops a row whose subquery returns nothing, and types items with to typeof()', async () => {
    const r = await runContent(db, 'DarktraceIncidents_CL | mv-apply g = groupPreviousGroups to typeof(string) on (take 1) | project currentGroup, g');
    expect(r.columns).toEqual(['currentGroup:string', 'g:string']);
    expect(r.rows).toEqual([['g222', 'g111']]);
  });

  it('refuses what it does not run, with its position', async () => {
    const limit = await refusal(db, 'DarktraceIncidents_CL | mv-apply g = groupPreviousGroups limit 2 on (take 1)');
    expect(limit.innerCode).toBe('UnsupportedKqlError');
    expect(limit.message).toMatch(/mv-apply limit.*line 1, column 58/);
  });
});

describe('array_concat()', () => {
  it('joins arrays; the workbook walks an incident’s previous and current groups with it', async () => {
    const r = await runContent(
      db,
      `let related = DarktraceIncidents_CL
         | where groupPreviousGroups has "g111" or "g111" == currentGroup
         | extend allGroups = array_concat(groupPreviousGroups, pack_array(currentGroup))
         | mv-expand group = allGroups
         | project groupStr = tostring(group)
         | summarize by groupStr;
       DarktraceIncidents_CL | where currentGroup in (related) | project currentGroup, all = array_concat(groupPreviousGroups, pack_array(currentGroup), dynamic(["x"])) | sort by currentGroup asc`,
    );
    expect(r.rows).toEqual([
      ['g111', '["g111","x"]'],
      ['g222', '["g111","g222","x"]'],
    ]);
  });

  it('is null when an argument is not an array', async () => {
    const r = await runContent(db, `print a = array_concat(dynamic([1]), parse_json('{"k": 2}')), b = isnull(array_concat(dynamic([1]), parse_json('')))`);
    // a null dynamic is sent as "" (json-values.ts); b proves it is null
    expect(r.rows).toEqual([['', true]]);
  });
});
