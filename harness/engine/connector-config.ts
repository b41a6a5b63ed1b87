// The connector configuration a run uses: the harness's defaults for a fast lab run, pointed at the
// run's simulator and workspace, with the scenario's `topology.connectorConfig` merged over it.
import type { Scenario, Sink } from '../scenario/types.ts';

export const PUSH_TOKEN = 'dtlab-push-token';

/** The mock's documented test-only Entra app and DCR (docs/decisions/0001). */
export const LAB_ENTRA = {
  tenantId: 'd7a1b000-0000-4000-8000-000000000001',
  clientId: 'd7a1b000-0000-4000-8000-000000000002',
  clientSecret: 'dtlab-test-secret',
  dcrImmutableId: 'dcr-d7a1b000000040008000000000000001',
};

export interface ConnectorEnds {
  darktrace: { url: string; publicToken: string; privateToken: string };
  sentinel: { url: string; httpsUrl?: string; caPath?: string; workspaceId: string; sharedKey: string; secondaryKey?: string };
  stateDir: string;
  /** host:port for the receiver/health server (0 = any). */
  listen: string;
  logLevel: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; anything else in `over` replaces. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

export function connectorConfig(s: Scenario, ends: ConnectorEnds): Record<string, unknown> {
  const push = s.topology.source === 'push';
  // Pushed alerts and malformed ones arrive at the receiver, so it runs unless the source is poll only.
  const receiver = s.topology.source !== 'poll' || s.malformed.length > 0;
  // The poller's windows follow the simulator's clock (poll.clock: appliance, read from its /status),
  // whether the scenario's clock starts in the past, the future, or runs faster than real time: a
  // 2-minute overlap for records stamped late, no lookahead, and a first lookback of 10 simulated
  // minutes (decision 0023; before it, the windows followed the wall clock and needed an overlap and
  // lookahead as long as the clock's distance from real time, so every poll re-read all of it).
  const base: Record<string, unknown> = {
    darktrace: { url: ends.darktrace.url, publicToken: ends.darktrace.publicToken, privateToken: ends.darktrace.privateToken, timeout: '10s' },
    // One sink: the `sentinel:` block as ever. Several (a dual run): a `sinks:` list, each named after
    // its mode, the name connector.sink faults and /health use.
    ...(s.topology.sinks.length > 1
      ? { sinks: s.topology.sinks.map((sink) => ({ name: sink, enabled: true, ...sinkBlock(sink, ends) })) }
      : { sentinel: sinkBlock(s.topology.sink, ends) }),
    ...(receiver ? { receiver: { listen: ends.listen, token: PUSH_TOKEN } } : { monitoring: { listen: ends.listen } }),
    state: ends.stateDir,
    poll: {
      enabled: !push,
      interval: '200ms',
      clock: 'appliance',
      overlap: '2m',
      initialLookback: '10m',
      lookahead: 0,
      backoffMax: '1s',
    },
    log: { level: ends.logLevel },
    // The connector's test hooks (PUT /debug/clock-skew) drive the connector.clockSkew fault.
    debug: { enabled: true },
  };
  return deepMerge(base, s.topology.connectorConfig);
}

function sinkBlock(sink: Sink, ends: ConnectorEnds): Record<string, unknown> {
  return sink === 'logsIngestion' ? logsIngestionSink(ends) : dataCollectorSink(ends);
}

/** The Data Collector sink against the mock's workspace, with both keys when it has a secondary. */
function dataCollectorSink(ends: ConnectorEnds): Record<string, unknown> {
  return {
    mode: 'dataCollector',
    workspaceId: ends.sentinel.workspaceId,
    sharedKey: ends.sentinel.sharedKey,
    ...(ends.sentinel.secondaryKey ? { secondaryKey: ends.sentinel.secondaryKey } : {}),
    endpoint: ends.sentinel.url,
    timeout: '10s',
    batch: { maxBytes: '1MB', maxRecords: 2000 },
    retry: { maxAttempts: 12, baseDelay: '50ms', maxDelay: '1s', pause: '500ms' },
  };
}

/** The Logs Ingestion sink against the mock's HTTPS endpoint, its Entra token endpoint and default DCR. */
function logsIngestionSink(ends: ConnectorEnds): Record<string, unknown> {
  const https = ends.sentinel.httpsUrl;
  if (!https) throw new Error('the Logs Ingestion sink needs the workspace over HTTPS (the in-process mock starts it)');
  return {
    mode: 'logsIngestion',
    endpoint: https,
    dcrImmutableId: LAB_ENTRA.dcrImmutableId,
    tenantId: LAB_ENTRA.tenantId,
    clientId: LAB_ENTRA.clientId,
    clientSecret: LAB_ENTRA.clientSecret,
    authorityHost: https,
    ...(ends.sentinel.caPath ? { caFile: ends.sentinel.caPath } : {}),
    timeout: '10s',
    retry: { maxAttempts: 12, baseDelay: '50ms', maxDelay: '1s', pause: '500ms' },
  };
}
