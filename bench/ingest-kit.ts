// What bench:ingest and bench:ingest-floor share: ~1.4 KB Darktrace model-breach records,
// deterministic from a seed, in bodies of a given number of records; a client that signs each post
// per the spec; the baseline server (reads the body, verifies the HMAC, JSON.parses, stores nothing).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import process from 'node:process';

export const WORKSPACE = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
const KEY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';
const KEY_BYTES = Buffer.from(KEY, 'base64');
export const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

export function prng(seed: number): () => number {
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

export function breachRecord(random: () => number, i: number): Record<string, unknown> {
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

export function makeBodies(recordsPerPost: number, posts: number, seed: number): { bodies: Buffer[]; records: number } {
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

export async function drive(url: string, bodies: Buffer[], posts: number): Promise<number> {
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

export function startBaseline(): Promise<{ url: string; server: Server }> {
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
