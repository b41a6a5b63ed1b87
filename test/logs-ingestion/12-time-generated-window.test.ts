// Issue 12: the Logs Ingestion route keeps TimeGenerated within [received − 2 d, received + 1 d]
// (azure-ingestion.md A7: "it would be replaced with the actual received time"), silently for the
// client (204) and itemised in the audit log.
import { describe, expect, it } from 'vitest';
import { getJson, modelAlert, rawUpload, startLabMock } from './helpers.ts';

describe('TimeGenerated window on the Logs Ingestion route', () => {
  it('replaces values older than 2 d or later than 1 d with the received time, keeps the ones inside, and audits each replacement', async () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const lab = await startLabMock({ now: () => now });
    const sent = [
      '2026-02-26T12:00:00.000Z', // 3 d old → replaced
      '2026-02-27T12:00:01.000Z', // just inside 2 d → kept
      '2026-03-02T11:59:59.000Z', // just inside +1 d → kept
      '2026-03-02T12:00:01.000Z', // beyond +1 d → replaced
    ];
    const res = await rawUpload(lab, { body: JSON.stringify(sent.map((TimeGenerated, i) => modelAlert({ TimeGenerated, threatId: i + 1 }))) });
    expect(res.status).toBe(204);
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows.map((r: { TimeGenerated: string }) => r.TimeGenerated)).toEqual([now.toISOString(), sent[1], sent[2], now.toISOString()]);
    const entry = (await getJson(lab, '/_lab/requests')).at(-1);
    const replaced = (entry.flags as string[]).filter((f) => f.includes('TimeGenerated'));
    expect(replaced).toEqual([
      'record 0 (DarktraceModelAlerts_CL): TimeGenerated 2026-02-26T12:00:00.000Z outside [received - 2 d, received + 1 d]; replaced with the received time',
      'record 3 (DarktraceModelAlerts_CL): TimeGenerated 2026-03-02T12:00:01.000Z outside [received - 2 d, received + 1 d]; replaced with the received time',
    ]);
  });

  it('uses the workspace window policy (dataCollector.timeGeneratedPastMs), the same for both APIs', async () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const lab = await startLabMock({ now: () => now, dataCollector: { timeGeneratedPastMs: 3600_000 } });
    await rawUpload(lab, { body: JSON.stringify([modelAlert({ TimeGenerated: '2026-03-01T10:00:00.000Z' })]) });
    const rows = await getJson(lab, '/_lab/tables/DarktraceModelAlerts_CL/rows');
    expect(rows[0].TimeGenerated).toBe(now.toISOString());
  });
});
