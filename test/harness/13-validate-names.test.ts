// Issue 13: unknown story and fault names and parameters a story does not take are errors before the
// run, at FILE:LINE:COL. A misspelt story name used to pass `dtlab validate` and the run, generating nothing.
import { describe, it, expect, vi, afterEach } from 'vitest';
import { command as run } from '../../harness/commands/run.ts';
import { captureOutput, errorsOf, scenarioFiles } from './validate-helpers.ts';

const base = 'name: t\nduration: 1m\n';

describe('story names and parameters, from the simulator\'s story definitions', () => {
  it('a misspelt story name, with the name it stands for', () => {
    expect(errorsOf(base + 'traffic:\n  stories:\n    - { at: 10s, story: beaconing-exfil }\n')).toEqual([
      'x.yaml:5:25  traffic.stories[0].story  unknown story "beaconing-exfil" (did you mean "beaconing-exfiltration"?); the simulator knows: beaconing-exfiltration, ransomware-smb, phishing-campaign, saas-hijack, probe-outage, connector-test',
    ]);
  });

  it('a parameter the story does not take, at its key', () => {
    expect(errorsOf(base + 'traffic:\n  stories:\n    - at: 10s\n      story: phishing-campaign\n      params: { recipient: 3 }\n')).toEqual([
      'x.yaml:7:17  traffic.stories[0].params.recipient  story "phishing-campaign" has no parameter "recipient" (did you mean "recipients"?); its parameters: spacing, recipients, clicked',
    ]);
  });

  it('a parameter for a story that takes none', () => {
    expect(errorsOf(base + 'traffic:\n  stories:\n    - { at: 1s, story: connector-test, params: { spacing: 1m } }\n')).toEqual([
      'x.yaml:5:50  traffic.stories[0].params.spacing  story "connector-test" has no parameter "spacing"; it takes none',
    ]);
  });

  it('parameter values of the wrong kind: a count that is not a number, a spacing without a unit', () => {
    expect(errorsOf(base + 'traffic:\n  stories:\n    - { at: 1s, story: ransomware-smb, params: { shares: many, spacing: 5 } }\n')).toEqual([
      'x.yaml:5:58  traffic.stories[0].params.shares  must be a number (got "many")',
      'x.yaml:5:73  traffic.stories[0].params.spacing  needs a unit, e.g. "5m" (got 5)',
    ]);
  });

  it('an unknown fault name', () => {
    expect(errorsOf(base + 'faults:\n  - { at: 5s, fault: mock.explode }\n')).toEqual([
      'x.yaml:4:22  faults[0].fault  must be one of "mock.status", "mock.latency", "mock.drop", "mock.rotateKey", "mock.storeThenDrop", "mock.roleMissing", "connector.kill", "connector.pause", "connector.clockSkew", "connector.sink", "simulator.authError", "simulator.status", "simulator.slow" (got "mock.explode")',
    ]);
  });
});

describe('dtlab run checks before it starts anything', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a misspelt story stops the run with the same finding, exit 1', async () => {
    const file = scenarioFiles({ 'bad.yaml': base + 'traffic:\n  stories:\n    - { at: 10s, story: saas-hijak }\n' })['bad.yaml']!;
    const output = captureOutput();
    expect(await run.run([file])).toBe(1);
    expect(output.err()).toContain(`${file}:5:25  traffic.stories[0].story  unknown story "saas-hijak" (did you mean "saas-hijack"?)`);
    expect(output.err()).toContain('nothing was run');
  });
});
