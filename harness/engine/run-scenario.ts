// The scenario engine, stage by stage (harness/engine/stages/): start the topology, put the traffic
// and the faults on the timeline, run the traffic in simulated time, drain, evaluate the expectations,
// and return the run report. Whatever fails, what was started is closed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario, AlertType } from '../scenario/types.ts';
import type { RunReport } from '../reports/model.ts';
import { emptyLatency } from '../reports/model.ts';
import { clockStartMs } from '../scenario/units.ts';
import { analyticsStepper } from './analytics-stepper.ts';
import { ClockHold } from './clock-hold.ts';
import { Timeline } from './timeline.ts';
import type { Phase, RunState } from './stages/run-state.ts';
import { startTopology } from './stages/start-topology.ts';
import { runTraffic, scheduleTraffic, type ClockHook } from './stages/traffic.ts';
import { endFaults, faultContext, scheduleFaults } from './stages/faults.ts';
import { drain } from './stages/drain.ts';
import { emptyEvaluation, evaluateRun } from './stages/evaluate.ts';
import { buildReport } from './stages/report.ts';
import type { MockDriver } from './mock-driver.ts';

export { rotatedKey } from './faults/mock-rotate-key.ts';

export interface Progress {
  phase: Phase;
  simulatedMs: number;
  durationMs: number;
  generated: number;
  landed: number;
  /** Rows landed per second over the last sample. */
  rate: number;
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  /** Diagnostic lines (faults applied, restarts, drain outcome). */
  log?: (line: string) => void;
  /** Called after each move of the simulated clock during the traffic (e.g. to step the mock's analytics). */
  onClock?: ClockHook[];
  /** Called after the expectations are evaluated, before anything is closed: the workspace as the run left it (e.g. to run workbook queries over it). */
  afterRun?: (mock: MockDriver) => Promise<void>;
}

const SAMPLE_MS = 250;
/** Samples per scenario duration at least: a fast clock (accelerated, stepped) still draws a curve in simulated time. */
const SIM_SAMPLES = 60;

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunReport> {
  const startedAt = new Date();
  const workDir = mkdtempSync(join(tmpdir(), 'dtlab-run-'));
  const simStart = clockStartMs(s.clock.start, Date.now());
  let nextSample = 0;
  let nextSimSample = 0;
  const state: RunState = {
    scenario: s,
    log: opts.log ?? (() => {}),
    simStart,
    simNow: simStart,
    faults: [],
    pendingWork: [],
    abandonedByKills: 0,
    wall0: performance.now(),
    progress: (phase) =>
      opts.onProgress?.({
        phase,
        simulatedMs: state.simNow - state.simStart,
        durationMs: s.durationMs,
        generated: state.tracker?.generatedCount ?? 0,
        landed: state.tracker?.landedCount ?? 0,
        rate: state.sampler?.points.at(-1)?.landedPerSecond ?? 0,
      }),
    sampleIfDue(phase) {
      const now = performance.now();
      const simMs = state.simNow - state.simStart;
      if ((now < nextSample && simMs < nextSimSample) || !state.sampler) return;
      nextSimSample = simMs + s.durationMs / SIM_SAMPLES;
      state.sampler.sample();
      nextSample = now + SAMPLE_MS;
      state.progress(phase);
    },
  };
  let runError: string | undefined;
  const evaluation = emptyEvaluation();
  let lab: Awaited<ReturnType<typeof startTopology>> | undefined;

  try {
    state.progress('starting');
    lab = await startTopology(state, workDir);
    const timeline = new Timeline();
    const clock = new ClockHold();
    const faults = faultContext(state, lab, clock);
    scheduleTraffic(state, lab, timeline);
    scheduleFaults(state, faults, timeline);
    // An in-process mock's rules wait on a manual clock: they run as simulated time passes.
    const analytics = state.scenario.topology.mock === 'in-process' ? analyticsStepper(state, lab) : undefined;
    await runTraffic(state, lab, timeline, clock, opts.onClock, analytics);
    await endFaults(faults);
    state.draining = true;
    await drain(state, lab);
  } catch (err) {
    runError = (err as Error).message;
    state.log(`run error: ${(err as Error).stack ?? runError}`);
  }

  state.progress('evaluating');
  const latency = state.tracker ? state.tracker.latency.summary() : emptyLatency();
  if (lab && !runError) {
    try {
      await evaluateRun(state, lab, latency, evaluation);
    } catch (err) {
      runError = `evaluation failed: ${(err as Error).message}`;
    }
  }
  if (opts.afterRun && state.mock && !runError) {
    try {
      await opts.afterRun(state.mock);
    } catch (err) {
      runError = `after the run: ${(err as Error).message}`;
    }
  }
  const report = buildReport(state, startedAt, latency, evaluation, runError);

  const log = state.log;
  await state.connector?.close().catch((err) => log(`connector close: ${(err as Error).message}`));
  await state.sim?.close().catch((err) => log(`simulator close: ${(err as Error).message}`));
  await state.mock?.close().catch((err) => log(`mock close: ${(err as Error).message}`));
  rmSync(workDir, { recursive: true, force: true });
  return report;
}

export type { AlertType };
