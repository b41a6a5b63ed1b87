// npm run bench:store-memory — what one Data Collector post of sparse records costs the mock in
// memory, by table width (issue 14, item 4). Each case runs in a fresh child process and reports its
// peak RSS (process.resourceUsage().maxRSS) minus its RSS before the post:
//   baseline:     BENCH_ROWS records `{}` into a table with only the standard columns;
//   wide-sparse:  the same records into a table already widened to 500 columns.
// Prints both and their ratio. Memory proportional to the values sent would give a ratio near 1.
// Env: BENCH_ROWS (default 20,000, the case), BENCH_WIDTH (default 500).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { resolveDataCollectorPolicy } from '../mock-sentinel/config.ts';
import { ingestRecords } from '../mock-sentinel/ingestion/ingestRecords.ts';
import { WorkspaceStore } from '../mock-sentinel/persistence/workspaceStore.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const WIDTH = Number(process.env.BENCH_WIDTH ?? 500);
const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const MB = 1024 * 1024;

/** One case, in this (child) process: prints `{ beforeMb, peakMb }` as JSON. */
async function runCase(width: number): Promise<void> {
  const store = await WorkspaceStore.open();
  const policy = resolveDataCollectorPolicy();
  const post = (records: Record<string, unknown>[]) =>
    ingestRecords(store, policy, { table: 'Sparse_CL', workspaceId: WORKSPACE, records, timeGeneratedField: undefined, resourceId: undefined, receivedAt: new Date() });
  // One record with a value in every column widens the table (5 standard columns + the rest).
  const wide: Record<string, unknown> = {};
  for (let i = 0; i < width - 5; i++) wide[`c${i}`] = 'x';
  await post([wide]);
  const records = Array.from({ length: ROWS }, () => ({}));
  const beforeMb = process.memoryUsage().rss / MB;
  await post(records);
  const peakMb = (process.resourceUsage().maxRSS * 1024) / MB;
  process.stdout.write(JSON.stringify({ beforeMb, peakMb }));
  await store.close();
}

async function child(width: number): Promise<{ beforeMb: number; peakMb: number }> {
  const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--case', String(width)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d));
  const [code] = await once(proc, 'exit');
  if (code !== 0) throw new Error(`case width ${width} exited with ${code}`);
  return JSON.parse(out) as { beforeMb: number; peakMb: number };
}

async function main(): Promise<void> {
  const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  process.stdout.write(`bench:store-memory — one post of ${fmt(ROWS)} records {} (peak RSS − RSS before the post, each case in a fresh process)\n\n`);
  const baseline = await child(6);
  const wide = await child(WIDTH);
  const cost = (c: { beforeMb: number; peakMb: number }) => Math.max(1, c.peakMb - c.beforeMb);
  process.stdout.write(
    `baseline (6 columns)        ${fmt(cost(baseline)).padStart(7)} MB\n` +
      `wide-sparse (${WIDTH} columns)   ${fmt(cost(wide)).padStart(7)} MB\n` +
      `ratio wide-sparse / baseline ${(cost(wide) / cost(baseline)).toFixed(1)}x (memory proportional to the values sent would be ~1x)\n`,
  );
}

const at = process.argv.indexOf('--case');
(at >= 0 ? runCase(Number(process.argv[at + 1])) : main()).catch((err) => {
  process.stderr.write(`bench:store-memory: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
