// npm run bench:ingest — ingestion throughput of the mock workspace against a baseline measured in the
// same run: a bare node:http server that reads the body, verifies the same SharedKey HMAC and
// JSON.parses it, storing nothing. Prints records/s and MB/s for both and the ratio, per post size,
// then the process RSS after BENCH_ROWS rows (default 1,000,000) have been stored.
//
// Env: BENCH_SCALE (default 1) scales the amount posted per scenario; BENCH_ROWS the RSS phase;
// BENCH_CONCURRENCY (default 4) requests in flight.
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { createMockSentinel } from '../mock-sentinel/index.ts';

const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const KEY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';
const KEY_BYTES = Buffer.from(KEY, 'base64');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const MB = 1024 * 1024;

// ---- realistic records (~1.5 KB, deterministic) -------------------------------------------------

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = [
  'Anomalous Connection::Data Sent to Rare Domain',
  'Compromise::Beaconing Activity To External Rare',
  'Device::Suspicious SMB Activity',
  'SaaS::Access::Unusual External Source for SaaS Credential Use',
  'Antigena::Network::External Threat::Antigena Suspicious Activity Block',
];

function hex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}

function guid(random: () => number): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function breachRecord(random: () => number, i: number): Record<string, unknown> {
  const ip = () => `10.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}`;
  const t = new Date(Date.UTC(2024, 0, 1) + i * 7_000).toISOString().replace('T', ' ').slice(0, 19);
  const model = MODELS[i % MODELS.length]!;
  return {
    dtProduct: 'Policy Breach',
    blocked: false,
    threatID: 100_000 + i,
    description: `${model}: the device made connections that are unusual for it and for similar devices on the network. Review the connections and the endpoints involved, and check whether the activity is expected for this device. Related activity from the same device in the previous week is listed in the breach log.`,
    breachTime: t,
    breachUrl: `https://darktrace-dt-7996-01/#modelbreach/${100_000 + i}`,
    modelName: model,
    pid: 600 + (i % 90),
    uuid: guid(random),
    score: Math.floor(random() * 100),
    hostname: `workstation-${i % 500}.corp.example.com`,
    typeLabel: 'Desktop',
    sourceIP: ip(),
    sourcePort: String(1024 + Math.floor(random() * 60_000)),
    sourceMac: '02:0e:e5:79:ea:9b',
    sourceHost: `workstation-${i % 500}`,
    destIP: ip(),
    destPort: '443',
    destHost: `rare-endpoint-${i % 97}.example.net`,
    destMac: '',
    sid: 12,
    triggeredComponents: 'Connections to rare external endpoint with unusual data volume over 10 minutes\n',
    details: `https://darktrace-dt-7996-01/#modelbreach/${100_000 + i}`,
    longitude: -74.076,
    latitude: 4.598,
    tags: ['AP: C2 Comms', 'Enhanced Monitoring'],
    message: 'Device breached a model',
    mitreTechniques: [{ technique: 'Application Layer Protocol', techniqueId: 'T1071' }],
    antigena: false,
    deviceId: 3000 + (i % 500),
    category: 'Suspicious',
    compliance: false,
    cSensor: false,
    cSensorID: guid(random),
  };
}

function makeBodies(recordsPerPost: number, posts: number, seed: number): { bodies: Buffer[]; records: number } {
  const random = prng(seed);
  const template = Array.from({ length: Math.min(recordsPerPost, 2000) }, (_, i) => breachRecord(random, i));
  const bodies: Buffer[] = [];
  // A few distinct bodies, reused round-robin: generation cost stays out of the measurement.
  for (let p = 0; p < Math.min(posts, 4); p++) {
    const records = Array.from({ length: recordsPerPost }, (_, i) => ({ ...template[i % template.length]!, threatID: p * 1e6 + i }));
    bodies.push(Buffer.from(JSON.stringify(records), 'utf8'));
  }
  return { bodies, records: recordsPerPost };
}

// ---- client ---------------------------------------------------------------------------------------

function post(url: string, body: Buffer, agent: Agent): Promise<number> {
  const date = new Date().toUTCString();
  const sig = createHmac('sha256', KEY_BYTES)
    .update(`POST\n${body.length}\napplication/json\nx-ms-date:${date}\n/api/logs`, 'utf8')
    .digest('base64');
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/logs?api-version=2016-04-01`,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          'Log-Type': 'darktrace_model_alerts',
          'x-ms-date': date,
          Authorization: `SharedKey ${WORKSPACE}:${sig}`,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function drive(url: string, bodies: Buffer[], posts: number): Promise<number> {
  // A fresh keep-alive pool per run: an idle socket from an earlier run may have been closed by its server.
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, posts) }, async () => {
      while (next < posts) {
        const body = bodies[next++ % bodies.length]!;
        // One retry when a reused keep-alive socket was closed by the server at the same moment.
        const status = await post(url, body, agent).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'EPIPE' || err.code === 'ECONNRESET') return post(url, body, agent);
          throw err;
        });
        if (status !== 200) throw new Error(`POST answered ${status}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return seconds;
}

// ---- baseline -------------------------------------------------------------------------------------

function startBaseline(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const date = String(req.headers['x-ms-date']);
      const auth = String(req.headers.authorization);
      const expected = createHmac('sha256', KEY_BYTES)
        .update(`POST\n${body.length}\n${req.headers['content-type']}\nx-ms-date:${date}\n/api/logs`, 'utf8')
        .digest();
      const received = Buffer.from(auth.slice(auth.indexOf(':') + 1), 'base64');
      if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
        res.writeHead(403).end();
        return;
      }
      JSON.parse(body.toString('utf8'));
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

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
