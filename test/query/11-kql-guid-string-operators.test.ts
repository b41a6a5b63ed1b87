// Issue 11, the legacy Darktrace workbook's "Selected AI Analyst Incident Events" panel filters a guid
// column with a string operator (`where DtCurrentGroup contains "{SelectedAIAGroup}"`, DtCurrentGroup
// being externalId_g). Microsoft's language service reports KS106 for it; the lab runs it over the
// guid's text (docs/reference/query.md, "Engine leniencies").
import { describe, expect, it } from 'vitest';
import { refusal, runContent, useContentDb, WORKSPACE } from './content-fixture.ts';

const db = useContentDb();
const head = WORKSPACE.slice(0, 8);

describe('string operators over a guid column', () => {
  it('contains / !contains compare the guid as text, case-insensitively', async () => {
    const hit = await runContent(db, `DarktraceEMAIL_CL | where TenantId contains "${head.toUpperCase()}" | count`);
    expect(hit.rows).toEqual([[3]]);
    const miss = await runContent(db, `DarktraceEMAIL_CL | where TenantId !contains "${head}" | count`);
    expect(miss.rows).toEqual([[0]]);
  });

  it('startswith and has_cs work the same way', async () => {
    expect((await runContent(db, `DarktraceEMAIL_CL | where TenantId startswith "${head}" | count`)).rows).toEqual([[3]]);
    expect((await runContent(db, `DarktraceEMAIL_CL | where TenantId has_cs "no-such-term" | count`)).rows).toEqual([[0]]);
  });

  it('other operators over a guid are still refused with the analyser’s error and position', async () => {
    const r = await refusal(db, 'DarktraceEMAIL_CL | where TenantId > 3');
    expect(r.innerCode).toBe('SemanticError');
    expect(r.message).toMatch(/The operator '>' is not defined for the operand types guid and long.*line 1, column 36/);
  });
});
