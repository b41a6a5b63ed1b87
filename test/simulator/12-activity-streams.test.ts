// Issue 12: the data behind the three missing Custom-Darktrace* streams, consistent with the world and
// deterministic by seed: RESPOND actions on the devices of the breaches that raised them, with their
// lifecycle (GET /antigena); attack-surface findings on the organisation's public hosts
// (GET /asm/api/v1/alerts); Darktrace/Email hold events for held emails and release events only for
// emails that were held (GET …/system/audit/events). Ground truth in /_lab/generated?type=….
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import type { AsmFinding, EmailReleaseEvent } from '../../simulator/activity/types.ts';
import { CLOCK_START_MS, dtJson, startSim } from './helpers.ts';

let sim: Simulator;
let url: string;
const DAY = 86_400_000;

beforeAll(async () => {
  ({ sim, url } = await startSim({ backfill: '24h' }));
});
afterAll(() => sim.close());

interface ApiAction {
  codeid: number;
  did: number;
  ip: string;
  pbid: number;
  model: string;
  state: string;
  active: boolean;
  history: Array<{ time: number; state: string }>;
}

describe('RESPOND actions (GET /antigena)', () => {
  it('act on the device of the breach that raised them, with a created → (extended) → cleared|expired history', async () => {
    const body = await dtJson<{ actions: ApiAction[]; devices: Array<{ did: number; hostname: string }> }>(
      url,
      `/antigena?starttime=${CLOCK_START_MS - DAY}&endtime=${CLOCK_START_MS}&includecleared=true&includehistory=true&fulldevicedetails=true`,
    );
    expect(body.actions.length).toBeGreaterThan(5);
    for (const a of body.actions) {
      const breach = sim.store.breachByPbid.get(a.pbid)!.alert;
      expect(a.did).toBe(breach.device.did);
      expect(a.model).toBe(breach.model.then.name);
      expect(sim.world.devicesByDid.get(a.did)!.ip).toBe(a.ip);
      expect(a.history[0]!.state).toBe('created');
      const states = a.history.map((h) => h.state);
      expect(['created', 'created,extended', 'created,cleared', 'created,extended,cleared', 'created,expired', 'created,extended,expired']).toContain(states.join(','));
      for (const h of a.history) expect(h.time).toBeLessThanOrEqual(CLOCK_START_MS);
      expect(a.state).toBe(states.at(-1));
      expect(a.active).toBe(!['cleared', 'expired'].includes(a.state));
    }
    expect(new Set(body.devices.map((d) => d.did))).toEqual(new Set(body.actions.map((a) => a.did)));
    // Without includecleared only the actions still active are listed.
    const active = await dtJson<{ actions: ApiAction[] }>(url, '/antigena');
    for (const a of active.actions) expect(a.active).toBe(true);
  });
});

describe('attack surface management (GET /asm/api/v1/alerts)', () => {
  it('findings on hosts of the world’s domain, rated A–F, whose later events follow their risk', async () => {
    const list = await dtJson<AsmFinding[]>(url, `/asm/api/v1/alerts?starttime=${CLOCK_START_MS - DAY}&endtime=${CLOCK_START_MS}`);
    expect(list.length).toBeGreaterThan(10);
    const byRisk = new Map<number, AsmFinding[]>();
    for (const f of list) {
      expect(f.assetName.endsWith(`.${sim.world.domain}`)).toBe(true);
      expect(['A', 'B', 'C', 'D', 'E', 'F']).toContain(f.rating);
      byRisk.set(f.riskId, [...(byRisk.get(f.riskId) ?? []), f]);
    }
    for (const events of byRisk.values()) {
      if (events[0]!.alertType !== 'New Risk') continue; // the risk was found before the window
      for (const later of events.slice(1)) expect(later.previousRating).not.toBe('');
    }
  });
});

describe('Darktrace/Email hold and release events (GET …/system/audit/events)', () => {
  it('a hold for each held recipient; releases only for held emails, after the hold, and the email shows the release', async () => {
    const events = await dtJson<EmailReleaseEvent[]>(url, `/agemail/api/ep/api/v1.0/system/audit/events?starttime=${CLOCK_START_MS - DAY}&endtime=${CLOCK_START_MS}`);
    const holds = events.filter((e) => e.event === 'hold');
    const releases = events.filter((e) => e.event === 'release');
    expect(holds.length).toBeGreaterThan(0);
    expect(releases.length).toBeGreaterThan(0);
    for (const r of releases) {
      const hold = holds.find((h) => h.emailUuid === r.emailUuid && h.recipient === r.recipient);
      expect(hold).toBeDefined();
      expect(r.time).toBeGreaterThan(hold!.time);
      const email = sim.store.emailByUuid.get(r.emailUuid)!.alert;
      expect(email.rcpts.find((x) => x.rcpt_to === r.recipient)!.rcpt_status).toBe('released');
    }
  });
});

describe('ground truth and determinism', () => {
  it('/_lab/generated lists each stream by type, and the same seed gives the same activity', async () => {
    for (const type of ['responseAction', 'asmFinding', 'emailRelease']) {
      const body = (await (await fetch(`${url}/_lab/generated?type=${type}`)).json()) as { counts: Record<string, number>; items: Array<{ type: string; id: string }> };
      expect(body.items.length).toBeGreaterThan(0);
      expect(body.items.every((i) => i.type === type)).toBe(true);
      expect(body.counts[type]).toBe(body.items.length);
    }
    const plain = (await (await fetch(`${url}/_lab/generated`)).json()) as { items: Array<{ type: string }> };
    expect(new Set(plain.items.map((i) => i.type))).not.toContain('responseAction');

    const again = await startSim({ backfill: '24h' });
    try {
      expect(JSON.stringify(again.sim.engine.activity.items)).toBe(JSON.stringify(sim.engine.activity.items));
      expect(JSON.stringify(again.sim.engine.activity.actions)).toBe(JSON.stringify(sim.engine.activity.actions));
    } finally {
      await again.sim.close();
    }
  });
});
