// One short run with the traffic users choose (issue 13): alerts through the simulator whose
// hostname is a GUID in one alert and plain text in the next (the connector carries them, the
// Data Collector API splits the column into hostname_g and hostname_s), raw posts straight to the
// mock (type drift in one field, a 40,000-byte value cut to the scenario's maxValueBytes, a wrong
// signature, a Logs Ingestion stream), and a clock that starts three days ago.
import { describe, expect, it } from 'vitest';
import { parseScenario, formatError } from '../../harness/scenario/load.ts';
import { runScenario } from '../../harness/engine/run-scenario.ts';
import { failures } from './scenario-runner.ts';

const SCENARIO = `
name: inject-end-to-end
seed: 7
clock: { mode: stepped, step: 10s, interval: 20ms, start: -3d }
duration: 1m
topology:
  mockPolicy: { maxValueBytes: 1000 }
traffic:
  inject:
    - { at: 10s, type: modelBreach, count: 4, set: { device.hostname: { cycle: [{ guid: true }, "plain-host"] } } }
    - at: 20s
      to: mock
      logType: ThirdParty
      count: 2
      records:
        - { val: { cycle: [1, "one"] }, big: { repeat: "x", bytes: 40000 }, text: "Grüße ✓ 日本" }
    - { at: 30s, to: mock, logType: ThirdParty, record: { val: 2 }, auth: invalid }
    - { at: 30s, to: mock, stream: Custom-DarktraceModelAlerts, records: [{ modelName: injected }] }
expect:
  landed: [modelBreach]
  requests:
    - { name: the wrong signature was refused, status: 403, error: InvalidAuthorization, equals: 1 }
  queries:
    - { name: GUID hostnames typed as guid, kql: "darktrace_model_alerts_CL | where isnotempty(hostname_g) | count", rows: [[2]] }
    - { name: plain hostnames typed as string, kql: "darktrace_model_alerts_CL | where hostname_s == 'plain-host' | count", rows: [[2]] }
    - { name: "one field, two columns", kql: "ThirdParty_CL | summarize d = countif(isnotnull(val_d)), s = countif(isnotempty(val_s))", rows: [[1, 1]] }
    - { name: values cut to maxValueBytes, kql: "ThirdParty_CL | summarize max(strlen(big_s))", rows: [[1000]] }
    - { name: non-ASCII text kept, kql: "ThirdParty_CL | where text_s == 'Grüße ✓ 日本' | count", rows: [[2]] }
`;

describe('inject: end to end', () => {
  it('carries injected alerts and raw posts, with the policies and the clock the scenario sets', async () => {
    const loaded = parseScenario(SCENARIO, 'inject-end-to-end.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.map(formatError).join('\n'));
    const before = Date.now();
    const r = await runScenario(loaded.scenario);
    expect(failures(r)).toEqual([]);
    // Three days before the run started, to the minute.
    expect(Math.abs(Date.parse(r.simulated.start) - (before - 3 * 86_400_000))).toBeLessThan(60_000);
    expect(r.alerts['Policy Breach']).toMatchObject({ generated: 4, landed: 4 });
    const details = r.faults.filter((f) => f.fault.startsWith('inject')).map((f) => f.detail);
    expect(details).toEqual([
      'through the simulator, 1 fields set and 0 removed in each',
      '2 records in one array to Log-Type ThirdParty (auth valid): mock answered 200',
      '1 single-object post to Log-Type ThirdParty (auth invalid): mock answered 403 InvalidAuthorization',
      '1 records in one array to stream Custom-DarktraceModelAlerts (auth valid): mock answered 204',
    ]);
    expect(r.tables.find((t) => t.name === 'DarktraceModelAlerts_CL')?.rowCount).toBe(1);
  });
});
