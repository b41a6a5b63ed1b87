// bench:generate — alerts generated per second per type (the full path: PRNG, generator, store,
// ground truth), and /modelbreaches throughput for a 10,000-breach window next to JSON.stringify
// of the same objects in the same run. Targets: ≥ 50,000 breaches/s; serving ≥ 0.5× stringify.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { createSimulator, type AlertType } from '../simulator/index.ts';
import { breachView } from '../simulator/api/handlers/breachViews.ts';
import { generateSystemAlert, SystemAlertIds, type SystemAlertKind } from '../simulator/generators/systemAlert.ts';
import { Rng } from '../simulator/random.ts';

const PUBLIC = '3f6b2c1a9e8d7f6a5b4c3d2e1f0a9b8c';
const PRIVATE = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4';
const START = Date.parse('2024-01-15T09:30:00Z');
const HOUR = 3_600_000;

function rateSpec(type: AlertType, perHour: number): string {
  const zero = { modelBreach: 0, aiAnalyst: 0, systemAlert: 0, email: 0, story: 0 } as Record<string, number>;
  zero[type] = perHour;
  return Object.entries(zero).map(([k, v]) => `${k}=${v}/h`).join(',');
}

function generationRate(type: AlertType, target: number): { alerts: number; perSecond: number; breachesAlongside: number } {
  // Warm up the JIT on a small run, then measure a fresh simulator.
  const warm = createSimulator({ seed: 11, clockStart: START, speed: 0, backfill: 0, rates: rateSpec(type, target / 10) });
  warm.advance(HOUR);
  const sim = createSimulator({ seed: 12, clockStart: START, speed: 0, backfill: 0, rates: rateSpec(type, target) });
  const t0 = process.hrtime.bigint();
  sim.advance(HOUR);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const alerts = sim.engine.counts[type];
  return { alerts, perSecond: alerts / seconds, breachesAlongside: type === 'modelBreach' ? 0 : sim.engine.counts.modelBreach };
}

/**
 * System alerts: an active alert is never raised again until resolved, so the noise stream
 * saturates at a handful per hour; this measures the generator and the store directly instead.
 */
function systemAlertRate(count: number): { alerts: number; perSecond: number } {
  const sim = createSimulator({ seed: 13, clockStart: START, speed: 0, backfill: 0, rates: rateSpec('systemAlert', 0) });
  const ids = new SystemAlertIds(new Rng('bench'));
  const kinds: SystemAlertKind[] = [{ kind: 'advanced_search' }, ...sim.world.saasModules.map((module): SystemAlertKind => ({ kind: 'saas_error', module })), ...sim.world.probes.map((probe): SystemAlertKind => ({ kind: 'probe_down', probe }))];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const at = START + i * 1000;
    sim.store.addSystemAlert(generateSystemAlert(sim.world, ids, kinds[i % kinds.length]!, (i / kinds.length) % 2 < 1 ? 'active' : 'resolved', at, at - 600_000), i);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { alerts: count, perSecond: count / seconds };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function servingRate(): Promise<void> {
  const sim = createSimulator({ seed: 1, clockStart: START, speed: 0, backfill: 0, rates: rateSpec('modelBreach', 25_000), policy: { dateReference: 'simulated' } });
  sim.advance(HOUR);
  const items = sim.store.breaches.items;
  // Window B is measured; window A (disjoint) first warms the JIT on the same code path.
  const windowA = items.slice(500, 10_500);
  const window = items.slice(12_000, 22_000);
  const start = window[0]!.key;
  const end = window[window.length - 1]!.key;
  const inWindow = sim.store.breaches.range(start, end).filter((r) => r.alert.acknowledged === false);
  const { url } = await sim.listen();
  const date = new Date(sim.clock.now()).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const signed = (pq: string) => ({ 'DTAPI-Token': PUBLIC, 'DTAPI-Date': date, 'DTAPI-Signature': createHmac('sha1', PRIVATE).update(`${pq}\n${PUBLIC}\n${date}`).digest('hex') });
  const pathQuery = `/modelbreaches?starttime=${start}&endtime=${end}`;
  const headers = signed(pathQuery);
  const warmupQuery = `/modelbreaches?starttime=${windowA[0]!.key}&endtime=${windowA[windowA.length - 1]!.key}`;
  const options = { historicmodelonly: false, deviceattop: true, minimal: false, expandenums: false, includebreachurl: false };
  const objects = inWindow.map((r) => breachView(r.alert, options));

  const rounds = 15;
  // Baseline: JSON.stringify of the same objects the response carries.
  JSON.stringify(objects);
  let t0 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < rounds; i++) bytes = JSON.stringify(objects).length;
  const stringifySeconds = Number(process.hrtime.bigint() - t0) / 1e9 / rounds;

  // The client keeps the body as raw chunks (no decoding), so the figure is the server's.
  const get = (keep: boolean) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      http.get(url + pathQuery, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => keep && chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      }).on('error', reject);
    });

  await new Promise<void>((resolve, reject) => http.get(url + warmupQuery, { headers: signed(warmupQuery) }, (res) => res.resume().on('end', resolve)).on('error', reject));

  // Cold: the first request for this window shapes and serialises every breach.
  t0 = process.hrtime.bigint();
  const first = await get(true);
  const coldSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const text = first.body.toString('utf8');
  if (first.status !== 200) throw new Error(`GET ${pathQuery} → ${first.status} ${text.slice(0, 200)}`);
  const count = (JSON.parse(text) as unknown[]).length;
  if (text !== JSON.stringify(objects)) throw new Error('served body differs from JSON.stringify of the same objects');

  t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await get(false);
  const warmSeconds = Number(process.hrtime.bigint() - t0) / 1e9 / rounds;
  await sim.close();

  console.log(`\n/modelbreaches window of ${fmt(count)} breaches (${(bytes / 1e6).toFixed(1)} MB):`);
  console.log(`  JSON.stringify baseline  ${(stringifySeconds * 1000).toFixed(1)} ms/response  ${fmt(count / stringifySeconds)} breaches/s`);
  console.log(`  served, first request    ${(coldSeconds * 1000).toFixed(1)} ms/response  ${fmt(count / coldSeconds)} breaches/s  ratio ${(stringifySeconds / coldSeconds).toFixed(2)}×`);
  console.log(`  served, repeated         ${(warmSeconds * 1000).toFixed(1)} ms/response  ${fmt(count / warmSeconds)} breaches/s  ratio ${(stringifySeconds / warmSeconds).toFixed(2)}×  (target ≥ 0.5×)`);
}

console.log('alerts generated per second (one core, stepped clock, one simulated hour per type; systemAlert: generator + store):');
for (const [type, perHour] of [['modelBreach', 200_000], ['aiAnalyst', 20_000], ['systemAlert', 50_000], ['email', 100_000]] as [AlertType, number][]) {
  const r = type === 'systemAlert' ? { ...systemAlertRate(perHour), breachesAlongside: 0 } : generationRate(type, perHour);
  const extra = r.breachesAlongside ? `  (+${fmt(r.breachesAlongside)} breaches raised with them)` : '';
  const target = type === 'modelBreach' ? `  ratio to the 50,000/s target ${(r.perSecond / 50_000).toFixed(2)}×` : '';
  console.log(`  ${type.padEnd(12)} ${fmt(r.alerts).padStart(8)} alerts  ${fmt(r.perSecond).padStart(9)}/s${target}${extra}`);
}
await servingRate();
