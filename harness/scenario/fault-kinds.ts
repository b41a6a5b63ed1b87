// What each fault kind is, as data: its name, what it does, the parameters it takes and the topology it
// needs. Validation (load.ts, `dtlab validate`) reads this list; the engine's fault objects
// (harness/engine/faults/) carry the same descriptor and add how to apply and undo the fault. No
// service is imported here, so the loader stays light.
import type { FaultInput, FaultName, ScenarioInput } from './types.ts';

export interface FaultDescriptor {
  readonly name: FaultName;
  /** One sentence: what the fault does. */
  readonly description: string;
  /** Parameters besides `at` and `fault`, each with what it means. */
  readonly params: Readonly<Record<string, string>>;
  /** Parameters the fault cannot do without. */
  readonly required: readonly string[];
  /** Why this scenario's topology cannot run the fault (empty when it can). */
  check(f: FaultInput, s: ScenarioInput): string[];
}

const P = {
  for: 'how long the fault lasts (simulated time); without it, until the traffic ends',
  count: 'how many requests it answers, then it stops',
  probability: 'the share of requests it answers (0..1)',
  route: 'dataCollector, logsIngestion or any (default)',
  latency: 'the delay added to each request',
} as const;

const MOCK_RULE_PARAMS = { for: P.for, count: P.count, probability: P.probability, route: P.route };

/** The run's sinks as written: `sinks`, else the one `sink` (default dataCollector). */
export function sinksOf(s: ScenarioInput): readonly string[] {
  return s.topology?.sinks ?? [s.topology?.sink ?? 'dataCollector'];
}

function inProcessMock(f: FaultInput, s: ScenarioInput): string[] {
  return typeof s.topology?.mock === 'object' ? [`${f.fault} needs the in-process mock (an external workspace cannot be told to fail)`] : [];
}

function childConnector(_f: FaultInput, s: ScenarioInput): string[] {
  const c = s.topology?.connector;
  return c !== undefined && c !== 'child-process' ? [`needs the connector as a child process (topology.connector: child-process), not ${JSON.stringify(c)}`] : [];
}

function inProcessSimulator(_f: FaultInput, s: ScenarioInput): string[] {
  return typeof s.topology?.simulator === 'object' ? ['simulator faults need the in-process simulator'] : [];
}

export const FAULT_KINDS: readonly FaultDescriptor[] = [
  {
    name: 'mock.status',
    description: 'The mock answers with an error status instead of ingesting: 429 (with Retry-After when retryAfter is set), 500 or 503.',
    params: { ...MOCK_RULE_PARAMS, status: '429, 500 or 503', retryAfter: 'seconds, sent as Retry-After (429 and 503)' },
    required: ['status'],
    check: inProcessMock,
  },
  {
    name: 'mock.latency',
    description: 'The mock answers late.',
    params: { ...MOCK_RULE_PARAMS, latency: P.latency },
    required: ['latency'],
    check: inProcessMock,
  },
  {
    name: 'mock.drop',
    description: 'The mock drops the connection without answering or storing.',
    params: MOCK_RULE_PARAMS,
    required: [],
    check: inProcessMock,
  },
  {
    name: 'mock.storeThenDrop',
    description: 'The mock stores the batch, then drops the connection: the connector sees a network error for data that landed.',
    params: MOCK_RULE_PARAMS,
    required: [],
    check: inProcessMock,
  },
  {
    name: 'mock.roleMissing',
    description: 'Logs Ingestion answers 403 OperationFailed, as for an app without its role assignment on the DCR, until `for` ends.',
    params: { for: 'when the role assignment arrives; without it, never' },
    required: [],
    check: (f, s) => [...inProcessMock(f, s), ...(!sinksOf(s).includes('logsIngestion') ? ['a role assignment applies to the Logs Ingestion sink (topology.sink: logsIngestion)'] : [])],
  },
  {
    name: 'mock.rotateKey',
    description: "The workspace's primary key is regenerated: only the secondary key still signs.",
    params: {},
    required: [],
    check: (f, s) => [...inProcessMock(f, s), ...(!sinksOf(s).includes('dataCollector') ? ['key rotation applies to the Data Collector sink (SharedKey)'] : [])],
  },
  {
    name: 'connector.kill',
    description: "kill -9 of the connector's process, restarted after restartAfter.",
    params: { restartAfter: 'wall time before the restart (default at once)' },
    required: [],
    check: childConnector,
  },
  {
    name: 'connector.pause',
    description: "SIGSTOP of the connector's process, SIGCONT after `for`.",
    params: { for: 'how long the process stands still (simulated time)' },
    required: ['for'],
    check: childConnector,
  },
  {
    name: 'connector.clockSkew',
    description: "The connector's signing clock runs `skew` ahead (negative: behind) until `for` ends.",
    params: { for: P.for, skew: 'how far the clock is off, e.g. 20m or -20m' },
    required: ['skew'],
    check: inProcessMock,
  },
  {
    name: 'connector.sink',
    description: "One of the connector's sinks is disabled (enabled: false, a cutover) or enabled through its admin port; after `for` it is set back.",
    params: { for: 'how long the change lasts (simulated time); without it, for the rest of the run', sink: "the connector sink's name (each is named after its mode)", enabled: 'true or false' },
    required: ['sink', 'enabled'],
    check: (f, s) => {
      const sinks = sinksOf(s);
      const named = s.topology?.connectorConfig?.sinks !== undefined;
      return typeof s.topology?.connector === 'object'
        ? ['connector.sink needs a connector the run starts']
        : !named && f.sink !== undefined && !sinks.includes(f.sink)
          ? [`the run's connector has no sink named ${JSON.stringify(f.sink)} (its sinks: ${sinks.join(', ')})`]
          : [];
    },
  },
  {
    name: 'simulator.authError',
    description: 'The Darktrace API rejects every signature.',
    params: { for: P.for, count: P.count },
    required: [],
    check: inProcessSimulator,
  },
  {
    name: 'simulator.status',
    description: 'The Darktrace API answers with a 5xx status.',
    params: { for: P.for, count: P.count, status: 'a status from 500 to 599' },
    required: ['status'],
    check: inProcessSimulator,
  },
  {
    name: 'simulator.slow',
    description: 'The Darktrace API answers late.',
    params: { for: P.for, count: P.count, latency: P.latency },
    required: ['latency'],
    check: inProcessSimulator,
  },
];

const BY_NAME = new Map(FAULT_KINDS.map((k) => [k.name, k]));

/** The descriptor of a fault kind, or undefined for a name no kind has. */
export function faultKind(name: string): FaultDescriptor | undefined {
  return BY_NAME.get(name as FaultName);
}
