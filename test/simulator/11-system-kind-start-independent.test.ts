// Issue 11: which system alert a seed makes (Licence Expiry or Advanced Search) must not depend on
// when the run's clock started — the demo starts at "now", and its one system alert was low priority
// on one run, medium on the next (found by the content check over the demo).
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.ts';
import { CLOCK_START_MS } from './helpers.ts';

function systemAlertNames(clockStart: number): string[] {
  const sim = createSimulator({ seed: 7, clockStart, speed: 0, backfill: 0, rates: 'modelBreach=0,aiAnalyst=0,systemAlert=120/h,email=0,story=0' });
  const names: string[] = [];
  sim.events.on('alert:generated', (e: { type: string; alert: { name: string; status: string } }) => {
    if (e.type === 'systemAlert') names.push(`${e.alert.name}:${e.alert.status}`);
  });
  sim.advance(3 * 3_600_000);
  sim.close();
  return names;
}

describe('system alert kinds', () => {
  it('are the same for a seed whatever the clock start', () => {
    const a = systemAlertNames(CLOCK_START_MS);
    expect(a.length).toBeGreaterThan(30);
    expect(a.some((n) => n.startsWith('licence_expiry'))).toBe(true);
    for (const offset of [1_234, 7_777_777, 86_400_000 + 5_555]) expect(systemAlertNames(CLOCK_START_MS + offset)).toEqual(a);
  });
});
