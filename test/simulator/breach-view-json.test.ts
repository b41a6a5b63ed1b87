// The fast serialiser of /modelbreaches (shared model/device JSON spliced in, one response buffer,
// cached slices) must give exactly the bytes of JSON.stringify(breachView(...)) for every shape.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.ts';
import { breachView, breachViewJson, type BreachViewOptions } from '../../simulator/api/handlers/breachViews.ts';
import { compactDate, dtFetch } from './helpers.ts';

const START = Date.parse('2024-01-15T09:30:00Z');

function allShapes(): BreachViewOptions[] {
  const shapes: BreachViewOptions[] = [];
  for (let k = 0; k < 32; k++) {
    shapes.push({ historicmodelonly: !!(k & 1), deviceattop: !!(k & 2), minimal: !!(k & 4), expandenums: !!(k & 8), includebreachurl: !!(k & 16) });
  }
  return shapes;
}

describe('breach view JSON', () => {
  it('breachViewJson equals JSON.stringify(breachView) for every response shape', () => {
    const sim = createSimulator({ seed: 3, clockStart: START, speed: 0, backfill: 3 * 3_600_000 });
    const breaches = sim.store.breaches.items.map((r) => r.alert);
    expect(breaches.length).toBeGreaterThan(50);
    for (const o of allShapes()) for (const b of breaches) expect(breachViewJson(b, o)).toBe(JSON.stringify(breachView(b, o)));
  });

  it('a window served partly from cached views, after a change and with non-ASCII text, equals stringify of its views', async () => {
    const sim = createSimulator({ seed: 5, clockStart: START, speed: 0, backfill: 0, rates: 'modelBreach=2000/h,aiAnalyst=0/h,systemAlert=0/h,email=0/h,story=0/h', policy: { dateReference: 'simulated' } });
    sim.advance(3_600_000);
    const items = sim.store.breaches.items;
    items[30]!.alert.commentCount = 3; // changed before any view is cached
    items[35]!.alert.aianalystData = [{ uuid: 'u', related: [1], summariser: 'Zoë 😀 \ud800' }];
    const { url } = await sim.listen();
    try {
      const o = { historicmodelonly: false, deviceattop: true, minimal: false, expandenums: false, includebreachurl: false };
      const date = compactDate(sim.clock.now());
      const check = async (a: number, z: number) => {
        const res = await dtFetch(url, `/modelbreaches?starttime=${items[a]!.key}&endtime=${items[z]!.key}`, { date });
        const expected = JSON.stringify(sim.store.breaches.range(items[a]!.key, items[z]!.key).filter((r) => r.alert.acknowledged === false).map((r) => breachView(r.alert, o)));
        expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(expected, 'utf8'))).toBe(true);
      };
      await check(20, 60);
      await check(0, 200);
      items[45]!.alert.commentCount = 7;
      sim.store.touchBreach(items[45]!.alert.pbid);
      await check(0, 300);
      await check(0, 300);
    } finally {
      await sim.close();
    }
  });
});
