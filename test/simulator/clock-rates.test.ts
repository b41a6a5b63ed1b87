import { describe, expect, it } from 'vitest';
import { SimClock, parseDuration, parseInstant } from '../../simulator/clock.ts';
import { DEFAULT_RATES, parseRates } from '../../simulator/engine/rates.ts';
import { createSimulator } from '../../simulator/index.ts';

describe('clock', () => {
  it('real, accelerated and stepped modes follow the injected wall clock', () => {
    let wall = 1_000_000;
    const real = new SimClock({ start: 0, speed: 1, wallNow: () => wall });
    const fast = new SimClock({ start: 0, speed: 60, wallNow: () => wall });
    const stepped = new SimClock({ start: 0, speed: 0, wallNow: () => wall });
    for (const c of [real, fast, stepped]) c.resume();
    wall += 1000;
    expect([real.now(), fast.now(), stepped.now()]).toEqual([1000, 60_000, 0]);
    stepped.advance(5000);
    expect(stepped.now()).toBe(5000);
    expect(() => stepped.advance(-1)).toThrow();
  });

  it('parses durations and instants', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('0')).toBe(0);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
    expect(parseInstant('2024-01-15T09:30:00')).toBe(Date.parse('2024-01-15T09:30:00Z'));
    expect(() => parseInstant('tomorrow')).toThrow(/invalid instant/);
  });

  it('the simulator generates on its own as the accelerated clock runs', async () => {
    let wall = Date.parse('2024-01-15T09:30:00Z');
    const sim = createSimulator({ clockStart: wall, speed: 3600, backfill: 0, rates: 'modelBreach=3600/h', wallNow: () => wall, tickMs: 5 });
    const got = new Promise<void>((resolve) => sim.events.once('alert:generated', () => resolve()));
    sim.start();
    wall += 1000; // one hour of simulated time
    await got;
    sim.stop();
    expect(sim.engine.counts.modelBreach).toBeGreaterThan(100);
    await sim.close();
  });
});

describe('rate SPEC', () => {
  it('parses type=N/unit with aliases, defaulting to per hour', () => {
    expect(parseRates('modelBreach=600/h,email=2/m,aia=1,system=0,story=24/d')).toEqual({ modelBreach: 600, email: 120, aiAnalyst: 1, systemAlert: 0, story: 1 });
    expect(parseRates('')).toEqual(DEFAULT_RATES);
  });
  it('rejects malformed parts with the offending text', () => {
    expect(() => parseRates('breaches=lots')).toThrow(/invalid rate 'breaches=lots'/);
    expect(() => parseRates('alerts=5/h')).toThrow(/unknown alert type 'alerts'/);
  });
});
