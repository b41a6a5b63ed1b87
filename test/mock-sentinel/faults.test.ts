// Fault injection (admin API, fault files, Prefer header): each kind, counting, probability, and that a
// faulted request stores nothing and is marked injected in the audit log.
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFaultFile } from '../../mock-sentinel/index.ts';
import { FaultEngine } from '../../mock-sentinel/faults/faultEngine.ts';
import { getJson, postLogs, rawRequest, startMock } from './helpers.ts';

async function putFaults(url: string, body: unknown) {
  return rawRequest(url, 'PUT', '/_lab/faults', { 'Content-Type': 'application/json' }, Buffer.from(JSON.stringify(body)));
}

const record = [{ msg: 'x' }];

describe('fault kinds', () => {
  it('429 without Retry-After by default; stores nothing; audit marks it injected', async () => {
    const { url } = await startMock();
    expect((await putFaults(url, { rules: [{ route: 'dataCollector', fault: 429, count: 1 }] })).status).toBe(200);
    const res = await postLogs(url, record);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
    const [entry] = await getJson(url, '/_lab/requests');
    expect(entry).toMatchObject({ route: 'dataCollector', status: 429, injectedFault: 'rule-1:429' });
    // count: 1 → the next request goes through.
    expect((await postLogs(url, record)).status).toBe(200);
  });

  it('429 with a Retry-After when the rule sets one', async () => {
    const { url } = await startMock({ faults: { rules: [{ fault: 429, retryAfter: 7 }] } });
    const res = await postLogs(url, record);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('500 UnspecifiedError and 503 ServiceUnavailable in the route’s error shape', async () => {
    const { url } = await startMock({ faults: { rules: [{ fault: 500, count: 1 }, { fault: 503, count: 1 }] } });
    const first = await postLogs(url, record);
    expect(first.status).toBe(500);
    expect(first.json).toEqual({ Error: 'UnspecifiedError', Message: expect.any(String) });
    const second = await postLogs(url, record);
    expect(second.status).toBe(503);
    expect(second.json).toEqual({ Error: 'ServiceUnavailable', Message: expect.any(String) });
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
  });

  it('added latency: the request is delayed, then handled normally', async () => {
    const { url, mock } = await startMock({ faults: { rules: [{ fault: 'latency', latencyMs: 150 }] } });
    const ended = once(mock.events, 'request:end');
    const started = Date.now();
    expect((await postLogs(url, record)).status).toBe(200);
    const [end] = await ended;
    expect(end.durationMs).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(end).toMatchObject({ outcome: 'stored', injectedFault: 'rule-1:latency=150ms' });
  });

  it('dropped connection: the socket is destroyed without a response', async () => {
    const { url, mock } = await startMock({ faults: { rules: [{ fault: 'drop', count: 1 }] } });
    const ended = once(mock.events, 'request:end');
    await expect(postLogs(url, record)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const [end] = await ended;
    expect(end).toMatchObject({ status: 0, outcome: 'dropped', injectedFault: 'rule-1:drop' });
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
    const [entry] = await getJson(url, '/_lab/requests');
    expect(entry).toMatchObject({ status: 0, injectedFault: 'rule-1:drop' });
  });
});

describe('matching and counting', () => {
  it('rules match on the route name; other routes are untouched', async () => {
    const { url } = await startMock({ faults: { rules: [{ route: 'logsIngestion', fault: 503 }] } });
    expect((await postLogs(url, record)).status).toBe(200);
  });

  it('after + count: let N through, then fault M', async () => {
    const { url } = await startMock({ faults: { rules: [{ fault: 503, after: 2, count: 2 }] } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await postLogs(url, record)).status);
    expect(statuses).toEqual([200, 200, 503, 503, 200, 200]);
  });

  it('count per window: counters restart every windowMs', async () => {
    let now = Date.parse('2024-01-01T00:00:00Z');
    const engine = new FaultEngine(() => now);
    engine.set({ rules: [{ fault: 429, count: 2, windowMs: 60_000 }] });
    const seq = () => engine.decide('dataCollector')?.terminal?.kind ?? 'pass';
    expect([seq(), seq(), seq()]).toEqual(['error', 'error', 'pass']);
    now += 60_000;
    expect([seq(), seq(), seq()]).toEqual(['error', 'error', 'pass']);
  });

  it('probability draws from a seeded generator: the same seed gives the same sequence', () => {
    const run = (seed: number) => {
      const engine = new FaultEngine();
      engine.set({ seed, rules: [{ fault: 500, probability: 0.5 }] });
      return Array.from({ length: 40 }, () => (engine.decide('dataCollector') ? 1 : 0)).join('');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
    const ones = run(7).split('').filter((c) => c === '1').length;
    expect(ones).toBeGreaterThan(8);
    expect(ones).toBeLessThan(32);
  });
});

describe('Prefer header faults', () => {
  it('ignored unless enabled', async () => {
    const { url } = await startMock();
    expect((await postLogs(url, record, { headers: { Prefer: 'code=429' } })).status).toBe(200);
  });

  it('code=429 / code=503, retry-after=N / code=500 / drop when enabled', async () => {
    const { url } = await startMock({ preferHeaderFaults: true });
    expect((await postLogs(url, record, { headers: { Prefer: 'code=429' } })).status).toBe(429);
    const unavailable = await postLogs(url, record, { headers: { Prefer: 'code=503, retry-after=3' } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('3');
    expect((await postLogs(url, record, { headers: { Prefer: 'code=500' } })).status).toBe(500);
    await expect(postLogs(url, record, { headers: { Prefer: 'drop' } })).rejects.toThrow();
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
    const audit = await getJson(url, '/_lab/requests');
    expect(audit.map((e: { injectedFault: string }) => e.injectedFault)).toEqual(['prefer:429', 'prefer:503', 'prefer:500', 'prefer:drop']);
  });
});

describe('admin API and fault files', () => {
  it('PUT replaces, GET lists with counters, DELETE clears', async () => {
    const { url } = await startMock();
    await putFaults(url, [{ id: 'throttle', route: 'dataCollector', fault: 429, count: 5 }]);
    await postLogs(url, record);
    const listed = await getJson(url, '/_lab/faults');
    expect(listed.rules).toEqual([expect.objectContaining({ id: 'throttle', route: 'dataCollector', fault: 429, count: 5, fired: 1, matched: 1 })]);
    expect((await rawRequest(url, 'DELETE', '/_lab/faults', {})).status).toBe(204);
    expect((await getJson(url, '/_lab/faults')).rules).toEqual([]);
    expect((await postLogs(url, record)).status).toBe(200);
  });

  it('an invalid rule is a 400 naming the key path', async () => {
    const { url } = await startMock();
    const res = await putFaults(url, { rules: [{ fault: 418 }, { fault: 'latency' }, { fault: 500, bogus: 1 }] });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/rules\.0\.fault/);
    expect(res.json.error).toMatch(/rules\.1: must have required property 'latencyMs'/);
    expect(res.json.error).toMatch(/rules\.2: must NOT have additional properties 'bogus'/);
  });

  it('loads a YAML fault file, and names the file and path on an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dtlab-faults-'));
    try {
      const good = join(dir, 'faults.yaml');
      await writeFile(good, 'seed: 3\nrules:\n  - route: dataCollector\n    fault: 503\n    retryAfter: 2\n    count: 1\n');
      const config = await loadFaultFile(good);
      expect(config).toEqual({ seed: 3, rules: [{ route: 'dataCollector', fault: 503, retryAfter: 2, count: 1 }] });
      const { url } = await startMock({ faults: config });
      expect((await postLogs(url, record)).status).toBe(503);
      const bad = join(dir, 'bad.json');
      await writeFile(bad, JSON.stringify({ rules: [{ fault: 503, probability: 2 }] }));
      await expect(loadFaultFile(bad)).rejects.toThrow(/bad\.json: invalid fault rules: rules\.0\.probability: must be <= 1/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
