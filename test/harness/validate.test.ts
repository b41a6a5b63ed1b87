// dtlab validate: each kind of invalid scenario file is reported at its file, line, column and key path.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { readdirSync } from 'node:fs';
import { parseScenario, loadScenarioFile, formatError, isWarning, type ScenarioError } from '../../harness/scenario/load.ts';
import { command as validate } from '../../harness/commands/validate.ts';
import { captureOutput, scenarioFiles } from './validate-helpers.ts';

function errorsOf(text: string): ScenarioError[] {
  const r = parseScenario(text, 'x.yaml');
  if (r.ok) throw new Error('expected the file to be invalid');
  return r.errors;
}

/** The one error of a file (warnings, e.g. on columns these small files never generate, aside). */
function only(text: string): string {
  const errors = errorsOf(text).filter((e) => !isWarning(e));
  expect(errors.map(formatError)).toHaveLength(1);
  return formatError(errors[0]!);
}

const base = 'name: t\nduration: 1m\n';

describe('valid scenarios', () => {
  it('a minimal file is valid and gets the standard expectations', () => {
    const r = parseScenario(base, 'x.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.scenario.durationMs).toBe(60_000);
      expect(r.scenario.defaultExpectations).toBe(true);
      expect(r.scenario.expect).toMatchObject({ landed: 'all', duplicates: { max: 0 }, rejected: 'injectedOnly', columns: 'default' });
    }
  });

  it('a kill fault puts the connector in a child process', () => {
    const r = parseScenario(base + 'faults:\n  - at: 10s\n    fault: connector.kill\n', 'x.yaml');
    expect(r.ok && r.scenario.topology.connector).toBe('child-process');
  });

  it('every file of the scenario library is valid, warnings included', () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = loadScenarioFile(new URL(f, dir).pathname, { strict: true });
      expect(r.ok ? [] : r.errors.map(formatError), f).toEqual([]);
    }
  });
});

describe('schema errors point at line, column and key path', () => {
  it('YAML syntax error', () => {
    expect(only(base + 'traffic: [1, 2\n')).toMatch(/^x\.yaml:4:1  traffic  YAML: /);
  });

  it('duplicate key', () => {
    expect(only(base + 'name: again\n')).toBe('x.yaml:3:1  name  YAML: Map keys must be unique');
  });

  it('missing required key', () => {
    expect(only('name: t\n')).toBe('x.yaml:1:1  duration  is required');
  });

  it('unknown key, with the keys allowed there', () => {
    expect(only(base + 'traffic:\n  rates:\n    breaches: 3/s\n')).toBe(
      'x.yaml:5:5  traffic.rates.breaches  unknown key (allowed here: modelBreach, aiAnalyst, systemAlert, email)',
    );
  });

  it('bad duration', () => {
    expect(only('name: t\nduration: 5 minutes\n')).toBe(
      'x.yaml:2:11  duration  must be a duration with its unit: 250ms, 30s, 5m, 1h, 2d (only 0 needs none) (got "5 minutes")',
    );
  });

  it('bad rate', () => {
    expect(only(base + 'traffic:\n  rates:\n    email: 3 per minute\n')).toMatch(/^x\.yaml:5:12  traffic\.rates\.email  must be a rate: /);
  });

  it('value outside an enum', () => {
    expect(only(base + 'faults:\n  - at: 1s\n    fault: mock.status\n    status: 418\n')).toBe(
      'x.yaml:6:13  faults[0].status  must be one of 429, 500, 503 (got 418)',
    );
  });

  it('unknown fault', () => {
    expect(only(base + 'faults:\n  - at: 1s\n    fault: connector.explode\n')).toMatch(/^x\.yaml:5:12  faults\[0\]\.fault  must be one of "mock\.status", /);
  });

  it('a fault missing its own required key', () => {
    expect(only(base + 'faults:\n  - at: 1s\n    fault: mock.latency\n')).toBe('x.yaml:4:5  faults[0].latency  is required');
  });

  it('a key that belongs to another fault kind', () => {
    expect(only(base + 'faults:\n  - at: 1s\n    fault: connector.kill\n    status: 503\n')).toMatch(/^x\.yaml:6:5  faults\[0\]\.status  unknown key \(allowed here: restartAfter\)/);
  });

  it('clock mode needs its parameter', () => {
    expect(only(base + 'clock:\n  mode: accelerated\n')).toBe('x.yaml:4:3  clock.speed  is required');
  });

  it('wrong item in a list of alert types', () => {
    expect(only(base + 'expect:\n  landed: [modelBreach, breaches]\n')).toBe(
      'x.yaml:4:25  expect.landed[1]  must be one of "modelBreach", "aiAnalyst", "systemAlert", "email" (got "breaches")',
    );
  });

  it('a query with both where and kql', () => {
    expect(only(base + 'expect:\n  queries:\n    - name: q\n      where: { a: 1 }\n      kql: T | count\n      count: 1\n')).toBe(
      'x.yaml:5:7  expect.queries[0]  use either where or kql, not both',
    );
  });

  it('a query without an expected result', () => {
    expect(only(base + 'expect:\n  queries:\n    - name: q\n      kql: T\n')).toBe('x.yaml:5:7  expect.queries[0]  needs one of: count, rows, error (got {"name":"q","kql":"T"})');
  });

  it('a column of an unknown type', () => {
    expect(only(base + 'expect:\n  columns:\n    table: T\n    columns:\n      a_s: text\n')).toMatch(/^x\.yaml:7:12  expect\.columns\.columns\.a_s  must be one of "string", /);
  });

  it('a time after the duration', () => {
    expect(only(base + 'traffic:\n  bursts:\n    - { at: 2m, type: email, count: 3 }\n')).toBe(
      "x.yaml:5:13  traffic.bursts[0].at  is after the scenario's duration (1m)",
    );
  });

  it('a fault the topology cannot apply', () => {
    expect(only(base + 'topology:\n  connector: in-process\nfaults:\n  - at: 1s\n    fault: connector.kill\n')).toBe(
      'x.yaml:7:12  faults[0].fault  needs the connector as a child process (topology.connector: child-process), not "in-process"',
    );
  });

  it('reports every error of a file, in line order', () => {
    const errors = errorsOf('name: t\nduration: 1x\nseed: -1\nbogus: 1\n');
    expect(errors.map((e) => `${e.line}:${e.path}`)).toEqual(['2:duration', '3:seed', '4:bogus']);
  });
});

describe('dtlab validate', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints FILE:LINE:COL  PATH  REASON and exits 1 for an invalid file, 0 for a valid one', async () => {
    const { 'good.yaml': good, 'bad.yaml': bad } = scenarioFiles({ 'good.yaml': base, 'bad.yaml': 'name: t\nduration: soon\n' });
    const output = captureOutput();
    expect(await validate.run([good])).toBe(0);
    expect(await validate.run([good, bad])).toBe(1);
    expect(output.err()).toContain(`${bad}:2:11  duration  must be a duration`);
    expect(output.out()).toContain('1 valid, 1 invalid');
    expect(await validate.run(['--nope'])).toBe(2);
    expect(output.err()).toContain("Unknown option '--nope'");
  });
});
