// Measurement helpers: HDR latency percentiles, /proc parsing for the connector child, the series sampler.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { LatencyRecorder } from '../../harness/measure/latency.ts';
import { parseStat, parseStatusRss, sampleProcess } from '../../harness/measure/process-stats.ts';
import { SeriesSampler } from '../../harness/measure/series.ts';

describe('LatencyRecorder', () => {
  it('gives HDR percentiles of what it recorded, and per-interval figures that reset', () => {
    const r = new LatencyRecorder();
    for (let v = 1; v <= 1000; v++) r.record(v);
    const s = r.summary();
    expect(s.count).toBe(1000);
    expect(s.p50).toBeGreaterThanOrEqual(499);
    expect(s.p50).toBeLessThanOrEqual(501);
    expect(s.p99).toBeGreaterThanOrEqual(989);
    expect(s.p99).toBeLessThanOrEqual(991);
    expect(s.max).toBe(1000);
    expect(r.takeInterval()).toEqual({ p50: expect.any(Number), max: 1000 });
    expect(r.takeInterval()).toBeUndefined();
    r.record(0.2);
    expect(r.summary().min).toBe(1);
  });
});

describe('process stats', () => {
  it('parses /proc stat fields after a command name with spaces and parentheses', () => {
    const stat = '1234 (node (a b)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 100 1000000 5000';
    expect(parseStat(stat)).toEqual({ utimeTicks: 250, stimeTicks: 50 });
    expect(parseStatusRss('Name:\tnode\nVmRSS:\t  51200 kB\n')).toBe(51200 * 1024);
  });

  it('samples a live child process and returns undefined once it is gone', async () => {
    // Wait until node inside is running (right after spawn the process is still being exec'd).
    const child = spawn(process.execPath, ['-e', 'console.log("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(child.stdout!, 'data');
    const s = sampleProcess(child.pid!);
    expect(s!.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(s!.cpuSeconds).toBeGreaterThanOrEqual(0);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(sampleProcess(child.pid!)).toBeUndefined();
  });
});

describe('SeriesSampler', () => {
  it('records cumulative counts, the landed rate and the interval latency', () => {
    let landed = 0;
    const latency = new LatencyRecorder();
    const sampler = new SeriesSampler({ generated: () => 10, landed: () => landed, latency, connectorPid: () => process.pid });
    const first = sampler.sample();
    expect(first).toMatchObject({ generated: 10, landed: 0 });
    landed = 10;
    latency.record(42);
    const second = sampler.sample();
    expect(second.landed).toBe(10);
    expect(second.landedPerSecond).toBeGreaterThan(0);
    expect(second.latencyP50).toBe(42);
    expect(second.rssBytes).toBeGreaterThan(0);
    expect(sampler.rssMaxBytes).toBeGreaterThan(0);
    expect(sampler.peakPerSecond).toBe(second.landedPerSecond);
  });
});
