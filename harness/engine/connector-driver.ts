// The connector side of a run: in-process (createConnector), a child process (`dtlab connector
// --config FILE`, so kill -9 and SIGSTOP are real), or an external connector at a URL (metrics only).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createConnector, resolveConfig, type Connector } from '../../connector/index.ts';

export interface ConnectorDriver {
  readonly mode: 'in-process' | 'child-process' | 'external';
  /** Where the push receiver answers (push source), if any. */
  readonly receiverUrl: string | undefined;
  restarts: number;
  /** Records spooled and not yet delivered; undefined when unknown. */
  pending(): Promise<number | undefined>;
  deadLettered(): Promise<number | undefined>;
  /** Alerts received from Darktrace so far (its metrics); a moving count means it is still fetching. */
  received(): Promise<number | undefined>;
  /** GET /health: its status and reasons; undefined when it does not answer. */
  health(): Promise<HealthSummary | undefined>;
  /** Per poll source, when its last poll succeeded (ISO), from GET /health; undefined when unknown. */
  pollSuccesses(): Promise<Record<string, string | undefined> | undefined>;
  /** Asks the pollers to poll now (in-process); a no-op elsewhere. */
  pollNow(): void;
  pid(): number | undefined;
  kill(): Promise<void>;
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  /** Sets the signing clock's skew through the connector's debug hook (PUT /debug/clock-skew; 0 = fixed). */
  setClockSkew(ms: number): Promise<void>;
  /** Enables or disables one of its sinks by name (POST /sinks/{name}/enable|disable: a cutover). */
  setSinkEnabled(name: string, enabled: boolean): Promise<void>;
  close(): Promise<void>;
}

// Compiled (the installed package) the CLI is plain JavaScript beside this module; from the sources
// it is TypeScript, run through tsx.
const COMPILED = import.meta.url.endsWith('.js');
const CLI = fileURLToPath(new URL(COMPILED ? '../cli.js' : '../cli.ts', import.meta.url));
const CLI_ARGS = COMPILED ? [CLI] : ['--import', 'tsx', CLI];

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * Sums every sample of a Prometheus metric in text exposition format. A labelled counter that has
 * not counted anything yet has only its `# TYPE` line (prom-client): that is 0, not unknown.
 */
export function metricSum(text: string, name: string): number | undefined {
  let found = false;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      if (line.startsWith(`# TYPE ${name} `)) found = true;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name) {
      found = true;
      sum += Number(m[3]);
    }
  }
  return found ? sum : undefined;
}

/** The connector's admin token (`admin.token`) as a bearer header, when it has one. */
function adminHeaders(adminToken: string | undefined): Record<string, string> {
  return adminToken === undefined ? {} : { authorization: `Bearer ${adminToken}` };
}

export interface HealthSummary {
  status: string;
  reasons: string[];
}

async function healthSummary(url: string, adminToken?: string): Promise<HealthSummary | undefined> {
  try {
    const res = await fetch(`${url}/health`, { headers: adminHeaders(adminToken), signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { status?: unknown; reasons?: unknown };
    if (typeof body.status !== 'string') return undefined;
    return { status: body.status, reasons: Array.isArray(body.reasons) ? body.reasons.map(String) : [] };
  } catch {
    return undefined;
  }
}

async function health(url: string, adminToken?: string): Promise<Record<string, string | undefined> | undefined> {
  try {
    const res = await fetch(`${url}/health`, { headers: adminHeaders(adminToken), signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { sources?: Record<string, { lastSuccess?: string }> };
    if (!body.sources) return undefined;
    return Object.fromEntries(Object.entries(body.sources).map(([k, v]) => [k, v.lastSuccess]));
  } catch {
    return undefined;
  }
}

/** POST /sinks/{name}/enable|disable → 200 {"sink","enabled"}; 404 names no sink (docs/reference/connector.md, Several sinks). */
export async function postSinkEnabled(url: string, name: string, enabled: boolean, adminToken?: string): Promise<void> {
  const route = `/sinks/${encodeURIComponent(name)}/${enabled ? 'enable' : 'disable'}`;
  const res = await fetch(`${url}${route}`, { method: 'POST', headers: adminHeaders(adminToken), signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${route}: ${res.status} ${text.slice(0, 200)}`);
}

/** PUT /debug/clock-skew {"ms"} → 200 {"ms"} (docs/reference/connector.md, Debug hooks; needs debug.enabled). */
export async function putClockSkew(url: string, ms: number, adminToken?: string): Promise<void> {
  const res = await fetch(`${url}/debug/clock-skew`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...adminHeaders(adminToken) },
    body: JSON.stringify({ ms }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (res.status === 404) throw new Error(`${url} has no /debug/clock-skew: run the connector with debug: { enabled: true }`);
  if (res.status !== 200) throw new Error(`PUT /debug/clock-skew: ${res.status} ${text.slice(0, 200)}`);
}

async function scrape(url: string, name: string, adminToken?: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url}/metrics`, { headers: adminHeaders(adminToken), signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    return metricSum(await res.text(), name);
  } catch {
    return undefined;
  }
}

export async function startInProcessConnector(raw: Record<string, unknown>): Promise<ConnectorDriver> {
  const config = resolveConfig(raw);
  const connector: Connector = createConnector(config);
  await connector.start();
  const { url } = await connector.listen();
  return {
    mode: 'in-process',
    receiverUrl: config.receiver ? `${url}${config.receiver.path}` : undefined,
    restarts: 0,
    pending: async () => connector.pending(),
    async deadLettered() {
      const m = await connector.metrics.deadLettered.get();
      return m.values.reduce((n, v) => n + v.value, 0);
    },
    health: () => healthSummary(url, config.admin.token),
    pollSuccesses: () => health(url, config.admin.token),
    async received() {
      const m = await connector.metrics.received.get();
      return m.values.reduce((n, v) => n + v.value, 0);
    },
    pollNow: () => connector.pollNow(),
    pid: () => undefined,
    async kill() {
      throw new Error('kill -9 needs the connector as a child process');
    },
    async restart() {
      throw new Error('restart needs the connector as a child process');
    },
    pause() {
      throw new Error('pause needs the connector as a child process');
    },
    resume() {},
    setClockSkew: (ms) => putClockSkew(url, ms, config.admin.token),
    setSinkEnabled: (name, enabled) => postSinkEnabled(url, name, enabled, config.admin.token),
    close: () => connector.close(),
  };
}

/** Spawns `dtlab connector --config FILE`; the same state dir and port survive kill -9 and restart. */
export async function startChildConnector(raw: Record<string, unknown>, workDir: string, log: (line: string) => void): Promise<ConnectorDriver> {
  const file = join(workDir, 'connector.json');
  writeFileSync(file, JSON.stringify(raw, null, 2));
  const receiver = raw.receiver as { path?: string } | undefined;
  const adminToken = resolveConfig(raw).admin.token;
  let child: ChildProcess | undefined;
  let url: string | undefined;
  let closing = false;

  async function spawnOne(): Promise<void> {
    const c = spawn(process.execPath, [...CLI_ARGS, 'connector', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const lines = createInterface({ input: c.stdout! });
    createInterface({ input: c.stderr! }).on('line', (l) => log(`connector stderr: ${l}`));
    url = await new Promise<string>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the connector exited (${code}) before listening`));
      c.once('exit', onExit);
      lines.on('line', (line) => {
        const m = /connector listening on (http:\/\/\S+)/.exec(line);
        if (m && !line.startsWith('{')) {
          c.off('exit', onExit);
          resolve(m[1]!);
        } else if (line.includes('"level":50') || line.includes('"level":60')) log(`connector: ${line}`);
      });
    });
  }

  await spawnOne();
  const driver: ConnectorDriver = {
    mode: 'child-process',
    get receiverUrl() {
      return receiver ? `${url}${receiver.path ?? '/push'}` : undefined;
    },
    restarts: 0,
    // Records parked after a configuration-like error (issue 12) are pending too: the drain waits for them.
    pending: async () => {
      if (!url) return undefined;
      const spooled = await scrape(url, 'dtconnector_spool_pending_records', adminToken);
      return spooled === undefined ? undefined : spooled + ((await scrape(url, 'dtconnector_parked_records', adminToken)) ?? 0);
    },
    deadLettered: async () => (url ? scrape(url, 'dtconnector_records_dead_lettered_total', adminToken) : undefined),
    received: async () => (url ? scrape(url, 'dtconnector_alerts_received_total', adminToken) : undefined),
    health: async () => (url ? healthSummary(url, adminToken) : undefined),
    pollSuccesses: async () => (url ? health(url, adminToken) : undefined),
    pollNow() {},
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    },
    async restart() {
      if (closing) return;
      await spawnOne();
      driver.restarts++;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async setClockSkew(ms) {
      if (!url || driver.pid() === undefined) throw new Error('the connector is not running');
      await putClockSkew(url, ms, adminToken);
    },
    async setSinkEnabled(name, enabled) {
      if (!url || driver.pid() === undefined) throw new Error('the connector is not running');
      await postSinkEnabled(url, name, enabled, adminToken);
    },
    async close() {
      closing = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGCONT');
      const exited = once(c, 'exit');
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  return driver;
}

/** A connector the user runs: its /metrics tell the harness how far it is. */
export function externalConnector(baseUrl: string): ConnectorDriver {
  const url = baseUrl.replace(/\/+$/, '');
  const refuse = async () => {
    throw new Error('connector faults need a connector the run starts');
  };
  return {
    mode: 'external',
    receiverUrl: undefined,
    restarts: 0,
    pending: () => scrape(url, 'dtconnector_spool_pending_records'),
    deadLettered: () => scrape(url, 'dtconnector_records_dead_lettered_total'),
    received: () => scrape(url, 'dtconnector_alerts_received_total'),
    health: () => healthSummary(url),
    pollSuccesses: () => health(url),
    pollNow() {},
    pid: () => undefined,
    kill: refuse,
    restart: refuse,
    pause() {},
    resume() {},
    setClockSkew: (ms) => putClockSkew(url, ms),
    setSinkEnabled: (name, enabled) => postSinkEnabled(url, name, enabled),
    close: async () => {},
  };
}
