// Stage 2: the traffic. The scenario's bursts, stories, malformed pushes and injections go on the timeline; then
// the simulated clock moves (real, accelerated or stepped), every timeline entry (traffic and faults)
// runs at its own simulated time, and the observers follow what was generated and landed.
import { formatDuration } from '../../scenario/units.ts';
import type { AnalyticsStepper } from '../analytics-stepper.ts';
import type { ClockHold } from '../clock-hold.ts';
import { PUSH_TOKEN } from '../connector-config.ts';
import { pushMalformed } from '../malformed.ts';
import { postToMock } from '../inject/raw-post.ts';
import { alertPatch } from '../inject/values.ts';
import type { Timeline } from '../timeline.ts';
import type { Lab, RunState } from './run-state.ts';

/** Called after each move of the simulated clock during the traffic, with the simulated now (epoch ms). */
export type ClockHook = (simNow: number) => Promise<void>;

export function scheduleTraffic(state: RunState, lab: Lab, timeline: Timeline): void {
  const s = state.scenario;
  const { sim, connector } = lab;
  for (const b of s.bursts) timeline.at(b.atMs, `burst ${b.count} ${b.type}`, async () => (await sim.emit(b.type, b.count), ''), false);
  for (const st of s.stories) timeline.at(st.atMs, `story ${st.story}`, async () => (await sim.story(st.story, st.params), ''), false);
  for (const mf of s.malformed) {
    timeline.at(mf.atMs, `malformed ${mf.count} ${mf.kind}`, async () => {
      if (!connector.receiverUrl) throw new Error('malformed alerts need the push receiver');
      const statuses = await pushMalformed(connector.receiverUrl, PUSH_TOKEN, mf.kind, mf.count, s.seed);
      return `receiver answered ${statuses}`;
    });
  }
  s.injects.forEach((inj, i) => {
    const entry = `traffic.inject[${i}]`;
    const base = () => ({ seed: s.seed, entry, simNow: state.simNow });
    if (inj.to === 'simulator') {
      const changes = Object.keys(inj.set).length + inj.remove.length;
      timeline.at(inj.atMs, `inject ${inj.count} ${inj.type}`, async () => {
        const patches = changes ? Array.from({ length: inj.count }, (_, index) => alertPatch(inj.set, inj.remove, { ...base(), index })) : undefined;
        await sim.emit(inj.type, inj.count, patches);
        return changes ? `through the simulator, ${Object.keys(inj.set).length} fields set and ${inj.remove.length} removed in each` : 'through the simulator';
      });
    } else {
      timeline.at(inj.atMs, `inject ${inj.api.kind === 'dataCollector' ? inj.api.logType : inj.api.stream}`, () => postToMock(lab.mock, inj, base()));
    }
  });
}

/** Moves simulated time from the start to the end of the scenario's duration, running the timeline. */
export async function runTraffic(state: RunState, lab: Lab, timeline: Timeline, clock: ClockHold, hooks: ClockHook[] = [], analytics?: AnalyticsStepper): Promise<void> {
  const s = state.scenario;
  const { mock, sim, tracker } = lab;
  const entries = timeline.ordered();
  const observe = async () => {
    tracker.addGenerated(await sim.newlyGenerated());
    await tracker.poll();
    state.sampleIfDue(state.simNow - state.simStart >= s.durationMs ? 'draining' : 'traffic');
  };
  const advanceTo = async (t: number) => {
    if (t <= state.simNow) return;
    // The analytics run at each of their steps on the way, with the simulator stopped there.
    for (const step of analytics?.stepsBetween(state.simNow, t) ?? []) {
      await sim.advanceTo(step);
      state.simNow = step;
      // The clock holds while the step waits for its data: an accelerated clock then goes on from
      // here instead of jumping by the wait (a jump restamps records as late insertions).
      clock.hold();
      try {
        await analytics!.step(step);
      } finally {
        clock.release();
      }
    }
    if (t <= state.simNow) return;
    await sim.advanceTo(t);
    state.simNow = t;
    for (const hook of hooks) await hook(t);
  };
  // The rules' first runs are at the start, before anything is generated.
  await analytics?.step(state.simStart);
  const end = state.simStart + s.durationMs;
  const trafficWall0 = performance.now();
  let lastStepWall = trafficWall0;
  let steppedTarget = state.simStart;
  let ti = 0;
  while (state.simNow < end) {
    let target: number;
    if (clock.held) {
      await mock.nextStore(50).catch(() => {});
      await observe();
      continue;
    }
    if (s.clock.mode === 'stepped') {
      const wait = lastStepWall + s.clock.intervalMs - performance.now();
      if (wait > 0) await mock.nextStore(wait).catch(() => {});
      if (clock.held || performance.now() < lastStepWall + s.clock.intervalMs) {
        await observe();
        continue;
      }
      lastStepWall = performance.now();
      steppedTarget = Math.min(end, steppedTarget + s.clock.stepMs);
      target = steppedTarget;
    } else {
      await mock.nextStore(50).catch(() => {});
      if (clock.held) continue;
      target = Math.min(end, state.simStart + Math.floor((performance.now() - trafficWall0 - clock.heldMs) * s.clock.speed));
    }
    // Apply every timeline entry due up to the target, at its own simulated time.
    while (ti < entries.length && state.simStart + entries[ti]!.atMs <= target) {
      const e = entries[ti++]!;
      await advanceTo(state.simStart + e.atMs);
      let detail: string;
      try {
        detail = await e.apply();
      } catch (err) {
        detail = `failed: ${(err as Error).message}`;
      }
      if (e.recorded) {
        state.faults.push({ atMs: e.atMs, fault: e.label, detail, appliedAt: (performance.now() - state.wall0) / 1000 });
        state.log(`${formatDuration(e.atMs)} ${e.label}: ${detail}`);
      }
    }
    await advanceTo(target);
    await observe();
  }
}
