// Stage 1: start what the topology says — the mock workspace, the simulator (pushing to the
// connector's receiver when the source is push), the connector — and the observers of the run.
import { join } from 'node:path';
import { resolveConfig } from '../../../connector/config/load.ts';
import { deadLetterPath } from '../../../connector/spool/dead-letter.ts';
import type { AlertType } from '../../scenario/types.ts';
import { SeriesSampler } from '../../measure/series.ts';
import { scenarioRules } from '../analytics-observer.ts';
import { connectorConfig, PUSH_TOKEN } from '../connector-config.ts';
import { externalConnector, freePort, startChildConnector, startInProcessConnector } from '../connector-driver.ts';
import { LandingTracker } from '../landing-tracker.ts';
import { externalMock, startInProcessMock } from '../mock-driver.ts';
import { startSimulator } from '../simulators.ts';
import type { Lab, RunState } from './run-state.ts';

export async function startTopology(state: RunState, workDir: string): Promise<Lab> {
  const s = state.scenario;
  // The mock's analytic rules wait on a manual clock from the simulated start: the harness steps it
  // each simulated minute of the traffic once that minute's data has landed (analytics-stepper.ts),
  // and after the drain to the end of simulated time (deterministic, whatever the machine's speed).
  const mock = (state.mock =
    s.topology.mock === 'in-process'
      ? await startInProcessMock(s.seed, s.topology.mockPolicy, s.topology.sinks.includes('logsIngestion'), {
          rules: scenarioRules(s),
          clock: 'manual',
          start: new Date(state.simStart),
          maxAlertsPerRun: Number.MAX_SAFE_INTEGER,
        })
      : await externalMock(s.topology.mock));
  // The receiver's port is fixed up front: the simulator's pusher needs its URL, and a restarted
  // child connector must come back on the same one.
  const port = await freePort();
  const pushTypes: AlertType[] = s.topology.source === 'push' ? ['modelBreach', 'aiAnalyst', 'systemAlert', 'email'] : ['systemAlert'];
  const sim = (state.sim = await startSimulator(
    s,
    state.simStart,
    s.topology.source === 'poll' ? undefined : { url: `http://127.0.0.1:${port}/push`, token: PUSH_TOKEN, types: pushTypes },
  ));
  state.simStart = state.simNow = await sim.now();
  const raw = connectorConfig(s, {
    darktrace: { url: sim.url, publicToken: sim.publicToken, privateToken: sim.privateToken },
    sentinel: { url: mock.url, httpsUrl: mock.httpsUrl, caPath: mock.caPath, workspaceId: mock.workspaceId, sharedKey: mock.sharedKey, secondaryKey: mock.secondaryKey },
    stateDir: join(workDir, 'state'),
    listen: `127.0.0.1:${port}`,
    logLevel: s.topology.connector === 'child-process' ? 'error' : 'silent',
  });
  const c = s.topology.connector;
  // What one kill can abandon, summed over the sinks: the Logs Ingestion sink posts up to
  // maxConcurrency chunks at once, the Data Collector sink one batch at a time.
  const sinkConfigs = c === 'in-process' || c === 'child-process' ? resolveConfig(raw).sinks : [];
  const inFlightAtMost = Math.max(1, sinkConfigs.reduce((n, k) => n + (k.mode === 'logsIngestion' ? k.maxConcurrency : 1), 0));
  const connector = (state.connector =
    c === 'in-process' ? await startInProcessConnector(raw) : c === 'child-process' ? await startChildConnector(raw, workDir, state.log) : externalConnector(c.url));
  const deadLetterFile = c === 'in-process' || c === 'child-process' ? deadLetterPath(resolveConfig(raw).state) : undefined;
  const tracker = (state.tracker = new LandingTracker(mock, s.topology.sinks));
  const sampler = (state.sampler = new SeriesSampler({
    generated: () => tracker.generatedCount,
    landed: () => tracker.landedCount,
    latency: tracker.latency,
    connectorPid: () => state.connector?.pid(),
    simulatedSeconds: () => (state.simNow - state.simStart) / 1000,
    draining: () => state.draining === true,
  }));
  return { mock, sim, connector, tracker, sampler, inFlightAtMost, ...(deadLetterFile ? { deadLetterFile } : {}) };
}
