// npm run bench:load — the short load test: scenarios/load.yaml (2,000 alerts/s for 60 s of
// simulated time) through simulator → connector (child process) → mock, with HDR latency
// percentiles, throughput, connector RSS/CPU and the mock's ingest rate. The baseline, measured in
// the same process run: the same mock taking the same number of records posted straight to it
// (SharedKey-signed 1 MB posts, no connector), so the ratio says what the whole chain costs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, formatError } from '../harness/scenario/load.ts';
import { runScenario } from '../harness/engine/run-scenario.ts';
import { startInProcessMock } from '../harness/engine/mock-driver.ts';
import { htmlReport } from '../harness/reports/html.ts';
import { jsonReport } from '../harness/reports/json.ts';
import { formatDuration } from '../harness/scenario/units.ts';
import { authorizationHeader, decodeWorkspaceKey, rfc1123Date } from '../connector/sinks/data-collector/shared-key.ts';

const file = fileURLToPath(new URL('../scenarios/load.yaml', import.meta.url));
const loaded = loadScenarioFile(file);
if (!loaded.ok) {
  for (const e of loaded.errors) console.error(formatError(e));
  process.exit(1);
}

/** A Policy Breach push record of the legacy connector's shape (sentinel-table.md §5.1), ~1.3 KB. */
function breachRecord(i: number): Record<string, unknown> {
  return {
    dtProduct: 'Policy Breach', blocked: false, threatID: 100000 + i, description: 'A device is beaconing to a rare external endpoint at regular intervals.',
    breachTime: '2026-01-15 09:30:00', breachUrl: `https://darktrace-dt-1234-01/#modelbreach/${100000 + i}`, modelName: 'Compromise::Beaconing Activity To External Rare',
    pid: 665, uuid: '539464e9-df49-45e9-a9da-3beebe6394e8', score: 62, hostname: `ws-${i % 500}.corp.example.com`, typeLabel: 'Desktop',
    sourceIP: `10.0.${(i >> 8) & 255}.${i & 255}`, sourcePort: '51234', sourceMac: '02:0e:e5:79:ea:9b', sourceHost: `ws-${i % 500}`, destIP: '185.220.101.7',
    destPort: '443', destHost: 'rare-endpoint.example.net', destMac: '', sid: 12, triggeredComponents: 'Connection hostname in rare list\n',
    details: `https://darktrace-dt-1234-01/#modelbreach/${100000 + i}`, longitude: -0.12, latitude: 51.5, tags: ['AP: C2 Comms'], message: 'example',
    mitreTechniques: ['T1071'], antigena: false, deviceId: 3423 + (i % 500), category: 'Suspicious', compliance: false, cSensor: false,
    cSensorID: '', alertTime: '2026-01-15T09:30:00.000Z',
  };
}

async function baseline(records: number): Promise<{ rowsPerSecond: number; seconds: number }> {
  const mock = await startInProcessMock(1);
  const key = decodeWorkspaceKey(mock.sharedKey);
  const perPost = 700; // ~1 MB per post, as the connector batches in this scenario's neighbourhood
  const t0 = performance.now();
  for (let sent = 0; sent < records; sent += perPost) {
    const body = Buffer.from(JSON.stringify(Array.from({ length: Math.min(perPost, records - sent) }, (_, j) => breachRecord(sent + j))));
    const date = rfc1123Date();
    const res = await fetch(`${mock.url}/api/logs?api-version=2016-04-01`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'log-type': 'darktrace_model_alerts', 'x-ms-date': date, authorization: authorizationHeader(mock.workspaceId, key, body.length, date), 'time-generated-field': 'alertTime' },
      body,
    });
    if (res.status !== 200) throw new Error(`baseline post answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  const seconds = (performance.now() - t0) / 1000;
  await mock.close();
  return { rowsPerSecond: records / seconds, seconds };
}

console.log(`load: ${loaded.scenario.name} — ${loaded.scenario.description}`);
const report = await runScenario(loaded.scenario, { log: (l) => console.log(`  ${l}`) });
const generated = Object.values(report.alerts).reduce((n, a) => n + a.generated, 0);
const landed = Object.values(report.alerts).reduce((n, a) => n + a.landed, 0);
const base = await baseline(landed || 1);
const l = report.latency;
const rows = [
  ['alerts generated / landed / lost / duplicates', `${generated} / ${landed} / ${generated - landed} / ${Object.values(report.alerts).reduce((n, a) => n + a.duplicates, 0)}`],
  ['latency generated→landed p50 / p90 / p99 / p99.9 / max', [l.p50, l.p90, l.p99, l.p999, l.max].map(formatDuration).join(' / ')],
  ['end-to-end throughput (rows/s, average / peak sample)', `${report.throughput.landedPerSecond.toFixed(0)} / ${report.throughput.peakPerSecond.toFixed(0)}`],
  ['mock ingest rate during the run (rows/s of its busy time)', report.throughput.mockIngestRowsPerSecond.toFixed(0)],
  ['connector max RSS / CPU seconds', `${((report.connector.rssMaxBytes ?? 0) / 1048576).toFixed(1)} MiB / ${(report.connector.cpuSeconds ?? 0).toFixed(2)} s`],
  ['baseline: same mock, records posted directly (rows/s)', `${base.rowsPerSecond.toFixed(0)} (${landed} rows in ${base.seconds.toFixed(2)} s)`],
  ['ratio end-to-end / baseline', (report.throughput.landedPerSecond / base.rowsPerSecond).toFixed(3)],
];
const w = Math.max(...rows.map((r) => r[0]!.length));
for (const [k, v] of rows) console.log(`${k!.padEnd(w)}  ${v}`);
for (const e of report.expectations) console.log(`${e.passed ? 'ok  ' : 'FAIL'} ${e.name}: expected ${e.expected}, measured ${e.measured}`);
const dir = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}load.json`, jsonReport([report]));
writeFileSync(`${dir}load.html`, htmlReport([report]));
console.log(`reports: ${dir}load.json, ${dir}load.html`);
process.exitCode = report.passed ? 0 : 1;
