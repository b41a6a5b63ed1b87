// Issue 13, end to end: one short in-process run whose connector is throttled once with a 429 and
// Retry-After, judged by the new expectations over the real mock's audit log, query API and the
// connector's /health and dead-letter file — and a deliberately wrong one that fails with samples.
import { describe, expect, it } from 'vitest';
import { parseScenario, formatError } from '../../harness/scenario/load.ts';
import { runScenario } from '../../harness/engine/run-scenario.ts';
import { failures } from './scenario-runner.ts';

const SCENARIO = `
name: expectations-end-to-end
seed: 13
clock: { mode: stepped, step: 1s, interval: 20ms }
duration: 3s
topology: { source: poll }
traffic:
  bursts:
    - { at: 1s, type: modelBreach, count: 5 }
faults:
  - { at: 0s, fault: mock.status, status: 429, retryAfter: 1, count: 1, route: dataCollector }
expect:
  landed: all
  duplicates: { max: 0 }
  requests:
    - { name: the one 429, route: dataCollector, table: darktrace_model_alerts_CL, status: 429, injected: true, equals: 1 }
  retryAfter: { route: dataCollector }
  auditFlags:
    - { flag: truncated, max: 0 }
  connector:
    spooled: { equals: 0 }
    deadLetters: [{ max: 0 }]
    health: { status: ok }
  nullRate:
    - { table: darktrace_model_alerts_CL, column: threatID_d, max: 0 }
  queries:
    - { name: a column no row carries, kql: "darktrace_model_alerts_CL | project noSuchColumn_s", error: SemanticError }
    - { name: wrong on purpose, kql: "darktrace_model_alerts_CL | count", error: SemanticError }
`;

describe('new expectations in a run', () => {
  it('hold over the real services, and a failing one carries samples', async () => {
    const loaded = parseScenario(SCENARIO, 'inline.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.map(formatError).join('\n'));
    const report = await runScenario(loaded.scenario);
    // Exactly the deliberately wrong query fails.
    expect(failures(report).map((f) => f.split(':')[0] + ':' + f.split(':')[1])).toEqual(['query: wrong on purpose']);
    const byName = Object.fromEntries(report.expectations.map((e) => [e.name, e]));
    expect(byName['landed: Policy Breach']).toMatchObject({ passed: true, measured: '5' });
    expect(byName['the one 429']).toMatchObject({ passed: true, measured: '1' });
    expect(byName['retries wait out Retry-After on dataCollector']!.measured).toMatch(/^smallest gap \S+ after Retry-After 1s \(1 checked\)$/);
    expect(byName['connector: /health']).toMatchObject({ passed: true, measured: 'ok' });
    expect(byName['query: a column no row carries']).toMatchObject({ passed: true, measured: 'failed with SemanticError' });
    expect(byName['query: wrong on purpose']!.samples).toEqual([{ Count: 5 }]);
    // The run's series carries simulated time, and the drain apart.
    // A sample at every simulated step, however fast the steps go by in wall time.
    const sims = report.series.filter((p) => p.phase !== 'drain').map((p) => p.sim);
    for (const step of [1, 2, 3]) expect(sims).toContain(step);
  });
});
