// Stage 3: the scenario's faults, each put on the timeline by its fault object (faults/registry.ts):
// applied at `at`, undone when its `for` is over; what is still in force when the traffic ends is
// lifted then, so the drain runs against healthy services.
import { formatDuration } from '../../scenario/units.ts';
import type { ClockHold } from '../clock-hold.ts';
import { MockRules, type FaultContext } from '../faults/fault-kind.ts';
import { FAULTS } from '../faults/registry.ts';
import type { Timeline } from '../timeline.ts';
import type { Lab, RunState } from './run-state.ts';

export function faultContext(state: RunState, lab: Lab, clock: ClockHold): FaultContext {
  return {
    seed: state.scenario.seed,
    mock: lab.mock,
    sim: lab.sim,
    conn: lab.connector,
    log: state.log,
    mockRules: new MockRules(lab.mock),
    connector: { skewMs: 0, restarting: false, restartDone: Promise.resolve() },
    clock,
    pendingWork: state.pendingWork,
    inFlightAtMost: lab.inFlightAtMost,
    abandoned: (n) => void (state.abandonedByKills += n),
    sinkEnabled: (name, enabled) => lab.tracker.setEnabled(name, enabled),
  };
}

export function scheduleFaults(state: RunState, ctx: FaultContext, timeline: Timeline): void {
  state.scenario.faults.forEach((f, index) => {
    const kind = FAULTS.get(f.fault);
    if (!kind) throw new Error(`faults[${index}]: no fault kind ${JSON.stringify(f.fault)}`);
    const ref = { index, id: `scenario-${index + 1}` };
    const until = f.forMs === undefined ? '' : ` for ${formatDuration(f.forMs)}`;
    timeline.at(f.atMs, f.fault, async () => `${kind.describe(f)}${await kind.apply(f, ctx, ref)}${until}`);
    if (f.forMs !== undefined && kind.undo) timeline.at(f.atMs + f.forMs, `${f.fault} ends`, () => kind.undo!(f, ctx, ref));
  });
}

/** Lifts what is still in force when the traffic ends. */
export async function endFaults(ctx: FaultContext): Promise<void> {
  // Faults bounded by a time window end with the traffic; count-limited mock rules stay until used up.
  // (Re-setting the rules resets the mock's counters, so only when one actually ended.)
  let ended = false;
  for (const [id, rule] of ctx.mockRules.rules) if (rule.count === undefined) ended = ctx.mockRules.rules.delete(id) || ended;
  if (ended) await ctx.mockRules.sync();
  ctx.conn.resume();
  if (ctx.connector.skewMs !== 0) {
    ctx.connector.skewMs = 0;
    await ctx.conn.setClockSkew(0).catch((err) => ctx.log(`clock skew reset: ${(err as Error).message}`));
  }
  await ctx.sim.setFault(undefined).catch(() => {});
}
