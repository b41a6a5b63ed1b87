// Late-insertion policy: when the engine falls behind a live clock (event loop blocked), records are
// stamped as created when they are inserted, never in the past, so a poller on creationtime=true with
// a short overlap still finds them. Stepped sweeps keep their scheduled stamps.
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type EmailAlert, type EmittedAlert, type IncidentEvent, type ModelBreach, type Simulator } from '../../simulator/index.ts';
import { CLOCK_START_MS, compactDate, dtJson } from './helpers.ts';

const RATES = 'modelBreach=120/m,email=60/m,aiAnalyst=4/m,story=0,systemAlert=0';
const STALL = 900_000; // 15 minutes of a blocked event loop, caught up in one tick
const open: Simulator[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function make(opts: Parameters<typeof createSimulator>[0]): Simulator {
  const sim = createSimulator({ seed: 9, clockStart: CLOCK_START_MS, backfill: '1h', rates: RATES, policy: { dateReference: 'simulated' }, ...opts });
  open.push(sim);
  return sim;
}

/** A live simulator whose machine clock moves 1 ms every time it is read, also while the engine catches up. */
function liveSim(extra: Parameters<typeof createSimulator>[0] = {}): { sim: Simulator; stall: (ms: number) => void } {
  let wall = Date.parse('2030-01-01T00:00:00Z');
  const sim = make({ speed: 1, wallNow: () => wall++, ...extra });
  return { sim, stall: (ms) => (wall += ms) };
}

function creationStamp(e: EmittedAlert): number | undefined {
  if (e.type === 'modelBreach') return (e.alert as ModelBreach).creationTime;
  if (e.type === 'aiAnalyst') return (e.alert as IncidentEvent).createdAt;
  if (e.type === 'email') return (e.alert as EmailAlert).dtime_unix;
  return undefined;
}

describe('late insertion (live clock)', () => {
  it('a record inserted late is stamped created at the clock now (within the tolerance), never in the past', () => {
    const { sim, stall } = liveSim();
    const inserted: { e: EmittedAlert; now: number }[] = [];
    sim.events.on('alert:generated', (e: EmittedAlert) => inserted.push({ e, now: sim.clock.now() }));
    sim.start();
    stall(STALL);
    sim.stop(); // the catch-up tick
    const live = inserted.filter((i) => !i.e.backfill);
    expect(live.length).toBeGreaterThan(1500);
    const tolerance = sim.options.lateInsertionToleranceMs!;
    expect(tolerance).toBe(1000);
    let late = 0;
    for (const { e, now } of live) {
      const stamp = creationStamp(e)!;
      expect(stamp, `${e.type} ${e.id}`).toBeGreaterThanOrEqual(now - tolerance);
      expect(stamp).toBeLessThanOrEqual(now);
      if (e.createdAt !== undefined) {
        late++;
        expect(e.createdAt).toBe(stamp);
        expect(e.time).toBeLessThan(stamp - tolerance);
      } else expect(stamp).toBe(e.time);
    }
    expect(late).toBeGreaterThan(live.length * 0.9);
    for (const type of ['modelBreach', 'aiAnalyst', 'email'] as const) expect(live.filter((i) => i.e.type === type && i.e.createdAt !== undefined).length, type).toBeGreaterThan(0);
  });

  it('backfill history keeps its scheduled stamps', () => {
    const { sim } = liveSim();
    const backfill = sim.engine.truth.filter((t) => t.type === 'modelBreach');
    expect(backfill.length).toBeGreaterThan(100);
    for (const t of backfill) {
      expect(t.createdAt).toBeUndefined();
      expect((sim.alertFor('modelBreach', t.id) as ModelBreach).creationTime).toBe(t.time);
    }
  });

  it('late breaches keep first-activity time and content as scheduled; only the creation stamp moves', () => {
    const { sim, stall } = liveSim({ clockStart: CLOCK_START_MS });
    const twin = make({ speed: 0 });
    sim.start();
    stall(STALL);
    sim.stop();
    twin.advance(sim.engine.now - CLOCK_START_MS);
    const liveBreaches = sim.engine.truth.filter((t) => t.type === 'modelBreach');
    const twinBreaches = twin.engine.truth.filter((t) => t.type === 'modelBreach');
    expect(liveBreaches.map((t) => t.id)).toEqual(twinBreaches.map((t) => t.id));
    for (const t of liveBreaches) {
      const a = sim.alertFor('modelBreach', t.id) as ModelBreach;
      const b = twin.alertFor('modelBreach', t.id) as ModelBreach;
      expect(a.time).toBe(b.time);
      expect(b.creationTime).toBe(t.time);
      expect(a.creationTime).toBe(t.createdAt ?? t.time);
      expect({ ...a, creationTime: 0 }).toEqual({ ...b, creationTime: 0 });
    }
  });

  it('every late record is returned by a poll window starting just before the catch-up', async () => {
    const { sim, stall } = liveSim();
    const { url } = await sim.listen();
    const emitted: EmittedAlert[] = [];
    sim.events.on('alert:generated', (e: EmittedAlert) => void (e.backfill || emitted.push(e)));
    sim.start();
    stall(STALL);
    const before = sim.clock.now(); // the poller's last window end, just before the engine catches up
    sim.stop();
    const start = before - sim.options.lateInsertionToleranceMs!;
    const date = { date: compactDate(sim.clock.now()) };
    const ids = (type: string) => new Set(emitted.filter((e) => e.type === type).map((e) => e.id));

    const byCreation = await dtJson<ModelBreach[]>(url, `/modelbreaches?creationtime=true&includeacknowledged=true&starttime=${start}`, date);
    const breaches = ids('modelBreach');
    expect(breaches.size).toBeGreaterThan(1000);
    expect(new Set(byCreation.map((b) => String(b.pbid)))).toEqual(breaches);
    // Windowing on first activity misses them: that is the documented reason for creationtime=true.
    const byTime = await dtJson<ModelBreach[]>(url, `/modelbreaches?includeacknowledged=true&starttime=${start}`, date);
    expect(byTime.length).toBeLessThan(breaches.size / 10);

    const events = await dtJson<IncidentEvent[]>(url, `/aianalyst/incidentevents?includeacknowledged=true&includeallpinned=false&starttime=${start}`, date);
    expect(ids('aiAnalyst').size).toBeGreaterThan(10);
    expect(new Set(events.map((e) => e.id))).toEqual(ids('aiAnalyst'));

    const found = new Set<string>();
    for (let page = 0; ; page++) {
      const body = JSON.stringify({ page, itemsPerPage: 1000, timeFrom: Math.floor(start / 1000), query: { criteriaList: [], mode: 'and' } });
      const batch = await dtJson<EmailAlert[]>(url, '/agemail/api/ep/api/v1.0/emails/search', { ...date, body, contentType: 'application/json' });
      for (const e of batch) found.add(e.uuid);
      if (batch.length < 1000) break;
    }
    expect(found).toEqual(ids('email'));
  });

  it('a lag within the tolerance keeps the scheduled stamps (byte-identical to a stepped run)', () => {
    const { sim, stall } = liveSim({ clockStart: CLOCK_START_MS });
    const twin = make({ speed: 0 });
    for (let i = 0; i < 120; i++) {
      sim.start();
      stall(500);
      sim.stop();
    }
    twin.advance(sim.engine.now - CLOCK_START_MS);
    expect(sim.engine.truth.some((t) => t.createdAt !== undefined)).toBe(false);
    const dump = (s: Simulator) => JSON.stringify(s.engine.truth.map((t) => s.alertFor(t.type, t.id, t.seq)));
    expect(sim.engine.truth.length).toBeGreaterThan(100 + 120 * 0.5);
    expect(dump(sim)).toBe(dump(twin));
  });
});

describe('late insertion (stepped clock)', () => {
  it('a stepped clock sweeps: a big step keeps scheduled stamps by default', () => {
    const sim = make({ speed: 0 });
    expect(sim.options.lateInsertionToleranceMs).toBeNull();
    sim.advance(STALL);
    const breaches = sim.engine.truth.filter((t) => t.type === 'modelBreach');
    expect(breaches.length).toBeGreaterThan(1000);
    for (const t of breaches) {
      expect(t.createdAt).toBeUndefined();
      expect((sim.alertFor('modelBreach', t.id) as ModelBreach).creationTime).toBe(t.time);
    }
  });

  it('a stepped clock driven in real time (tolerance set) stamps records of a late step at the step target', () => {
    const sim = make({ speed: 0, lateInsertionToleranceMs: 1000 });
    sim.advance(500);
    expect(sim.engine.truth.some((t) => t.createdAt !== undefined)).toBe(false);
    const from = sim.engine.truth.length;
    sim.advance(STALL);
    const target = sim.clock.now();
    const step = sim.engine.truth.slice(from).filter((t) => t.type !== 'systemAlert');
    expect(step.length).toBeGreaterThan(1000);
    for (const t of step) {
      const a = sim.alertFor(t.type, t.id, t.seq)!;
      const stamp = t.type === 'modelBreach' ? (a as ModelBreach).creationTime : t.type === 'aiAnalyst' ? (a as IncidentEvent).createdAt : (a as EmailAlert).dtime_unix;
      expect(stamp).toBeGreaterThanOrEqual(target - 1000);
      if (t.type === 'email') expect((a as EmailAlert).dtime).toBe(new Date(stamp).toISOString());
    }
  });

  it('rejects a negative tolerance with the option name', () => {
    expect(() => createSimulator({ speed: 0, backfill: 0, lateInsertionToleranceMs: -1 })).toThrow(/lateInsertionToleranceMs must be a non-negative/);
  });
});
