// Issue 14 (soak leak): the /modelbreaches view cache kept, per breach, a slice of the response
// buffer it was first served in — and a slice keeps its whole parent alive. A poller re-reading an
// overlapping window then pinned one whole response buffer per poll for as long as the store keeps
// the breaches (for ever): memory grew with the number of requests, not with the data.
// Asserted here: the bytes of the buffers behind the cached views stay the bytes of the views.
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator/index.ts';
import { compactDate, dtFetch } from './helpers.ts';

const START = Date.parse('2024-01-15T09:30:00Z');

/** Distinct ArrayBuffers behind every cached view, and the bytes of the views themselves. */
function cacheFootprint(views: Iterable<Map<string, Buffer> | undefined>): { pinned: number; viewBytes: number; count: number } {
  const parents = new Set<ArrayBufferLike>();
  let viewBytes = 0;
  let count = 0;
  for (const map of views) {
    for (const bytes of map?.values() ?? []) {
      parents.add(bytes.buffer);
      viewBytes += bytes.length;
      count++;
    }
  }
  let pinned = 0;
  for (const p of parents) pinned += p.byteLength;
  return { pinned, viewBytes, count };
}

describe('issue 14: /modelbreaches view cache memory', () => {
  it('polling an overlapping window does not pin a response buffer per poll', async () => {
    const sim = createSimulator({ seed: 14, clockStart: START, speed: 0, backfill: 0, rates: 'modelBreach=600/h,aiAnalyst=0/h,systemAlert=0/h,email=0/h,story=0/h', policy: { dateReference: 'simulated' } });
    const { url } = await sim.listen();
    try {
      // A connector-like poll: always from the start, each poll after a few new breaches.
      for (let poll = 0; poll < 30; poll++) {
        sim.advance(60_000);
        const res = await dtFetch(url, `/modelbreaches?starttime=${START - 86_400_000}&endtime=${sim.clock.now()}`, { date: compactDate(sim.clock.now()) });
        expect(res.status).toBe(200);
        const list = (await res.json()) as unknown[];
        expect(list.length).toBe(sim.store.breaches.range(START - 86_400_000, sim.clock.now()).filter((r) => r.alert.acknowledged === false).length);
      }
      const { pinned, viewBytes, count } = cacheFootprint(sim.store.breaches.items.map((r) => r.views));
      expect(count).toBeGreaterThan(100);
      // Fixed: exactly the views' bytes (one compact buffer per response's fresh views). Before the
      // fix: every poll's whole response buffer, about 15x the views' bytes after 30 polls.
      expect(pinned / viewBytes).toBeLessThan(1.1);
    } finally {
      await sim.close();
    }
  });
});
