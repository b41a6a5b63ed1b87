// Issue 11: the values the Darktrace workbook panels look for occur in a seeded run of the
// simulator itself (the slow content check proves they land; this proves the generators make them):
// SaaS/IaaS breaches below 25 %, a source port on breaches that report a destination port,
// client-sensor devices in breaches, system alerts of priority low, ASM rating F, critical SaaS
// breaches, cloud RESPOND breaches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type ModelBreach, type Simulator } from '../../simulator/index.ts';
import { CLOCK_START_MS } from './helpers.ts';

let sim: Simulator;
const breaches: ModelBreach[] = [];

beforeAll(() => {
  sim = createSimulator({ seed: 1, clockStart: CLOCK_START_MS, speed: 0, backfill: 0, rates: 'modelBreach=600/h,aiAnalyst=0,systemAlert=30/h,email=0,story=0', asmPerHour: 120 });
  sim.events.on('alert:generated', (e: { type: string; alert: unknown }) => {
    if (e.type === 'modelBreach') breaches.push(e.alert as ModelBreach);
  });
  for (let i = 0; i < 24; i++) sim.advance(5 * 60_000);
});
afterAll(() => sim.close());

const filter = (b: ModelBreach, type: string) => b.triggeredComponents.flatMap((c) => c.triggeredFilters).find((f) => f.filterType === type)?.trigger.value;

describe('the simulator makes the values the Darktrace content looks for', () => {
  it('SaaS and IaaS model breaches occur below a score of 25', () => {
    expect(breaches.length).toBeGreaterThan(500);
    const low = breaches.filter((b) => /^(SaaS|IaaS)::/.test(b.model.now.name) && b.percentscore < 25);
    expect(low.length).toBeGreaterThan(0);
  });

  it('a breach that reports a destination port reports the client source port too', () => {
    const withDest = breaches.filter((b) => filter(b, 'Destination port') !== undefined);
    expect(withDest.length).toBeGreaterThan(0);
    for (const b of withDest) {
      const port = Number(filter(b, 'Source port'));
      expect(port).toBeGreaterThanOrEqual(49152);
      expect(port).toBeLessThanOrEqual(65535);
    }
  });

  it('some laptops run a client sensor, and their breaches carry its id', () => {
    const sensors = sim.world.devices.filter((d) => d.cSensorID !== undefined);
    expect(sensors.length).toBeGreaterThan(0);
    expect(sensors.every((d) => d.typename === 'laptop')).toBe(true);
    expect(breaches.some((b) => typeof (b.device as { cSensorID?: unknown }).cSensorID === 'string')).toBe(true);
  });

  it('system alerts of priority low occur', () => {
    const levels = new Set(sim.store.systemAlerts.map((s) => s.alert.priority_level));
    expect(levels.has('low')).toBe(true);
  });

  it('ASM findings reach rating F', () => {
    expect(sim.engine.activity.asm.some((f) => f.rating === 'F')).toBe(true);
  });

  it('critical (priority 5) SaaS model breaches occur, outside the compliance families', () => {
    const critical = breaches.filter((b) => /^(SaaS|IaaS)::/.test(b.model.now.name) && b.model.now.category === 'Critical');
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((b) => !/Compliance/.test(b.model.now.name))).toBe(true);
  });

  it('RESPOND breaches for the cloud occur (an Antigena model with Cloud in its name)', () => {
    expect(breaches.some((b) => b.model.now.name.startsWith('Antigena::') && /cloud/i.test(b.model.now.name))).toBe(true);
  });
});
