// Issue 11: a rule written the way the Darktrace solution's own rule files are (NRT with `kind`
// last, an upper-case id, override keys left empty with comments, `tactics: []`, quoted identifiers,
// one-space indents, an mv-apply query, ISO lookback) loads unmodified with every key read.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles } from '../../mock-sentinel/analytics/load-rules.ts';

const FILE = fileURLToPath(new URL('./fixtures/real-shape-nrt-rule.yaml', import.meta.url));

describe('a rule in the shape of the Darktrace solution’s files', () => {
  it('loads unmodified, every key read', () => {
    const [rule] = loadRuleFiles([FILE]);
    expect(rule).toMatchObject({
      id: '0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D',
      kind: 'NRT',
      severity: 'High',
      tactics: [],
      techniques: [],
      entityMappings: [
        { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'sourceIp' }] },
        { entityType: 'Host', fieldMappings: [{ identifier: 'HostName', columnName: 'sourceHost' }] },
      ],
      customDetails: { Score: 'score', Category: 'category' },
      createIncident: false,
      grouping: { enabled: false, lookbackMs: 5 * 3_600_000, matchingMethod: 'AllEntities' },
    });
    expect(rule!.query).toContain('mv-apply item = mitreTechniques on (');
  });
});
