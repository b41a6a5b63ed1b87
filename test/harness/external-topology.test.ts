// topology with URLs: the runner drives a simulator and reads a workspace it did not start, through
// their /_lab APIs only (here both run in this test, as a user would run `dtlab darktrace` and
// `dtlab sentinel`).
import { describe, it, expect, afterAll } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { createSimulator } from '../../simulator/index.ts';
import { parseScenario, formatError } from '../../harness/scenario/load.ts';
import { runScenario } from '../../harness/engine/run-scenario.ts';
import { failures } from './scenario-runner.ts';

const mock = createMockSentinel();
const sim = createSimulator({ seed: 5, speed: 0, backfill: 0 });

afterAll(async () => {
  await mock.close();
  await sim.close();
});

describe('external services', () => {
  it('a scenario against a simulator and a workspace at URLs lands every alert and reads them back', async () => {
    const { url: mockUrl } = await mock.listen();
    const { url: simUrl } = await sim.listen();
    const text = [
      'name: external',
      'clock: { mode: stepped, step: 10s, interval: 50ms }',
      'duration: 1m',
      'topology:',
      `  simulator: { url: "${simUrl}" }`,
      `  mock: { url: "${mockUrl}" }`,
      '  source: poll',
      'traffic:',
      '  bursts:',
      '    - { at: 10s, type: modelBreach, count: 12 }',
      '    - { at: 20s, type: email, count: 5 }',
      'expect:',
      '  landed: [modelBreach, email]',
      '  duplicates: { max: 0 }',
      '  rejected: injectedOnly',
      '  queries:',
      '    - { name: breaches, where: { dtProduct_s: Policy Breach }, count: { generated: modelBreach } }',
      '',
    ].join('\n');
    const parsed = parseScenario(text, 'external.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('\n'));
    const report = await runScenario(parsed.scenario);
    expect(failures(report)).toEqual([]);
    expect(report.alerts).toEqual({
      'Policy Breach': { generated: 12, landed: 12, duplicates: 0, lost: 0 },
      'Antigena Email': { generated: 5, landed: 5, duplicates: 0, lost: 0 },
    });
    // The rows are in the external workspace, not in one the runner started.
    const tables = (await (await fetch(`${mockUrl}/_lab/tables`)).json()) as Array<{ name: string; rowCount: number }>;
    expect(tables.find((t) => t.name === 'darktrace_model_alerts_CL')?.rowCount).toBe(17);
  });
});
