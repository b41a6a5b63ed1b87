// npm run bench:ingest — ingestion throughput of the mock workspace against a baseline measured in the
// same run: a bare node:http server that reads the body, verifies the same SharedKey HMAC and
// JSON.parses it, storing nothing. Prints records/s and MB/s for both and the ratio, per post size,
// then the process RSS after BENCH_ROWS rows (default 1,000,000) have been stored.
//
// Env: BENCH_SCALE (default 1) scales the amount posted per scenario; BENCH_ROWS the RSS phase;
// BENCH_CONCURRENCY (default 4) requests in flight.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { createMockSentinel } from '../mock-sentinel/index.ts';
import { CONCURRENCY, breachRecord, drive, makeBodies, prng, startBaseline } from './ingest-kit.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const MB = 1024 * 1024;

// ---- run ------------------------------------------------------------------------------------------

interface Scenario {
  name: string;
  recordsPerPost: number;
  posts: number;
}

const recordBytes = Buffer.byteLength(JSON.stringify(breachRecord(prng(1), 1)));
const scenarios: Scenario[] = [
  { name: '1 MB posts', recordsPerPost: Math.floor((1 * MB) / (recordBytes + 1)), posts: Math.max(4, Math.round(60 * SCALE)) },
  { name: '30 MB posts', recordsPerPost: Math.floor((29.5 * MB) / (recordBytes + 1)), posts: Math.max(2, Math.round(6 * SCALE)) },
  { name: '10-record posts', recordsPerPost: 10, posts: Math.max(50, Math.round(3000 * SCALE)) },
];

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  process.stdout.write(
    `bench:ingest — record ≈ ${recordBytes} bytes, concurrency ${CONCURRENCY}, scale ${SCALE}\n\n` +
      `${'scenario'.padEnd(16)} ${'baseline rec/s'.padStart(15)} ${'MB/s'.padStart(8)} ${'mock rec/s'.padStart(12)} ${'MB/s'.padStart(8)} ${'ratio'.padStart(7)}\n`,
  );
  const baseline = await startBaseline();
  let ratio1mb = 0;
  const only = process.env.BENCH_ONLY; // e.g. "1 MB posts", to profile one scenario
  for (const scenario of scenarios.filter((s) => !only || s.name === only)) {
    const { bodies, records } = makeBodies(scenario.recordsPerPost, scenario.posts, 7);
    const bytes = bodies.reduce((s, b) => s + b.length, 0) / bodies.length;
    await drive(baseline.url, bodies, Math.min(3, scenario.posts)); // warm-up
    const baseCpu = process.cpuUsage();
    const baseSeconds = await drive(baseline.url, bodies, scenario.posts);
    const baseCpuMs = cpuMs(process.cpuUsage(baseCpu));
    const mock = createMockSentinel();
    const { url } = await mock.listen();
    await drive(url, bodies, Math.min(3, scenario.posts)); // warm-up: table created, schema settled
    const mockCpu = process.cpuUsage();
    const mockSeconds = await drive(url, bodies, scenario.posts);
    const mockCpuMs = cpuMs(process.cpuUsage(mockCpu));
    await mock.close();
    const total = records * scenario.posts;
    const baseRate = total / baseSeconds;
    const mockRate = total / mockSeconds;
    const ratio = mockRate / baseRate;
    if (scenario.name === '1 MB posts') ratio1mb = ratio;
    process.stdout.write(
      `${scenario.name.padEnd(16)} ${fmt(baseRate).padStart(15)} ${fmt((bytes * scenario.posts) / MB / baseSeconds, 1).padStart(8)} ${fmt(mockRate).padStart(12)} ${fmt((bytes * scenario.posts) / MB / mockSeconds, 1).padStart(8)} ${fmt(ratio, 2).padStart(6)}x\n` +
        `${''.padEnd(16)} CPU per post, all threads, client included: baseline ${fmt(baseCpuMs / scenario.posts, 1)} ms, mock ${fmt(mockCpuMs / scenario.posts, 1)} ms\n`,
    );
  }
  baseline.server.close();
  process.stdout.write(`\ntarget: mock ≥ 0.5x the baseline's records/s on 1 MB posts → ${ratio1mb >= 0.5 ? 'met' : 'NOT met'} (${fmt(ratio1mb, 2)}x)\n`);
  // The RSS phase runs in a fresh process, so the 30 MB posts above do not inflate it.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--rss-phase'], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`RSS phase exited with ${code}`);
}

/** RSS of a process holding a mock with ROWS rows stored (in-memory store, 1 MB posts). */
async function rssPhase(): Promise<void> {
  const mock = createMockSentinel();
  const { url } = await mock.listen();
  const perPost = scenarios[0]!.recordsPerPost;
  const { bodies } = makeBodies(perPost, 4, 11);
  const posts = Math.ceil(ROWS / perPost);
  const seconds = await drive(url, bodies, posts);
  const stored = (await mock.store.listTables()).reduce((s, t) => s + t.rowCount, 0);
  const memory = process.memoryUsage();
  const rss = memory.rss / MB;
  const duck = await mock.store.runSql(`SELECT sum(memory_usage_bytes)::DOUBLE FROM duckdb_memory()`);
  process.stdout.write(
    `rows stored: ${fmt(stored)} in ${fmt(seconds, 1)} s (${fmt(stored / seconds)} rec/s); RSS ${fmt(rss)} MB → target < 400 MB ${rss < 400 ? 'met' : 'NOT met'}\n` +
      `  of which: V8 heap ${fmt(memory.heapUsed / MB)} MB, buffers ${fmt(memory.arrayBuffers / MB)} MB, DuckDB buffer pool ${fmt(Number(duck.rows[0]![0]) / MB)} MB\n`,
  );
  await mock.close();
}

(process.argv.includes('--rss-phase') ? rssPhase() : main()).catch((err) => {
  process.stderr.write(`bench:ingest: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
