// Issue 14 item 7, the harness side: a scenario against a workspace and a simulator the user runs
// with admin tokens drives their /_lab APIs with the tokens from DTLAB_SENTINEL_ADMIN_TOKEN and
// DTLAB_DARKTRACE_ADMIN_TOKEN (the variables `dtlab sentinel` / `dtlab darktrace` read).
import { afterAll, afterEach, expect, it } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { createSimulator } from '../../simulator/index.ts';
import { formatError, parseScenario } from '../../harness/scenario/load.ts';
import { runScenario } from '../../harness/engine/run-scenario.ts';
import { failures } from './scenario-runner.ts';

const mock = createMockSentinel({ admin: { token: 'mock-admin' } });
const sim = createSimulator({ seed: 5, speed: 0, backfill: 0, admin: { token: 'sim-admin' } });

afterEach(() => {
  delete process.env.DTLAB_SENTINEL_ADMIN_TOKEN;
  delete process.env.DTLAB_DARKTRACE_ADMIN_TOKEN;
});
afterAll(async () => {
  await mock.close();
  await sim.close();
});

function scenario(simUrl: string, mockUrl: string) {
  const text = [
    'name: external-admin',
    'clock: { mode: stepped, step: 10s, interval: 50ms }',
    'duration: 30s',
    'topology:',
    `  simulator: { url: "${simUrl}" }`,
    `  mock: { url: "${mockUrl}" }`,
    '  source: poll',
    'traffic:',
    '  bursts:',
    '    - { at: 10s, type: modelBreach, count: 3 }',
    'expect:',
    '  landed: [modelBreach]',
    '',
  ].join('\n');
  const parsed = parseScenario(text, 'external-admin.yaml');
  if (!parsed.ok) throw new Error(parsed.errors.map(formatError).join('\n'));
  return parsed.scenario;
}

it('the runner sends the admin tokens from the environment; without them the services refuse it', async () => {
  const { url: mockUrl } = await mock.listen();
  const { url: simUrl } = await sim.listen();
  const refused = await runScenario(scenario(simUrl, mockUrl));
  expect(refused.passed).toBe(false);

  process.env.DTLAB_SENTINEL_ADMIN_TOKEN = 'mock-admin';
  process.env.DTLAB_DARKTRACE_ADMIN_TOKEN = 'sim-admin';
  const report = await runScenario(scenario(simUrl, mockUrl));
  expect(failures(report)).toEqual([]);
  expect(report.alerts['Policy Breach']).toEqual({ generated: 3, landed: 3, duplicates: 0, lost: 0 });
});
