// Issue 12 follow-up: a connector with both sinks (Data Collector and Logs Ingestion) against the
// in-process mock polls the simulator's four alert types and its three activity streams. The legacy
// types land on both sides, the activity records only in their Darktrace*_CL tables; the Data
// Collector sink's cursor passes them (counted as skipped in /health and /metrics), both cursors end
// at the spool's last record, and the spool's segments are deleted as usual.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector, resolveConfig, type Connector } from '../../connector/index.ts';
import { createSimulator, DEFAULT_TOKENS, type Simulator } from '../../simulator/index.ts';
import { PRIMARY, WS, silentLogger, tempState, waitForEvent } from './helpers/connector-env.ts';
import { allRows, logsIngestionSection, startHttpsMock, type HttpsMock } from './logs-ingestion-helpers.ts';

const LEGACY = { 'Policy Breach': 'DarktraceModelAlerts_CL', 'AI Analyst': 'DarktraceIncidents_CL', 'System Alert': 'DarktraceSystemStatusAlerts_CL', 'Antigena Email': 'DarktraceEMAIL_CL' };
const ACTIVITY = { 'Response Action': 'DarktraceResponseActions_CL', ASM: 'DarktraceASM_CL', 'Email Release': 'DarktraceEMAILRelease_CL' };
// The pollers' names (sources/definitions.ts), as their checkpoint events carry them.
const SOURCES = ['modelbreaches', 'aianalyst', 'email', 'responseactions', 'asm', 'emailrelease'];

let sim: Simulator;
let m: HttpsMock;
let c: Connector;
let state: string;
let url: string;

beforeAll(async () => {
  // A stepped clock (speed 0) with an hour of history: every source has something to fetch once.
  sim = createSimulator({ seed: 12, speed: 0, backfill: '1h', asmPerHour: 6 });
  const dt = await sim.listen();
  m = await startHttpsMock();
  state = tempState();
  const config = resolveConfig({
    darktrace: { url: dt.url, publicToken: DEFAULT_TOKENS[0]!.public, privateToken: DEFAULT_TOKENS[0]!.private, timeout: '10s', emailPathPrefix: '/agemail/api/ep/api/v1.0' },
    sinks: [
      { name: 'legacy', mode: 'dataCollector', workspaceId: WS, sharedKey: PRIMARY, endpoint: m.url, retry: { maxAttempts: 5, baseDelay: 1, maxDelay: 5, pause: 20 } },
      { name: 'dcr', ...logsIngestionSection(m) },
    ],
    monitoring: { listen: '127.0.0.1:0' },
    state,
    // Small segments, so "deleted once both cursors are past them" is visible.
    spool: { segmentBytes: '16KB' },
    poll: { interval: '1h', overlap: '10m', initialLookback: '2h', backoffMax: 50, sources: { responseActions: true, asm: true, emailRelease: true } },
    log: { level: 'silent' },
  });
  c = createConnector(config, { logger: silentLogger() });
  const polled = Promise.all(SOURCES.map((s) => waitForEvent(c.events, 'checkpoint', (e: { source: string }) => e.source === s)));
  await c.start();
  url = (await c.listen()).url;
  await polled;
  expect(await c.waitIdle(30_000)).toBe(true);
});

afterAll(async () => {
  await c?.close();
  await m?.mock.close();
  await sim?.close();
});

describe('dual run with the activity streams', () => {
  it('legacy types land on both sides, activity records only on the Logs Ingestion side', async () => {
    const legacyRows = await allRows(m, 'darktrace_model_alerts_CL');
    const byProduct = new Map<string, number>();
    for (const r of legacyRows) byProduct.set(r.dtProduct_s, (byProduct.get(r.dtProduct_s) ?? 0) + 1);
    expect([...byProduct.keys()].sort()).toEqual(Object.keys(LEGACY).filter((t) => byProduct.has(t)).sort());
    for (const [type, table] of Object.entries(LEGACY)) {
      expect({ type, legacy: byProduct.get(type) ?? 0 }).toEqual({ type, legacy: (await allRows(m, table)).length });
    }
    expect(byProduct.get('Policy Breach')).toBeGreaterThan(0);
    for (const table of Object.values(ACTIVITY)) expect({ table, rows: (await allRows(m, table)).length > 0 }).toEqual({ table, rows: true });
  });

  it('the Data Collector cursor passed the activity records: skipped per type in /health and /metrics, both cursors at the end, segments deleted', async () => {
    const health = (await (await fetch(`${url}/health`)).json()) as {
      status: string;
      spool: { lastSeq: number; pendingRecords: number };
      sinks: Array<{ name: string; status: string; committedSeq: number; pendingRecords: number; skipped: Record<string, number> }>;
    };
    expect(health.status).toBe('ok');
    const [legacy, dcr] = health.sinks;
    const landed: Record<string, number> = {};
    for (const [type, table] of Object.entries(ACTIVITY)) landed[type] = (await allRows(m, table)).length;
    expect(legacy!.skipped).toEqual(landed);
    expect(dcr!.skipped).toEqual({});
    expect(health.sinks.map((s) => [s.name, s.status, s.committedSeq, s.pendingRecords])).toEqual([
      ['legacy', 'ok', health.spool.lastSeq, 0],
      ['dcr', 'ok', health.spool.lastSeq, 0],
    ]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const [type, n] of Object.entries(landed)) expect(metrics).toContain(`dtconnector_records_skipped_total{sink="legacy",type="${type}"} ${n}`);
    expect(metrics).not.toContain('dtconnector_records_skipped_total{sink="dcr"');
    const segments = readdirSync(path.join(state, 'spool')).filter((f) => f.startsWith('seg-'));
    // Only the segment being written stays; it starts well after seq 1, so the ones before it went.
    expect(segments).toHaveLength(1);
    expect(Number(/^seg-(\d+)\.log$/.exec(segments[0]!)![1])).toBeGreaterThan(100);
  });
});
