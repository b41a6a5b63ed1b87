// Issue 12: the Darktrace*_CL rows carry the inner keys the solution's content reads from their
// dynamic columns. KQL property access is case-sensitive: the model-alert rule reads
// `item.techniqueId` from each `mitreTechniques` item, while the Threat Visualizer API spells it
// `techniqueID` (darktrace-api.md §3.1).
import { describe, expect, it } from 'vitest';
import { toStreamRow } from '../../connector/sinks/logs-ingestion/rows.ts';
import { mapPolicyBreach } from '../../connector/intake/policy-breach.ts';
import { LINK_BASE, modelBreach } from './helpers/fixtures.ts';

const ctx = { customLabel: '', timeField: 'alertTime' };

describe('dynamic columns carry the keys the content reads', () => {
  it('mitreTechniques items have techniqueId (as DarktraceModelAlert.yaml reads it), from the API’s techniqueID', () => {
    const raw = modelBreach({ mitreTechniques: [{ technique: 'Remote Services', techniqueID: 'T1021' }, { technique: 'Exfiltration Over C2 Channel', techniqueID: 'T1041' }] });
    const { record } = mapPolicyBreach(raw, { linkBase: LINK_BASE, modelNameSeparator: '::', breachTimeField: 'time' });
    const { row } = toStreamRow(record, ctx);
    expect(row.mitreTechniques).toEqual([
      { technique: 'Remote Services', techniqueId: 'T1021' },
      { technique: 'Exfiltration Over C2 Channel', techniqueId: 'T1041' },
    ]);
    for (const item of row.mitreTechniques as Record<string, unknown>[]) expect(Object.keys(item)).not.toContain('techniqueID');
  });
});
