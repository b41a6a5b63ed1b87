// One seed + one clock start → byte-identical alerts and API responses, in one process and across
// processes; a different seed → a different world.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.ts';
import { compactDate, dtFetch, startSim } from './helpers.ts';
import { startCli } from './cli-process.ts';

const EMAIL_SEARCH = JSON.stringify({ page: 0, itemsPerPage: 50, query: { criteriaList: [], mode: 'and' } });

async function snapshot(url: string, date?: string): Promise<string[]> {
  const o = date ? { date } : {};
  const bodies: string[] = [];
  for (const pq of ['/modelbreaches', '/modelbreaches?historicmodelonly=true&expandenums=true&includeacknowledged=true', '/aianalyst/incidentevents?includeacknowledged=true', '/aianalyst/groups', '/status', '/devices?includetags=true', '/models']) {
    const res = await dtFetch(url, pq, o);
    expect(res.status, pq).toBe(200);
    bodies.push(await res.text());
  }
  const emails = await dtFetch(url, '/agemail/api/ep/api/v1.0/emails/search', { ...o, body: EMAIL_SEARCH, contentType: 'application/json' });
  expect(emails.status).toBe(200);
  bodies.push(await emails.text());
  bodies.push(await (await fetch(`${url}/_lab/generated`)).text());
  return bodies;
}

describe('determinism', () => {
  it('same seed and clock start → identical generation, independent of how the clock is stepped', () => {
    const a = createSimulator({ seed: 42, clockStart: '2024-03-01T00:00:00Z', speed: 0, backfill: '12h' });
    const b = createSimulator({ seed: 42, clockStart: '2024-03-01T00:00:00Z', speed: 0, backfill: '12h' });
    a.advance(2 * 3_600_000);
    for (let i = 0; i < 120; i++) b.advance(60_000);
    a.startStory('phishing-campaign');
    b.startStory('phishing-campaign');
    a.advance(3_600_000);
    b.advance(3_600_000);
    expect(a.engine.truth.length).toBeGreaterThan(1000);
    expect(JSON.stringify(b.engine.truth)).toBe(JSON.stringify(a.engine.truth));
    expect(JSON.stringify(b.store.breaches.items.map((r) => r.alert))).toBe(JSON.stringify(a.store.breaches.items.map((r) => r.alert)));
    expect(JSON.stringify(b.store.emails.items.map((r) => r.alert))).toBe(JSON.stringify(a.store.emails.items.map((r) => r.alert)));
  });

  it('a different seed gives a different world and different alerts', () => {
    const a = createSimulator({ seed: 1, clockStart: '2024-03-01T00:00:00Z', speed: 0, backfill: '1h' });
    const b = createSimulator({ seed: 2, clockStart: '2024-03-01T00:00:00Z', speed: 0, backfill: '1h' });
    expect(a.world.domain === b.world.domain && a.world.devices[0]!.did === b.world.devices[0]!.did).toBe(false);
    expect(JSON.stringify(a.engine.truth)).not.toBe(JSON.stringify(b.engine.truth));
  });

  it('two simulators in one process serve byte-identical responses', async () => {
    const one = await startSim({ seed: 9, backfill: '6h' });
    const two = await startSim({ seed: 9, backfill: '6h' });
    try {
      expect(await snapshot(two.url)).toEqual(await snapshot(one.url));
    } finally {
      await Promise.all([one.sim.close(), two.sim.close()]);
    }
  });

  it('two `dtlab darktrace` processes with the same seed and clock start serve byte-identical responses', async () => {
    const args = ['--port', '0', '--seed', '7', '--clock-start', '2024-01-15T09:30:00Z', '--speed', '0', '--backfill', '6h'];
    const [p1, p2] = await Promise.all([startCli(args), startCli(args)]);
    try {
      const date = compactDate(Date.now());
      const [s1, s2] = await Promise.all([snapshot(p1.url, date), snapshot(p2.url, date)]);
      expect(s1.map((s) => s.length)).toEqual(s2.map((s) => s.length));
      expect(s1).toEqual(s2);
      expect(JSON.parse(s1[0]!).length).toBeGreaterThan(100);
    } finally {
      await Promise.all([p1.stop(), p2.stop()]);
    }
  });
});
