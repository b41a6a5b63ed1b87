// startLab(options): the mock workspace, the simulator and the connector in this process, wired as
// `dtlab up` wires them — the connector polls the simulator and receives its pushes (system alerts
// reach it only by push), and delivers to the mock with the documented test-only credentials.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deepMerge, LAB_ENTRA, PUSH_TOKEN } from '../engine/connector-config.ts';
import { freePort } from '../engine/connector-driver.ts';
import { startConnector, type ConnectorHandle } from './start-connector.ts';
import { startMockSentinel, type MockSentinelHandle, type StartMockSentinelOptions } from './start-mock-sentinel.ts';
import { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from './start-simulator.ts';
import { prefixedLines, type LabLog } from './prefixed-lines.ts';
import type { AlertType } from '../../simulator/index.ts';

export interface StartLabOptions {
  /** Mock workspace options (default: a free port, HTTPS on a free port, in-memory store). */
  sentinel?: StartMockSentinelOptions;
  /** Simulator options (default: a free port, seed 1, a 24 h backfill, real-time clock); the push to the connector is added to any `push` given. */
  darktrace?: StartSimulatorOptions;
  /**
   * Connector config merged key by key over the wired one (`darktrace`, `sentinel`, `receiver`,
   * `poll: { interval: 10s, clock: appliance }`, `state`, `log`). `sentinel: { mode: logsIngestion }` wires the Logs
   * Ingestion sink to the mock's HTTPS endpoint, Entra and DCR instead of the Data Collector API.
   */
  connector?: Record<string, unknown>;
  /** The connector's receiver port (default a free one). */
  receiverPort?: number;
  /** Alert types the simulator pushes to the receiver (default all four; system alerts come only this way). */
  pushTypes?: AlertType[];
  /** The connector's state directory (default: a fresh temporary one, removed by close()). */
  stateDir?: string;
  /** Receives every log line of the mock and the connector with its source (default: none printed). */
  log?: LabLog;
}

export interface LabHandle {
  readonly sentinel: MockSentinelHandle;
  readonly darktrace: SimulatorHandle;
  readonly connector: ConnectorHandle;
  /** The connector's state directory (spool, checkpoints, dead letters). */
  readonly stateDir: string;
  /** Stops the simulator, then the connector (its spool stays on disk), then the mock. */
  close(): Promise<void>;
}

/** The connector config that wires it to this lab's simulator and mock. */
export function labConnectorConfig(sentinel: MockSentinelHandle, darktrace: SimulatorHandle, receiverListen: string, stateDir: string, mode: unknown): Record<string, unknown> {
  const sink =
    mode === 'logsIngestion'
      ? {
          mode: 'logsIngestion',
          endpoint: sentinel.logsIngestion?.endpoint ?? fail('the Logs Ingestion sink needs the mock with tls'),
          authorityHost: sentinel.logsIngestion!.authorityHost,
          dcrImmutableId: LAB_ENTRA.dcrImmutableId,
          tenantId: LAB_ENTRA.tenantId,
          clientId: LAB_ENTRA.clientId,
          clientSecret: LAB_ENTRA.clientSecret,
          ...(sentinel.caPath ? { caFile: sentinel.caPath } : {}),
        }
      : { mode: 'dataCollector', workspaceId: sentinel.workspaceId, sharedKey: sentinel.sharedKey, ...(sentinel.secondaryKey ? { secondaryKey: sentinel.secondaryKey } : {}), endpoint: sentinel.url };
  return {
    darktrace: { url: darktrace.url, publicToken: darktrace.publicToken, privateToken: darktrace.privateToken },
    sentinel: sink,
    receiver: { listen: receiverListen, token: PUSH_TOKEN },
    // The simulator's clock may start in the past or run fast (--clock-start, --speed): the poll
    // windows follow it, not the wall clock (decision 0023).
    poll: { interval: '10s', clock: 'appliance' },
    state: stateDir,
    log: { level: 'warn' },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

export async function startLab(options: StartLabOptions = {}): Promise<LabHandle> {
  const log = options.log;
  const ownState = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'dtlab-lab-'));
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const sentinel = await startMockSentinel({
      ...options.sentinel,
      ...(log ? { logDestination: prefixedLines('sentinel', log) } : {}),
    });
    started.push(sentinel);
    // The receiver's URL goes into the simulator's push target before the connector starts, and the
    // connector needs the simulator's URL: so the port is chosen first.
    const receiverPort = options.receiverPort || (await freePort());
    const darktrace = await startSimulator({
      ...options.darktrace,
      push: [...(options.darktrace?.push ?? []), { url: `http://127.0.0.1:${receiverPort}/push`, token: PUSH_TOKEN, ...(options.pushTypes ? { types: options.pushTypes } : {}) }],
    });
    started.push(darktrace);
    const override = options.connector ?? {};
    const mode = (override.sentinel as { mode?: unknown } | undefined)?.mode;
    const config = deepMerge(labConnectorConfig(sentinel, darktrace, `127.0.0.1:${receiverPort}`, stateDir, mode), override);
    const connector = await startConnector(config, log ? { logDestination: prefixedLines('connector', log) } : {});
    started.push(connector);
    return {
      sentinel,
      darktrace,
      connector,
      stateDir,
      async close() {
        await darktrace.close();
        await connector.close();
        await sentinel.close();
        if (ownState) rmSync(stateDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => {});
    if (ownState) rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}
