// Issue 13, "the suite on a busy machine": external-topology.test.ts once failed under load with
// `landed: Antigena Email: expected 5, measured 0`. The drain read the landed rows, then the spool,
// then whether the sources had polled past the end; records the sink delivered between the first two
// readings were neither pending nor read, and once the quiet window had passed the drain settled
// without them. Here the delivery is scripted to land exactly in that gap (the spool empties as the
// drain asks for it), so the outcome does not depend on the machine's speed.
import { describe, it, expect } from 'vitest';
import { drain } from '../../harness/engine/stages/drain.ts';
import { LandingTracker } from '../../harness/engine/landing-tracker.ts';
import type { Lab, RunState } from '../../harness/engine/stages/run-state.ts';
import type { MockDriver } from '../../harness/engine/mock-driver.ts';
import type { ConnectorDriver } from '../../harness/engine/connector-driver.ts';
import type { SimulatorDriver } from '../../harness/engine/simulator-driver.ts';
import type { Scenario } from '../../harness/scenario/types.ts';
import { LEGACY_TABLE } from '../../harness/engine/identity.ts';

const breach = (pbid: number) => ({ dtProduct_s: 'Policy Breach', threatID_d: pbid });
const email = (uuid: string) => ({ dtProduct_s: 'Antigena Email', uuid_s: uuid });
const EMAILS = ['E1.1', 'E2.1', 'E3.1', 'E4.1', 'E5.1'];

function fakeLab() {
  const table: Record<string, unknown>[] = [1, 2, 3].map(breach);
  let spooled = EMAILS.length;
  let successes = 0;
  const mock = {
    async newRows(name: string, offset: number) {
      return name === LEGACY_TABLE ? table.slice(offset).map((row) => ({ row, landedAt: performance.now() })) : [];
    },
    // The drain's wait between rounds: the next store, or the fallback (here, the next turn of the loop).
    nextStore: () => new Promise<void>((resolve) => setImmediate(resolve)),
  } as unknown as MockDriver;
  const tracker = new LandingTracker(mock, 'dataCollector');
  tracker.addGenerated([1, 2, 3].map((id) => ({ type: 'modelBreach' as const, id: String(id), time: 0 })));
  tracker.addGenerated(EMAILS.map((id) => ({ type: 'email' as const, id, time: 0 })));
  // The script, in the order a slow machine can produce it: the email poller's first poll after the end
  // of the traffic had started before the emails existed (the spool is empty, the breaches landed); its
  // next poll spools the emails; the sink's answer for them comes more than the quiet window later.
  let phase: 'before' | 'spooled' | 'delivered' = 'before';
  let spooledAt = 0;
  const connector = {
    pollNow() {},
    pollSuccesses: async () => ({ email: new Date(Date.now() + 1000 + ++successes).toISOString() }),
    received: async () => (phase === 'before' ? 3 : 8),
    async pending() {
      if (phase === 'before') {
        phase = 'spooled';
        spooledAt = performance.now();
        return 0;
      }
      // The sink's batch is answered: its rows are stored, then the spool empties.
      if (phase === 'spooled' && performance.now() - spooledAt > 1100) {
        table.push(...EMAILS.map(email));
        phase = 'delivered';
      }
      return phase === 'delivered' ? 0 : spooled;
    },
    deadLettered: async () => 0,
  } as unknown as ConnectorDriver;
  const sim = { newlyGenerated: async () => [] } as unknown as SimulatorDriver;
  const lab: Lab = { mock, sim, connector, tracker, sampler: { sample() {} } as Lab['sampler'], inFlightAtMost: 1 };
  const log: string[] = [];
  const state = {
    scenario: { drainTimeoutMs: 30_000 } as Scenario,
    log: (line: string) => log.push(line),
    pendingWork: [],
    progress() {},
    sampleIfDue() {},
  } as unknown as RunState;
  return { lab, state, tracker, log };
}

describe('the drain reads the sources, then the spool, then the rows', () => {
  it('records delivered while the drain reads are landed, not left behind', async () => {
    const { lab, state, tracker, log } = fakeLab();
    await drain(state, lab);
    expect(log.filter((l) => l.includes('not landed'))).toEqual([]);
    expect(tracker.allLanded()).toBe(true);
    expect(tracker.landedCount).toBe(8);
  });
});
