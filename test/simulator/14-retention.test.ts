// Issue 14 (the soak): the simulator keeps every alert by design; with `retention` it forgets alerts
// and activity older than the window, so a long run's memory stays flat. Checked on the store and
// the API, on a stepped clock (deterministic), against the same run without retention.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.ts';

const START = '2026-12-01T00:00:00Z';
const HOUR = 3_600_000;

function run(retention?: string) {
  const sim = createSimulator({ seed: 5, speed: 0, clockStart: START, backfill: 0, rates: 'modelBreach=600/h,aiAnalyst=30/h,email=300/h,systemAlert=6/h', ...(retention ? { retention } : {}) });
  for (let i = 0; i < 18; i++) sim.advance(10 * 60_000);
  return sim;
}

describe('simulator retention', () => {
  it('forgets alerts and activity older than the window; generation is unchanged', () => {
    const kept = run();
    const pruned = run('1h');
    const now = pruned.clock.now();
    // A prune runs at most every tenth of the window, so the oldest kept alert is at most that late.
    const floor = now - HOUR - HOUR / 10;

    expect(pruned.engine.truth.length).toBe(kept.engine.truth.length);
    expect(pruned.store.breaches.length).toBeGreaterThan(0);
    expect(pruned.store.breaches.length).toBeLessThan(kept.store.breaches.length / 2);
    expect(pruned.store.breaches.first()!.key).toBeGreaterThanOrEqual(floor);
    expect(pruned.store.breachByPbid.size).toBe(pruned.store.breaches.length);
    expect(pruned.store.incidents.first()!.key).toBeGreaterThanOrEqual(floor);
    expect(pruned.store.incidentById.size).toBe(pruned.store.incidents.length);
    expect(pruned.store.emails.first()!.key).toBeGreaterThanOrEqual(floor);
    expect(pruned.store.emailByUuid.size).toBe(pruned.store.emails.length);
    expect(pruned.engine.activity.releases.every((e) => e.time >= floor)).toBe(true);
    expect(pruned.engine.activity.actions.length).toBeLessThan(kept.engine.activity.actions.length);
    // The oldest alert of the run without retention is still there.
    expect(kept.store.breaches.first()!.key).toBeLessThan(floor);
  });

  it('a forgotten alert is gone from the API as from an appliance whose history rolled over', () => {
    const sim = run('1h');
    const oldest = run().store.breaches.first()!.alert.pbid;
    expect(sim.alertFor('modelBreach', String(oldest))).toBeUndefined();
  });

  it('refuses a retention that is not a duration', () => {
    expect(() => createSimulator({ retention: 'soon' })).toThrow(/invalid duration 'soon'/);
  });
});
