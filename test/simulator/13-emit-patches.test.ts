// POST /_lab/emit with patches (issue 13, scenario `inject:`): each emitted alert is stored and
// served with its fields set or removed, its ground truth names the patched identity, and a bad patch
// is a 400 that names the key, emitting nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import { CLOCK_START_MS, dtJson, startSim } from './helpers.ts';

let sim: Simulator;
let url: string;
const post = (body: unknown) => fetch(`${url}/_lab/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  ({ sim, url } = await startSim({ seed: 5, backfill: 0, rates: { modelBreach: 0, aiAnalyst: 0, systemAlert: 0, email: 0, story: 0 } }));
});
afterAll(() => sim.close());

describe('POST /_lab/emit with patches', () => {
  it('sets and removes fields of each alert, in turn', async () => {
    const res = await post({
      type: 'modelBreach',
      count: 3,
      patches: [
        { set: { 'device.hostname': 42, 'extra.note': 'ünïcødé ✓' }, remove: ['device.ip'] },
        { set: { 'device.hostname': 'forty-two' } },
      ],
    });
    expect(res.status).toBe(200);
    const { emitted } = (await res.json()) as { emitted: Array<{ id: string }> };
    expect(emitted).toHaveLength(3);
    const alerts = emitted.map((e) => sim.alertFor('modelBreach', e.id) as unknown as { device: Record<string, unknown>; extra?: { note: string } });
    expect(alerts.map((a) => a.device.hostname)).toEqual([42, 'forty-two', 42]);
    expect(alerts[0]!.device).not.toHaveProperty('ip');
    expect(alerts[1]!.device).toHaveProperty('ip');
    expect(alerts[0]!.extra).toEqual({ note: 'ünïcødé ✓' });
    // The patched alert is what the Darktrace API serves.
    const api = await dtJson<Array<{ pbid: number; device: Record<string, unknown> }>>(url, `/modelbreaches?starttime=${CLOCK_START_MS - 86_400_000}&endtime=${CLOCK_START_MS}`);
    expect(api.map((b) => String(b.pbid))).toContain(emitted[0]!.id);
    const served = api.find((b) => String(b.pbid) === emitted[0]!.id)!;
    expect(served.device.hostname).toBe(42);
  });

  it('the ground truth carries the patched identity', async () => {
    const res = await post({ type: 'email', count: 1, patches: [{ set: { uuid: '0b0e0e0e-1111-4222-8333-444455556666' } }] });
    const { emitted } = (await res.json()) as { emitted: Array<{ id: string }> };
    expect(emitted[0]!.id).toBe('0b0e0e0e-1111-4222-8333-444455556666');
  });

  it('a bad patch is a 400 naming it, and nothing is emitted', async () => {
    const before = sim.engine.truth.length;
    const cases: Array<[unknown, RegExp]> = [
      [{ type: 'email', count: 1, patches: [{ put: {} }] }, /^patches\[0\]\.put: unknown key/],
      [{ type: 'email', count: 1, patches: [{ set: { '__proto__.x': 1 } }] }, /^patches\[0\]: bad path/],
      [{ type: 'email', count: 1, patches: [{}, {}] }, /^patches: must be a list of at most count patches/],
      [{ type: 'email', count: 1, patches: [{ remove: 'uuid' }] }, /^patches\[0\]\.remove: must be a list of paths/],
    ];
    for (const [body, error] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    }
    expect(sim.engine.truth.length).toBe(before);
  });
});
