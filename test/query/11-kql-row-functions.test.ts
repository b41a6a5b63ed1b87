// Issue 11, KQL coverage for real content: column_ifexists() (content that must work whether or not
// a column has landed yet) and ingestion_time() (every row keeps when the store took it in).
import { describe, expect, it } from 'vitest';
import { refusal, runContent, useContentDb } from './content-fixture.ts';

const db = useContentDb();

describe('column_ifexists()', () => {
  it('reads the column when the input has it, else the default, typed as the analyser says', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | where score > 90 | project modelName, label = column_ifexists("deviceLabel", "none"), rating = column_ifexists("rating", "unrated"), s = column_ifexists("score", 0)');
    // The analyser types column_ifexists() as its default (0: long); the int column is converted.
    expect(r.columns).toEqual(['modelName:string', 'label:string', 'rating:string', 's:long']);
    expect(r.rows).toEqual([['Antigena::Network::External Threat::Antigena Suspicious Activity Block', 'srv-files-01', 'unrated', 93]]);
  });

  it('sees the columns of the operator’s own input (a column extended earlier counts)', async () => {
    const r = await runContent(db, 'DarktraceEMAIL_CL | extend sender = from | summarize n = count() by s = column_ifexists("sender", "?") | sort by s asc');
    expect(r.rows).toEqual([
      ['ana@example.com', 1],
      ['billing@rare.example', 2],
    ]);
  });

  it('refuses a column name that is not a literal, with its position', async () => {
    const r = await refusal(db, 'DarktraceEMAIL_CL | extend c = column_ifexists(strcat("fr", "om"), "")');
    expect(r.innerCode).toBe('UnsupportedKqlError');
    expect(r.message).toMatch(/line 1, column 48/);
  });
});

describe('ingestion_time()', () => {
  it('is when the store took the row in, through where, extend and project', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | project modelName | where ingestion_time() > datetime(2024-03-01 11:10:00) | extend took = ingestion_time() - datetime(2024-03-01 11:00:00) | sort by took asc');
    expect(r.rows).toEqual([
      ['Compliance::SSH to Rare External Destination', '00:10:05'],
      ['Antigena::Network::External Threat::Antigena Suspicious Activity Block', '00:20:05'],
      ['IaaS::Compute::Azure Compute Resource Update', '00:30:30'],
    ]);
  });

  it('aggregates (the delay between TimeGenerated and ingestion)', async () => {
    const r = await runContent(db, 'DarktraceModelAlerts_CL | summarize latest = max(ingestion_time()), worst = max(ingestion_time() - TimeGenerated)');
    expect(r.rows).toEqual([['2024-03-01T11:30:30.000Z', '00:00:30']]);
  });

  it('is null where rows are no longer a table’s (after summarize), as in Kusto', async () => {
    const r = await runContent(db, 'DarktraceEMAIL_CL | summarize n = count() by direction | extend t = ingestion_time() | where isnull(t) | count');
    expect(r.rows).toEqual([[2]]);
  });
});
