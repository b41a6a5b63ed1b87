// Issue 11, KQL coverage for real content: summarize aggregates the Darktrace content uses beyond
// the core set — take_any()/any() over several columns (values from one row), count(Column), and
// make_list() with a size limit.
import { describe, expect, it } from 'vitest';
import { refusal, runContent, useContentDb } from './content-fixture.ts';

const db = useContentDb();

describe('take_any() / any() over several columns', () => {
  it('returns each listed column, taken from one and the same row of the group', async () => {
    const r = await runContent(db, 'DarktraceIncidents_CL | summarize MaxScore = max(aiaScore), take_any(deviceHostname, incidentEventTitle) by currentGroup | sort by currentGroup asc');
    expect(r.columns).toEqual(['currentGroup:string', 'MaxScore:int', 'deviceHostname:string', 'incidentEventTitle:string']);
    expect(r.rows).toEqual([
      ['g111', 64, 'ws-ana', 'Possible SSL Command and Control'],
      ['g222', 88, 'ws-ana', 'Unusual External Data Transfer'],
      ['g333', 94, 'SaaS::Office365: ana@example.com', 'Possible Hijack of Office365 Account'],
    ]);
  });

  it('never mixes columns of different rows', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | summarize any(modelName, score)');
    expect(r.columns).toEqual(['any_modelName:string', 'any_score:int']);
    const pairs = (await runContent(db, 'DarktraceModelAlerts_CL | project modelName, score')).rows.map((row) => JSON.stringify(row));
    expect(pairs).toContain(JSON.stringify(r.rows[0]));
  });

  it('refuses take_any(*), with its position', async () => {
    const r = await refusal(db, 'DarktraceIncidents_CL | summarize take_any(*) by currentGroup');
    expect(r.innerCode).toBe('UnsupportedKqlError');
    expect(r.message).toMatch(/take_any\(\*\).*line 1, column 35/);
  });
});

describe('count(Column)', () => {
  it('counts the rows that have a value, named count_<Column> (the workbook pie shape)', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | where isnotempty(sourceIp) | summarize count(modelName) by sourceIp | sort by sourceIp asc');
    expect(r.columns).toEqual(['sourceIp:string', 'count_modelName:long']);
    expect(r.rows).toEqual([
      ['10.0.1.5', 1],
      ['10.0.1.7', 1],
    ]);
  });

  it('of a bool counts the rows where it holds', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | summarize count(compliance)');
    expect(r.rows).toEqual([[1]]);
  });
});

describe('make_list() with a size limit', () => {
  it('keeps at most that many values', async () => {
    const r = await runContent(db, 'DarktraceEMAIL_CL | summarize senders = make_list(from, 2), all = make_list(from)');
    expect(r.columns).toEqual(['senders:dynamic', 'all:dynamic']);
    expect(JSON.parse(r.rows[0]![0] as string)).toHaveLength(2);
    expect(JSON.parse(r.rows[0]![1] as string)).toHaveLength(3);
  });

  it('make_set_if() takes its limit after the predicate', async () => {
    const r = await runContent(db, 'DarktraceEMAIL_CL | summarize s = make_set_if(from, direction == "inbound", 5)');
    expect(r.rows).toEqual([['["billing@rare.example"]']]);
  });
});
