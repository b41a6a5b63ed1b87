// npm run bench:soak [-- --minutes N] [--rate SPEC] — a bounded soak of the three services started
// in this process as the harness does (startLab: simulator → connector → mock), at a steady rate
// with a fault now and then: every ~90 s the mock answers the next few posts 429/500/503 in turn.
// Every sample prints, per service where it can be told apart, what the process holds: RSS (the
// whole process: the services share it), the JS heap and external memory (simulator, connector and
// the mock's JS), the DuckDB buffer pool (the mock's store), active handles, alerts generated and
// Darktrace rows landed.
// At the end: the RSS slope (MB/min) of the first and the last half, and whether RSS flattens
// (the last half's slope under 2 MB/min or under a quarter of the first half's).
import process from 'node:process';
import { parseArgs } from 'node:util';
import { startLab } from '../harness/library/start-lab.ts';
import { durationMs } from '../harness/scenario/units.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: 'modelBreach=600/m,aiAnalyst=20/m,systemAlert=6/m,email=300/m,story=0' },
    'sample-seconds': { type: 'string' },
    // The simulator and the mock keep what they generated and stored by design; a soak bounds both
    // so that what grows is what leaks. 0 keeps everything (RSS then grows with the data).
    retention: { type: 'string', default: '2m' },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes: a positive number, not ${values.minutes}`);
const sampleMs = values['sample-seconds'] ? Number(values['sample-seconds']) * 1000 : Math.max(5_000, (minutes * 60_000) / 40);
const FAULT_EVERY_MS = 90_000;
const retentionMs = values.retention === '0' ? 0 : durationMs(values.retention);
const MB = 1024 * 1024;

interface Sample {
  minute: number;
  rssMb: number;
  heapMb: number;
  externalMb: number;
  duckMb: number;
  handles: number;
  generated: number;
  landed: number;
}
// `landed` counts Darktrace rows still held: with retention it rises, then levels off.

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Least-squares slope of RSS (MB) over minutes. */
function slope(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.minute, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.minute - mx) * (p.rssMb - my);
    den += (p.minute - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const lab = await startLab({
    sentinel: { retentionMs },
    darktrace: { rates: values.rate, backfill: 0, seed: 14, retention: retentionMs },
    connector: { poll: { interval: '2s' } },
  });
  let generated = 0;
  lab.darktrace.simulator.events.on('alert:generated', () => generated++);
  const store = lab.sentinel.mock.store;
  const landed = async (): Promise<number> => (await store.listTables()).filter((t) => t.name.startsWith('darktrace')).reduce((s, t) => s + t.rowCount, 0);
  const faults = [429, 500, 503] as const;
  let faultIndex = 0;
  const faultTimer = setInterval(() => {
    const status = faults[faultIndex++ % faults.length]!;
    lab.sentinel.admin.faults.failNext(3, status, { route: 'dataCollector' }).catch((err) => process.stderr.write(`fault: ${err}\n`));
  }, FAULT_EVERY_MS);

  process.stdout.write(
    `bench:soak — ${minutes} min, rate ${values.rate}, a 429/500/503 burst every ${FAULT_EVERY_MS / 1000} s; the three services share this process\n\n` +
      `${'min'.padStart(6)} ${'RSS MB'.padStart(8)} ${'JS heap'.padStart(8)} ${'JS ext'.padStart(8)} ${'DuckDB'.padStart(8)} ${'handles'.padStart(8)} ${'generated'.padStart(10)} ${'rows held'.padStart(10)}\n`,
  );
  const samples: Sample[] = [];
  const started = Date.now();
  const end = started + minutes * 60_000;
  for (;;) {
    const now = Date.now();
    // With --expose-gc (NODE_OPTIONS=--expose-gc), collect first: what stays is held, not garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const duck = await store.runSql('SELECT sum(memory_usage_bytes)::DOUBLE FROM duckdb_memory()');
    const memory = process.memoryUsage();
    const sample: Sample = {
      minute: (now - started) / 60_000,
      rssMb: memory.rss / MB,
      heapMb: memory.heapUsed / MB,
      externalMb: memory.external / MB,
      duckMb: Number(duck.rows[0]![0]) / MB,
      handles: process.getActiveResourcesInfo().length,
      generated,
      landed: await landed(),
    };
    samples.push(sample);
    process.stdout.write(
      `${fmt(sample.minute, 1).padStart(6)} ${fmt(sample.rssMb).padStart(8)} ${fmt(sample.heapMb).padStart(8)} ${fmt(sample.externalMb).padStart(8)} ${fmt(sample.duckMb).padStart(8)} ${fmt(sample.handles).padStart(8)} ${fmt(sample.generated).padStart(10)} ${fmt(sample.landed).padStart(10)}\n`,
    );
    if (now >= end) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(sampleMs, end - now)));
  }
  clearInterval(faultTimer);
  await lab.close();
  // The first samples are the warm-up (parser, DuckDB, first tables): the verdict compares halves.
  const half = Math.floor(samples.length / 2);
  const first = slope(samples.slice(0, half));
  const last = slope(samples.slice(half));
  const flat = last < 2 || last < first / 4;
  process.stdout.write(
    `\nRSS slope: first half ${fmt(first, 1)} MB/min, last half ${fmt(last, 1)} MB/min → RSS ${flat ? 'flattens' : 'does NOT flatten'}\n` +
      `handles: ${samples[half]?.handles ?? 0} at half time, ${samples.at(-1)!.handles} at the end\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`bench:soak: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
