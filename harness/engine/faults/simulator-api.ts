// The fault kinds of the fake Darktrace API, set through the simulator's own fault API (answered
// before DTAPI auth with the genuine error bodies).
import { faultKind } from '../../scenario/fault-kinds.ts';
import type { Fault, FaultName } from '../../scenario/types.ts';
import { formatDuration } from '../../scenario/units.ts';
import type { SimulatorFault } from '../simulator-driver.ts';
import type { FaultKind } from './fault-kind.ts';

function simulatorFault(name: FaultName, fault: (f: Fault) => SimulatorFault, what: (f: Fault) => string): FaultKind {
  return {
    descriptor: faultKind(name)!,
    describe: (f) => `${what(f)}on the Darktrace API`,
    async apply(f, ctx) {
      await ctx.sim.setFault(fault(f));
      return '';
    },
    async undo(_f, ctx) {
      // Read before clearing: the next PUT or DELETE restarts the simulator's hit counts.
      const hits = await ctx.sim.faultHits();
      await ctx.sim.setFault(undefined);
      return `cleared after ${hits} Darktrace API requests were faulted`;
    },
  };
}

export const simulatorAuthError = simulatorFault('simulator.authError', () => ({ kind: 'authError' }), () => '');
export const simulatorStatus = simulatorFault('simulator.status', (f) => ({ kind: 'status', status: f.status! }), (f) => `${f.status} `);
export const simulatorSlow = simulatorFault('simulator.slow', (f) => ({ kind: 'slow', latencyMs: f.latencyMs! }), (f) => `+${formatDuration(f.latencyMs!)} `);
