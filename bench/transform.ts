// bench:transform — what a DCR transformKql costs on one ~1 MB Logs Ingestion post: shapeRecords
// (convert, transform, TimeGenerated, truncation) with a typical extend/project/where transform on the
// query engine, as a ratio against the identity transform `source` (the fast path) in this process.
import process from 'node:process';
import { compileTransform, type Column } from '../mock-sentinel/logs-ingestion/transform/kql-transform.ts';
import { shapeRecords } from '../mock-sentinel/logs-ingestion/rows/shape-records.ts';
import type { DcrStream } from '../mock-sentinel/logs-ingestion/dcr/dcr-model.ts';
import { breachRecord, prng } from './ingest-kit.ts';

const TRANSFORM =
  'source | extend TimeGenerated = todatetime(breachTime), Score = toint(score) | where Score >= 0 and isnotempty(modelName) ' +
  '| project-away breachTime, score | project-rename Model = modelName';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const random = prng(7);
const sample = breachRecord(random, 0);
const columns: Column[] = Object.entries(sample).map(([name, v]) => ({
  name,
  type: typeof v === 'number' ? (Number.isInteger(v) ? 'long' : 'real') : typeof v === 'boolean' ? 'boolean' : typeof v === 'object' ? 'dynamic' : 'string',
}));
const recordBytes = Buffer.byteLength(JSON.stringify(sample));
const records = Array.from({ length: Math.floor(1_000_000 / (recordBytes + 1)) }, (_, i) => breachRecord(random, i));
const window = { pastMs: 2 * 86_400_000, futureMs: 86_400_000 };

function stream(text: string): DcrStream {
  const transform = compileTransform(text, columns);
  return { name: 'Custom-Bench', columns, flows: [{ index: 0, inputStream: 'Custom-Bench', outputStream: 'Custom-Bench_CL', table: 'Bench_CL', workspaceIds: ['ws'], transform }] };
}

async function perPost(s: DcrStream): Promise<number> {
  await shapeRecords(s, records, new Date('2024-01-02T00:00:00Z'), window); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await shapeRecords(s, records, new Date('2024-01-02T00:00:00Z'), window);
  return Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
}

const compileStart = process.hrtime.bigint();
const transformed = stream(TRANSFORM);
const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
const baseline = await perPost(stream('source'));
const measured = await perPost(transformed);
process.stdout.write(
  `one post of ${records.length} records (~1 MB), ${ROUNDS} rounds\n` +
    `  source (identity, baseline): ${baseline.toFixed(1)} ms/post\n` +
    `  ${TRANSFORM}\n    ${measured.toFixed(1)} ms/post → ${(measured / baseline).toFixed(2)}x the identity transform\n` +
    `  compile (first analysis in the process): ${compileMs.toFixed(0)} ms\n`,
);
