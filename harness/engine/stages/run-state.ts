// What the stages of a run share: the services started, the simulated clock, and what the report
// collects along the way.
import type { FaultRecord } from '../../reports/model.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { SeriesSampler } from '../../measure/series.ts';
import type { ConnectorDriver } from '../connector-driver.ts';
import type { LandingTracker } from '../landing-tracker.ts';
import type { MockDriver } from '../mock-driver.ts';
import type { SimulatorDriver } from '../simulator-driver.ts';

export type Phase = 'starting' | 'traffic' | 'draining' | 'evaluating';

/** The three services and the harness's observers, once the topology has started. */
export interface Lab {
  mock: MockDriver;
  sim: SimulatorDriver;
  connector: ConnectorDriver;
  tracker: LandingTracker;
  sampler: SeriesSampler;
  /** Requests one kill of the connector can abandon: the Logs Ingestion sink's concurrency, else 1. */
  inFlightAtMost: number;
  /** The dead-letter file of a connector the run started (undefined for an external one). */
  deadLetterFile?: string;
}

export interface RunState {
  readonly scenario: Scenario;
  readonly log: (line: string) => void;
  /** Simulated start and now, epoch ms. */
  simStart: number;
  simNow: number;
  /** What has started so far (closed at the end, whatever failed). */
  mock?: MockDriver;
  sim?: SimulatorDriver;
  connector?: ConnectorDriver;
  tracker?: LandingTracker;
  sampler?: SeriesSampler;
  /** Timeline entries applied, for the report. */
  readonly faults: FaultRecord[];
  /** Work started during the traffic that the drain waits for (a connector restart). */
  readonly pendingWork: Promise<unknown>[];
  /** The requests killed connectors may have abandoned mid-flight (see Observations.abandonedByKills). */
  abandonedByKills: number;
  /** Set when the traffic is over and the drain begins: samples from then on are the drain's. */
  draining?: boolean;
  /** Wall time (performance.now) of the run's start. */
  readonly wall0: number;
  /** Reports progress (the CLI's bar or lines). */
  progress(phase: Phase): void;
  /** Samples the series when one is due and reports progress then. */
  sampleIfDue(phase: Phase): void;
}
