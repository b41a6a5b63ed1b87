// Loading rule files: the Azure-Sentinel YAML unmodified; every unsupported key, bad value and
// unparsable query refused with its file, key and reason.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, RuleLoadError } from '../../mock-sentinel/index.ts';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtlab-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function problemsOf(paths: string[]): { file: string; key: string; reason: string }[] {
  try {
    loadRuleFiles(paths);
  } catch (err) {
    if (err instanceof RuleLoadError) return err.problems.map((p) => ({ ...p, file: p.file.replace(/^.*[\\/]/, '') }));
    throw err;
  }
  return [];
}

const GOOD = `id: 33333333-0000-4000-8000-000000000001
name: Good
severity: Low
queryFrequency: 1h
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
query: LabBreaches_CL | take 1
`;

describe('rule files', () => {
  it('loads the full Azure-Sentinel shape with every supported key, and folders of .yaml files', () => {
    const fixtures = new URL('./fixtures/', import.meta.url).pathname;
    const [full] = loadRuleFiles([join(fixtures, 'full-shape-rule.yaml')]);
    expect(full).toMatchObject({
      id: '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      severity: 'Medium',
      triggerOperator: 'gt',
      entityMappings: [
        { entityType: 'Host', fieldMappings: [{ identifier: 'FullName', columnName: 'FullHost' }] },
        { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'SourceIP' }] },
        { entityType: 'Account', fieldMappings: [{ identifier: 'FullName', columnName: 'user_s' }] },
      ],
      customDetails: { Model: 'modelName_s', Score: 'score_d' },
      grouping: { enabled: true, lookbackMs: 3_600_000, matchingMethod: 'Selected', groupByEntities: ['Host'] },
      suppressionDurationMs: 3_600_000,
      tactics: ['CommandAndControl'],
      techniques: ['T1071', 'T1071.001'],
    });
    const dir = folderWith({ 'a.yaml': GOOD, 'notes.txt': 'not a rule', 'b.yml': GOOD.replace('000000000001', '000000000002') });
    expect(loadRuleFiles([dir]).map((r) => r.queryPeriodMs)).toEqual([86_400_000, 86_400_000]);
  });

  it('refuses unsupported keys, bad values and queries that do not parse, naming file, key and reason', () => {
    const bad = `id: 33333333-0000-4000-8000-000000000009
name: Bad
severity: Severe
queryFrequency: 1m
queryPeriod: 1h
triggerOperator: above
triggerThreshold: 0
sentinelEntitiesMappings:
  - columnName: Entities
query: |
  LabBreaches_CL
  | where (score_d > 
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: Hostname
        columnName: hostname_s
incidentConfiguration:
  createIncident: true
  groupingConfiguration:
    enabled: true
    matchingMethod: Everything
    groupByCustomDetails: [Nope]
`;
    const problems = problemsOf([folderWith({ 'bad.yaml': bad })]);
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.reason]));
    expect(problems.every((p) => p.file === 'bad.yaml')).toBe(true);
    expect(Object.keys(byKey).sort()).toEqual(
      [
        'entityMappings[0].fieldMappings[0].identifier',
        'incidentConfiguration.groupingConfiguration.groupByCustomDetails[0]',
        'incidentConfiguration.groupingConfiguration.matchingMethod',
        'query',
        'queryFrequency',
        'sentinelEntitiesMappings',
        'severity',
        'triggerOperator',
      ].sort(),
    );
    expect(byKey.sentinelEntitiesMappings).toMatch(/not supported by the lab/);
    expect(byKey.query).toMatch(/^does not parse: .*\(query line 2, column/);
    expect(byKey.severity).toMatch(/'Severe' is not one of Informational, Low, Medium, High/);
    expect(byKey['entityMappings[0].fieldMappings[0].identifier']).toMatch(/'Hostname' is not one of .*HostName/);
  });

  it('refuses a file that is not YAML, a missing path and duplicate ids across files', () => {
    const dir = folderWith({ 'a.yaml': GOOD, 'b.yaml': GOOD, 'c.yaml': 'id: [unclosed' });
    const problems = problemsOf([dir]);
    expect(problems.map((p) => [p.file, p.key])).toEqual([
      ['b.yaml', 'id'],
      ['c.yaml', '(file)'],
    ]);
    expect(problems[0]!.reason).toMatch(/also the id of the rule in .*a\.yaml/);
    expect(problemsOf([join(dir, 'missing.yaml')])).toEqual([{ file: 'missing.yaml', key: '(file)', reason: 'no such file or folder' }]);
  });
});
