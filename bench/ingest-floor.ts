// npm run bench:ingest-floor — where bench:ingest's 0.5× target stands against what the mock cannot
// avoid. For one 1 MB post (the bench's records), in one process:
// - the baseline's whole cost per post, over HTTP exactly as bench:ingest measures it (wall time of
//   a run, single-threaded, client included);
// - each stage the mock adds to it, timed alone on the main thread: typing the parsed records into
//   columns, converting them into DuckDB data chunks (one native call per non-null string), and the
//   appender's flushSync (DuckDB's own insert); and, for reference, DuckDB inserting the same rows
//   with no JS at all (INSERT … SELECT from a staging table).
// Then it prints the best ratio each combination allows on one thread: baseline / (baseline + stages).
// 0.5× needs the stages to cost no more than the baseline itself. See docs/decisions/0003.
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULT_DATA_COLLECTOR_POLICY } from '../mock-sentinel/config.ts';
import { DATA_COLLECTOR_STANDARD_COLUMNS } from '../mock-sentinel/ingestion/ingestRecords.ts';
import { RecordTyper } from '../mock-sentinel/ingestion/recordTyping.ts';
import { CHUNK_ROWS, chunkValueConverter, createChunk, fillChunk, isVarcharColumn } from '../mock-sentinel/persistence/chunkColumns.ts';
import type { ColumnBatch } from '../mock-sentinel/persistence/columnBatch.ts';
import { duckdbTypeOf, quoteIdent } from '../mock-sentinel/persistence/columnTypes.ts';
import { WORKSPACE, breachRecord, drive, makeBodies, prng, startBaseline } from './ingest-kit.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
/** Rounds run before timing starts, so every stage is measured with its code optimised. */
const WARM_UP = 20;
const MB = 1024 * 1024;
const recordBytes = Buffer.byteLength(JSON.stringify(breachRecord(prng(1), 1)));
const perPost = Math.floor(MB / (recordBytes + 1));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** Types one post's records into a column batch with the Data Collector standard columns. */
function typePost(records: Record<string, unknown>[]): { batch: ColumnBatch; typer: RecordTyper } {
  const typer = new RecordTyper(DATA_COLLECTOR_STANDARD_COLUMNS, DEFAULT_DATA_COLLECTOR_POLICY);
  const batch = typer.typeRecords(records);
  const n = records.length;
  const standard: [string, unknown][] = [
    ['TimeGenerated', new Date()],
    ['TenantId', WORKSPACE],
    ['Type', 'darktrace_model_alerts_CL'],
    ['SourceSystem', 'RestAPI'],
  ];
  for (const [name, value] of standard) {
    batch.names.push(name);
    batch.values.push(new Array(n).fill(value));
  }
  return { batch, typer };
}

async function main(): Promise<void> {
  const { bodies } = makeBodies(perPost, 4, 7);
  const body = bodies[0]!;

  // The baseline, over HTTP, as bench:ingest runs it.
  const baseline = await startBaseline();
  const posts = 60;
  await drive(baseline.url, bodies, 3);
  const baselineRuns: number[] = [];
  for (let i = 0; i < 3; i++) baselineRuns.push(((await drive(baseline.url, bodies, posts)) * 1000) / posts);
  const baselineMs = median(baselineRuns);
  baseline.server.close();

  // The mock's stages, in a store laid out as the mock lays it out.
  const parsed = (): Record<string, unknown>[] => JSON.parse(body.toString('utf8')) as Record<string, unknown>[];
  const { batch: sample, typer } = typePost(parsed());
  const columns = [...DATA_COLLECTOR_STANDARD_COLUMNS, ...typer.newColumns];
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const ddl = columns.map((c) => `${quoteIdent(c.name)} ${duckdbTypeOf(c.type)}`).join(', ');
  await connection.run(`CREATE TABLE t (${ddl})`);
  await connection.run(`CREATE TABLE staging (${ddl})`);
  const appender = await connection.createAppender('t');
  const chunk = createChunk(columns.map((_, i) => appender.columnType(i)));

  const typing: number[] = [];
  const conversion: number[] = [];
  const appending: number[] = [];
  const flush: number[] = [];
  const engineOnly: number[] = [];
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    if (round === WARM_UP) for (const list of [typing, conversion, appending, flush, engineOnly]) list.length = 0;
    const records = parsed();
    let batch = sample;
    typing.push(time(() => (batch = typePost(records).batch)));
    const position = new Map(batch.names.map((name, i) => [name, i]));
    const values = columns.map((c) => batch.values[position.get(c.name) ?? -1]);
    const converters = columns.map((c) => chunkValueConverter(c.type));
    const varchar = columns.map((c) => isVarcharColumn(c.type));
    let appendMs = 0;
    conversion.push(
      time(() => {
        for (let start = 0; start < batch.rowCount; start += CHUNK_ROWS) {
          const filled = fillChunk(chunk, values, converters, varchar, start, Math.min(CHUNK_ROWS, batch.rowCount - start));
          appendMs += time(() => appender.appendDataChunk(filled));
        }
      }) - appendMs,
    );
    appending.push(appendMs);
    flush.push(time(() => appender.flushSync()));
    if (round === 0) await connection.run('INSERT INTO staging SELECT * FROM t');
    const started = performance.now();
    await connection.run('INSERT INTO t SELECT * FROM staging');
    engineOnly.push(performance.now() - started);
  }
  appender.closeSync();
  connection.closeSync();
  instance.closeSync();

  const base = baselineMs;
  const [type, fill, append, flushMs, engine] = [median(typing), median(conversion), median(appending), median(flush), median(engineOnly)];
  const convert = fill + append;
  const bound = (extra: number) => base / (base + extra);
  const line = (label: string, ms: number) => `${label.padEnd(58)} ${ms.toFixed(2).padStart(7)} ms\n`;
  const ratio = (label: string, extra: number) => `${label.padEnd(58)} ${bound(extra).toFixed(2).padStart(7)}x\n`;
  process.stdout.write(
    `bench:ingest-floor — one 1 MB post: ${perPost} records of ≈ ${recordBytes} bytes, ${columns.length} columns; medians of ${ROUNDS} after ${WARM_UP} warm-up rounds\n\n` +
      line('baseline, whole post over HTTP (client included)', base) +
      line('mock stage: typing into columns', type) +
      line('mock stage: conversion into data chunks', fill) +
      line('mock stage: appendDataChunk (DuckDB copies each chunk)', append) +
      line('mock stage: appender flushSync (DuckDB insert)', flushMs) +
      line('reference: DuckDB INSERT … SELECT of the same rows, no JS', engine) +
      '\nbest ratio on one thread, baseline / (baseline + stages); the target is 0.50x:\n' +
      ratio('  typing + conversion + append + flush (the mock as built)', type + convert + flushMs) +
      ratio('  conversion + append + flush (typing free)', convert + flushMs) +
      ratio('  append + flush only (typing and conversion free)', append + flushMs) +
      ratio('  DuckDB insert only, as INSERT … SELECT', engine) +
      `\nThe mock also pays its HTTP pipeline (auth, audit, events), which these bounds leave out.\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`bench:ingest-floor: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
