// Builds a connector config around a fake Darktrace and a verifying sink, and waits on its events.
import type { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { resolveConfig } from '../../../connector/config/load.ts';
import type { ConnectorConfig, DataCollectorSinkConfig } from '../../../connector/config/types.ts';

export const WS = '97ce69d9-b4be-4241-8dbd-d265edcf06c4';
export const PRIMARY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';
export const DT_TOKENS = { publicToken: '3f6b2c1a9e8d7f6a5b4c3d2e1f0a9b8c', privateToken: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4' };
export const PUSH_TOKEN = 'dtlab-push-token';

export function tempState(): string {
  return mkdtempSync(path.join(tmpdir(), 'dtconn-'));
}

export function testConfig(o: { darktraceUrl: string; sentinelUrl: string; state: string; extra?: Record<string, any> }): ConnectorConfig {
  const raw: Record<string, any> = {
    darktrace: { url: o.darktraceUrl, ...DT_TOKENS, linkBase: 'https://sample', timeout: '5s' },
    sentinel: { workspaceId: WS, sharedKey: PRIMARY, endpoint: o.sentinelUrl, retry: { maxAttempts: 5, baseDelay: 1, maxDelay: 5, pause: 20 } },
    receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
    state: o.state,
    poll: { interval: '1h', overlap: '10m', initialLookback: '3650d', backoffMax: 50 },
    log: { level: 'silent' },
  };
  for (const [k, v] of Object.entries(o.extra ?? {})) raw[k] = typeof v === 'object' && !Array.isArray(v) ? { ...raw[k], ...v } : v;
  return resolveConfig(raw);
}

/** A resolved Data Collector sink config for unit tests: the lab workspace, tiny backoff steps. */
export function dataCollectorSinkConfig(endpoint: string, over: Partial<DataCollectorSinkConfig> = {}): DataCollectorSinkConfig {
  return {
    mode: 'dataCollector', workspaceId: WS, sharedKey: PRIMARY, endpoint, logType: 'darktrace_model_alerts',
    timeGeneratedField: 'alertTime', timeoutMs: 5000,
    batch: { maxBytes: 5 * 1024 * 1024, maxRecords: 10_000 },
    retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5, pauseMs: 10 },
    stuckAfterMs: 600_000,
    ...over,
  };
}

export const silentLogger = () => pino({ level: 'silent' });

/** Resolves with the first event args for which `pred` holds. */
export function waitForEvent<T = any>(events: EventEmitter, name: string, pred: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const on = (e: T) => {
      if (pred(e)) {
        events.off(name, on);
        resolve(e);
      }
    };
    events.on(name, on);
  });
}

/** Resolves once `n` records in total have been delivered (counting from now). */
export function waitForDelivered(events: EventEmitter, n: number): Promise<void> {
  let got = 0;
  return new Promise((resolve) => {
    const on = (e: { count: number }) => {
      got += e.count;
      if (got >= n) {
        events.off('delivered', on);
        resolve();
      }
    };
    events.on('delivered', on);
  });
}
