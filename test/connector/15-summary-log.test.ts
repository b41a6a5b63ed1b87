// Issue 15: a running connector logs a short summary line at info level every so often (what was
// polled, pushed, spooled, landed, dead-lettered and retried since the last line, and what is
// pending), instead of silence after "listening". `log.summaryInterval` sets how often; 0 = never.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../connector/util/metrics.ts';
import { startSummaryLog } from '../../connector/server/summary-log.ts';
import { resolveConfig } from '../../connector/index.ts';

/** A pino destination that hands each parsed line to the next waiter. */
function capture() {
  const waiters: Array<(line: Record<string, unknown>) => void> = [];
  return {
    stream: { write: (s: string) => void waiters.shift()?.(JSON.parse(s) as Record<string, unknown>) },
    next: () => new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve)),
  };
}

describe('connector summary line', () => {
  it('sums up what happened since the last line, at info level', async () => {
    const metrics = createMetrics();
    const out = capture();
    const stop = startSummaryLog(metrics, pino({ level: 'info' }, out.stream), 20, () => 3);
    try {
      metrics.received.inc({ source: 'modelbreaches' }, 5);
      metrics.received.inc({ source: 'push' }, 2);
      metrics.spooled.inc({ type: 'Policy Breach' }, 7);
      metrics.delivered.inc({ sink: 'dataCollector' }, 4);
      metrics.deadLettered.inc({ stage: 'alert' }, 1);
      metrics.retried.inc({ sink: 'dataCollector', reason: '429' }, 2);
      const first = await out.next();
      expect(first).toMatchObject({ level: 30, polled: 5, pushed: 2, spooled: 7, landed: 4, deadLettered: 1, retrying: 2, pending: 3 });
      expect(first.msg).toBe('summary: polled 5, pushed 2, spooled 7, landed 4, dead-lettered 1, retrying 2, pending 3');
      metrics.delivered.inc({ sink: 'dataCollector' }, 3);
      expect(await out.next()).toMatchObject({ polled: 0, spooled: 0, landed: 3, retrying: 0 });
    } finally {
      stop();
    }
  });

  it('log.summaryInterval is a duration (default 60s; 0 turns it off), validated like the others', () => {
    const base = { darktrace: { url: 'http://127.0.0.1:1', publicToken: 'p', privateToken: 'k' }, sentinel: { workspaceId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', sharedKey: 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==', endpoint: 'http://127.0.0.1:2' }, state: '/tmp/x' };
    expect(resolveConfig(structuredClone(base)).log.summaryIntervalMs).toBe(60_000);
    expect(resolveConfig({ ...structuredClone(base), log: { summaryInterval: '5m' } }).log.summaryIntervalMs).toBe(300_000);
    expect(resolveConfig({ ...structuredClone(base), log: { summaryInterval: 0 } }).log.summaryIntervalMs).toBe(0);
    expect(() => resolveConfig({ ...structuredClone(base), log: { summaryInterval: 'often' } })).toThrow(/log\.summaryInterval/);
  });
});
