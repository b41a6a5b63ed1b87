// Issue 11 follow-up: Darktrace answers at most a year of model breaches per response
// (darktrace-api.md §2.1; the simulator caps any window so). A first run whose initialLookback reaches
// back further (ten years here, as the test config's default) asked for one window, got only its
// oldest year and moved its checkpoint to now: the alerts in between were never fetched. The poller
// now reads a long span a year at a time, one poll after another without waiting for the interval.
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, type Connector } from '../../connector/index.ts';
import { MODEL_BREACH_MAX_WINDOW_MS as MAX_WINDOW_MS } from '../../connector/sources/definitions.ts';
import { createSimulator, type Simulator } from '../../simulator/index.ts';
import { startVerifyingSink } from './helpers/verifying-sink.ts';
import { PRIMARY, WS, silentLogger, tempState, testConfig, waitForEvent } from './helpers/connector-env.ts';

const DAY = 86_400_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function simulatorWithOldAndNewBreach(): Promise<{ sim: Simulator; url: string; keys: string[] }> {
  // The appliance checks DTAPI-Date against the machine's clock: its own runs 400 days ahead.
  const sim = createSimulator({ seed: 3, speed: 0, clockStart: Date.now(), backfill: 0, rates: 'modelBreach=0,aiAnalyst=0,systemAlert=0,email=0,story=0', users: 10, policy: { dateReference: 'wall' } });
  const { url } = await sim.listen();
  cleanups.push(() => sim.close());
  const keys: string[] = [];
  sim.emitNow('modelBreach', 1);
  keys.push(`pb:${sim.engine.truth.at(-1)!.id}`);
  sim.advance(400 * DAY);
  sim.emitNow('modelBreach', 1);
  keys.push(`pb:${sim.engine.truth.at(-1)!.id}`);
  return { sim, url, keys };
}

describe('a first run looking back ten years', () => {
  it('reads the span a year at a time and lands the breach of 400 days ago and today’s, once each', async () => {
    const { sim, url, keys } = await simulatorWithOldAndNewBreach();
    const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY } });
    cleanups.push(() => sink.close());
    const poll = { clock: 'appliance', interval: '1h', overlap: '10m', initialLookback: '3650d', sources: { aiAnalyst: false, email: false } };
    const c: Connector = createConnector(testConfig({ darktraceUrl: url, sentinelUrl: sink.url, state: tempState(), extra: { poll } }), { logger: silentLogger() });
    cleanups.push(() => c.close());
    const spooled: string[] = [];
    c.events.on('spooled', (e: { keys: string[] }) => spooled.push(...e.keys));
    const ends: number[] = [];
    c.events.on('checkpoint', (e: { source: string; endMs: number }) => ends.push(e.endMs));
    const now = sim.clock.now();
    const caughtUp = waitForEvent(c.events, 'checkpoint', (e: { endMs: number }) => e.endMs >= now - 1000);
    await c.start();
    await caughtUp;
    expect(spooled).toEqual(keys);
    // Ten years in windows of at most a year: eleven polls, each checkpoint at most a year past the last.
    expect(ends.length).toBe(11);
    for (let i = 1; i < ends.length; i++) expect(ends[i]! - ends[i - 1]!).toBeLessThanOrEqual(MAX_WINDOW_MS);
  });
});
