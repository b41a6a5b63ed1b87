// Issue 11: the content check reads a workbook's query panels and fills their parameters as the
// workbook does on opening (time range, defaults, a value another panel exports).
import { describe, expect, it } from 'vitest';
import { familyOf } from '../../harness/content/content-check.ts';
import { fillParameters, workbookPanels } from '../../harness/content/workbook-panels.ts';

const doc = {
  version: 'Notebook/1.0',
  items: [
    { type: 9, content: { version: 'KqlParameterItem/1.0', parameters: [{ name: 'Timeframe', type: 4, value: { durationMs: 3600000 } }, { name: 'Who', type: 1, value: '' }, { name: 'kind', type: 2, value: 'DarktraceIncidents_CL | take 5' }] } },
    {
      type: 12,
      content: {
        version: 'NotebookGroup/1.0',
        items: [
          { type: 3, name: 'p1', content: { version: 'KqlItem/1.0', title: 'Incidents', query: '{kind}', exportFieldName: 'currentGroup', exportParameterName: 'Picked' } },
          { type: 3, name: 'p2', content: { version: 'KqlItem/1.0', query: 'DarktraceIncidents_CL | where currentGroup == "{Picked}" and "{Who}" == "" | make-series count() on TimeGenerated in range({Timeframe:start}, {Timeframe:end}, {Timeframe:grain})' } },
          { type: 1, content: { json: 'text, not a panel' } },
        ],
      },
    },
  ],
};

describe('workbook panels', () => {
  const { panels, parameters } = workbookPanels(doc, 'wb.json');

  it('lists every KqlItem, named by title (or item name), with what it exports', () => {
    expect(panels.map((p) => p.name)).toEqual(['wb.json: Incidents', 'wb.json: p2']);
    expect(panels[0]!.exports).toEqual({ parameter: 'Picked', field: 'currentGroup' });
    expect([...parameters.timeRanges]).toEqual(['Timeframe']);
    expect(parameters.values.get('kind')).toBe('DarktraceIncidents_CL | take 5');
  });

  it('fills the time range, defaults and exported values; leaves unknown placeholders', () => {
    const range = { start: new Date('2024-03-01T00:00:00Z'), grain: '1h' };
    const values = new Map(parameters.values);
    expect(fillParameters(panels[1]!.query, parameters, values, range)).toBe(
      'DarktraceIncidents_CL | where currentGroup == "{Picked}" and "" == "" | make-series count() on TimeGenerated in range(datetime(2024-03-01T00:00:00.000Z), now(), 1h)',
    );
    values.set('Picked', 'g1');
    expect(fillParameters(panels[1]!.query, parameters, values, range)).toContain('currentGroup == "g1"');
    expect(fillParameters(panels[0]!.query, parameters, values, range)).toBe('DarktraceIncidents_CL | take 5');
  });

  it('tells the legacy table from the Logs Ingestion tables', () => {
    expect(familyOf('darktrace_model_alerts_CL | take 1')).toBe('legacy');
    expect(familyOf('DarktraceModelAlerts_CL | take 1')).toBe('logsIngestion');
  });
});
