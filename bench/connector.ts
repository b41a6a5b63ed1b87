// npm run bench:connector — the connector's delivery path against a baseline measured in the same run.
//
// 1. Spool phase: BENCH_SPOOL_RECORDS (default 1,000,000) mapped model-breach records are appended to
//    a fresh spool (fsync'd batches of 1000); peak RSS is sampled throughout (target < 200 MB).
// 2. Delivery phase: the connector's Deliverer + Data Collector sink drain that full spool into a
//    sink that verifies every SharedKey signature and discards the body (a child process, so its CPU
//    is not counted). Reported: records/s, CPU-seconds per 100k records, peak RSS.
// 3. Baseline: JSON.stringify + SharedKey signing of the same batches (same records, same batch
//    limits), no I/O. Reported the same way; then the ratio connector ÷ baseline (target ≥ 0.5×).
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { DeadLetterFile } from '../connector/spool/dead-letter.ts';
import { Deliverer } from '../connector/delivery/deliverer.ts';
import { mapAlert } from '../connector/intake/index.ts';
import { isoMillis } from '../connector/intake/time-formats.ts';
import { createMetrics } from '../connector/util/metrics.ts';
import { authorizationHeader, decodeWorkspaceKey, rfc1123Date } from '../connector/sinks/data-collector/shared-key.ts';
import { createDataCollectorSink } from '../connector/sinks/data-collector/sink.ts';
import { Spool } from '../connector/spool/spool.ts';
import { modelBreach } from '../test/connector/helpers/fixtures.ts';

const WS = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const KEY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';
const N = Number(process.env.BENCH_SPOOL_RECORDS ?? 1_000_000);
const BATCH_BYTES = 5 * 1024 * 1024;
const BATCH_RECORDS = 10_000;
const MB = 1024 * 1024;

// ---- the verifying, discarding sink (child process mode) ----------------------------------------
if (process.argv.includes('--sink-server')) {
  const key = Buffer.from(KEY, 'base64');
  let bad = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const sts = `POST\n${body.length}\n${req.headers['content-type']}\nx-ms-date:${req.headers['x-ms-date']}\n/api/logs`;
      const want = Buffer.from(`SharedKey ${WS}:${createHmac('sha256', key).update(sts, 'utf8').digest('base64')}`);
      const got = Buffer.from(String(req.headers.authorization));
      const ok = want.length === got.length && timingSafeEqual(want, got);
      if (!ok) bad++;
      res.writeHead(ok ? 200 : 403);
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.on('SIGTERM', () => {
    process.stderr.write(`sink: ${bad} bad signatures\n`);
    process.exit(0);
  });
} else {
  await main();
}

function record(i: number): Record<string, unknown> {
  const t = Date.UTC(2024, 0, 15) + i * 1000;
  const m = mapAlert(modelBreach({ pbid: i + 1, time: t, creationTime: t + 5000, score: (i % 1000) / 1000 }), {
    linkBase: 'https://darktrace-bench',
    modelNameSeparator: '::',
    breachTimeField: 'time',
  });
  return { ...m.record, alertTime: isoMillis(m.timeMs) };
}

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'dtbench-'));
  let peakRss = process.memoryUsage().rss;
  console.log(`process:   RSS ${(peakRss / MB).toFixed(0)} MB at start (node + tsx + modules)`);
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const sampler = setInterval(sample, 50);
  try {
    // 1. spool
    const spool = Spool.open(path.join(dir, 'spool'), { maxBytes: 64 * 1024 * MB, segmentBytes: 64 * MB });
    let t0 = performance.now();
    for (let i = 0; i < N; i += 1000) {
      const entries = [];
      for (let j = i; j < Math.min(N, i + 1000); j++) entries.push({ key: `pb:${j + 1}`, json: JSON.stringify(record(j)) });
      await spool.append(entries);
      sample();
    }
    const spoolSecs = (performance.now() - t0) / 1000;
    const spoolRss = peakRss;
    console.log(`spool:     ${N.toLocaleString()} records, ${(spool.bytes / MB).toFixed(0)} MB on disk in ${spoolSecs.toFixed(1)} s; peak RSS ${(spoolRss / MB).toFixed(0)} MB (target < 200 MB)`);

    // 2. deliver the full spool
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--sink-server'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))));
    const events = new EventEmitter();
    const sink = createDataCollectorSink({
      mode: 'dataCollector', workspaceId: WS, sharedKey: KEY, endpoint: `http://127.0.0.1:${port}`, logType: 'darktrace_model_alerts',
      timeGeneratedField: 'alertTime', timeoutMs: 60_000,
      batch: { maxBytes: BATCH_BYTES, maxRecords: BATCH_RECORDS },
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, pauseMs: 1000 },
      stuckAfterMs: 600_000,
    });
    const metrics = createMetrics();
    const deliverer = new Deliverer({
      spool, sink, deadLetters: new DeadLetterFile(dir), metrics, events, log: pino({ level: 'silent' }),
      maxBatchBytes: BATCH_BYTES, maxBatchRecords: BATCH_RECORDS, pauseMs: 1000,
    });
    peakRss = process.memoryUsage().rss;
    const idle = new Promise<void>((resolve) => events.on('idle', () => spool.pending === 0 && resolve()));
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    deliverer.start();
    await idle;
    const deliverSecs = (performance.now() - t0) / 1000;
    const deliverCpu = cpuSeconds(cpu0);
    await deliverer.stop();
    await sink.close();
    child.kill('SIGTERM');
    const delivered = (await metrics.delivered.get()).values.reduce((n, v) => n + v.value, 0);
    if (delivered !== N) throw new Error(`delivered ${delivered} of ${N}`);
    const connRate = N / deliverSecs;
    console.log(`connector: ${connRate.toFixed(0)} records/s delivered (spool → verifying sink), ${((deliverCpu / N) * 100_000).toFixed(2)} CPU-s per 100k records; peak RSS ${(peakRss / MB).toFixed(0)} MB`);
    spool.close();

    // 3. baseline: stringify + sign the same batches
    const key = decodeWorkspaceKey(KEY);
    let baseSecs = 0;
    let baseCpu = 0;
    let batch: Array<Record<string, unknown>> = [];
    let size = 2;
    const flush = () => {
      const c0 = process.cpuUsage();
      const s0 = performance.now();
      const body = Buffer.from(JSON.stringify(batch), 'utf8');
      authorizationHeader(WS, key, body.length, rfc1123Date());
      baseSecs += (performance.now() - s0) / 1000;
      baseCpu += cpuSeconds(c0);
      batch = [];
      size = 2;
    };
    for (let i = 0; i < N; i++) {
      const r = record(i);
      const len = Buffer.byteLength(JSON.stringify(r)) + 1; // the same split rule as the sink (not timed)
      if (batch.length && (size + len > BATCH_BYTES || batch.length >= BATCH_RECORDS)) flush();
      batch.push(r);
      size += len;
    }
    if (batch.length) flush();
    const baseRate = N / baseSecs;
    console.log(`baseline:  ${baseRate.toFixed(0)} records/s (JSON.stringify + SharedKey of the same batches), ${((baseCpu / N) * 100_000).toFixed(2)} CPU-s per 100k records`);
    console.log(`ratio:     connector / baseline = ${(connRate / baseRate).toFixed(2)}× in records/s (target ≥ 0.5×); ${(baseCpu / deliverCpu).toFixed(2)}× in CPU per record`);
    console.log('           (records/s is wall-clock: it includes the sink process and suffers on a loaded machine; CPU per record does not)');
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}
