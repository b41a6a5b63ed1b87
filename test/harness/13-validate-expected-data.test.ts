// Issue 13: expectations on data the run cannot produce are warnings before the run — `landed` for an
// alert type no traffic generates (`landed: [email]` used to pass for a type never generated), and
// columns no alert type of the run produces (sparse tables are legitimate, so not errors); --strict
// makes them errors. And every finding of a file comes in one pass, errors and warnings in line order.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { command as validate } from '../../harness/commands/validate.ts';
import { LEGACY_COLUMNS_BY_TYPE } from '../../harness/scenario/alert-columns.ts';
import { SPEC_COLUMNS_FILE } from '../../harness/engine/columns.ts';
import { captureOutput, findings, scenarioFiles, warningsOf } from './validate-helpers.ts';

const base = 'name: t\nduration: 1m\ntraffic:\n  rates: { modelBreach: 1/s }\n  stories: [{ at: 10s, story: probe-outage }]\n';

describe('expectations on data the run cannot produce', () => {
  it('landed for a type no traffic generates (stories count with the types their steps raise)', () => {
    expect(warningsOf(base + 'expect:\n  landed: [modelBreach, systemAlert, email]\n')).toEqual([
      'x.yaml:7:38  expect.landed[2]  warning: no traffic of this run generates email alerts (rates, bursts, stories: modelBreach, systemAlert), so there is nothing to land',
    ]);
  });

  it('a where on a column no alert type of the run produces', () => {
    expect(warningsOf(base + 'expect:\n  queries:\n    - { name: q, where: { modelName_s: x, subject_s: y }, count: 1 }\n')).toEqual([
      'x.yaml:8:43  expect.queries[0].where.subject_s  warning: no alert type of this run (modelBreach, systemAlert) produces column "subject_s" in darktrace_model_alerts_CL (sparse tables are legitimate: it may come from data the run injects)',
    ]);
  });

  it('a column expectation on a column no alert type of the run produces', () => {
    expect(warningsOf(base + 'expect:\n  columns:\n    table: darktrace_model_alerts_CL\n    columns: { friendlyName_s: string, title_s: string }\n')).toEqual([
      'x.yaml:9:40  expect.columns.columns.title_s  warning: no alert type of this run (modelBreach, systemAlert) produces column "title_s" in darktrace_model_alerts_CL (sparse tables are legitimate: it may come from data the run injects)',
    ]);
  });

  it('a simulator at a URL has traffic of its own: no landed warning', () => {
    expect(warningsOf('name: t\nduration: 1m\ntopology: { simulator: { url: "http://127.0.0.1:1" } }\nexpect:\n  landed: [email]\n')).toEqual([]);
  });
});

describe('the columns each alert type produces', () => {
  it('are the spec\'s columns (sentinel-table.md §4), each type\'s own; only the KV-only ones (§4f) belong to none', () => {
    const spec = (JSON.parse(readFileSync(SPEC_COLUMNS_FILE, 'utf8')) as { column: string }[]).map((c) => c.column);
    const produced = new Set(Object.values(LEGACY_COLUMNS_BY_TYPE).flat());
    // alertTime_t is not in the spec's list: the connector adds alertTime (its time-generated-field), which also lands as a column.
    expect([...produced].filter((c) => !spec.includes(c))).toEqual(['alertTime_t']);
    expect(spec.filter((c) => !produced.has(c))).toEqual(['alert_name_s', 'priority_level_s', 'priority_d', 'ip_address_s', 'child_id_d', 'last_updated_d', 'last_updated_status_d']);
  });
});

describe('one pass', () => {
  it('the mistakes of the issue, all reported together in line order', () => {
    const text = [
      'name: t',
      'duration: 1m',
      'topology:',
      '  connectorConfig: { poll: { interval: 10 } }',
      'traffic:',
      '  stories: [{ at: 10s, story: beaconing-exfil }]',
      '  bursts: [{ at: 2m, type: modelBreach, count: 1 }]',
      'faults: [{ at: 1s, fault: mock.explode }]',
      'expect:',
      '  landed: [email]',
      '  queries:',
      '    - { name: q, count: 1, kql: "darktrace_model_alerts_CL | where" }',
      '',
    ].join('\n');
    expect(findings(text).map((f) => f.split('  ').slice(0, 2).join('  '))).toEqual([
      'x.yaml:4:40  topology.connectorConfig.poll.interval',
      'x.yaml:6:31  traffic.stories[0].story',
      'x.yaml:7:18  traffic.bursts[0].at',
      'x.yaml:8:27  faults[0].fault',
      'x.yaml:10:12  expect.landed[0]',
      'x.yaml:12:33  expect.queries[0].kql',
    ]);
  });
});

describe('dtlab validate --strict and exit codes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warnings print and exit 0; --strict exits 1; an error exits 1; usage errors exit 2', async () => {
    const { 'warned.yaml': warned, 'broken.yaml': broken } = scenarioFiles({ 'warned.yaml': base + 'expect:\n  landed: [email]\n', 'broken.yaml': 'name: t\nduration: 10\n' });
    const output = captureOutput();
    expect(await validate.run([warned])).toBe(0);
    expect(output.err()).toContain(`${warned}:7:12  expect.landed[0]  warning: no traffic of this run generates email alerts`);
    expect(output.out()).toContain(`${warned}: ok (t), 1 warning`);
    expect(await validate.run(['--strict', warned])).toBe(1);
    expect(await validate.run([broken])).toBe(1);
    expect(output.err()).toContain(`${broken}:2:11  duration  is a duration without a unit`);
    expect(await validate.run(['--strictly', warned])).toBe(2);
  });
});
