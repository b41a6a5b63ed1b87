// The Darktrace side of a run, seen through the interface the engine needs. The implementations
// live in simulators.ts (in-process and at a URL) — this file only fixes the contract.
import type { AlertType } from '../scenario/types.ts';
import type { AlertPatch } from '../../simulator/index.ts';

export interface GroundTruth {
  type: AlertType;
  id: string;
  /** Simulated time of the alert, epoch ms. */
  time: number;
  /** System alerts: the status this update carries (each update is its own alert). */
  status?: string;
}

export type SimulatorFault = { kind: 'authError' } | { kind: 'status'; status: number } | { kind: 'slow'; latencyMs: number };

export interface SimulatorDriver {
  readonly url: string;
  readonly publicToken: string;
  readonly privateToken: string;
  /** Simulated now, epoch ms. */
  now(): Promise<number>;
  /** Moves simulated time to `ms` (generating the background traffic due until then). */
  advanceTo(ms: number): Promise<void>;
  /** Emits `count` alerts of `type` now; alert i gets `patches[i]` (fields set or removed) when given. */
  emit(type: AlertType, count: number, patches?: AlertPatch[]): Promise<void>;
  story(name: string, params: Record<string, unknown>): Promise<void>;
  /** Ground truth generated after the previous call (each alert once). */
  newlyGenerated(): Promise<GroundTruth[]>;
  /** Replaces the simulator's fault rules (PUT /_lab/faults, which restarts the hit counts) or clears them. */
  setFault(fault: SimulatorFault | undefined): Promise<void>;
  /** Darktrace API requests the rules in force answered or altered so far (their `hits`). */
  faultHits(): Promise<number>;
  close(): Promise<void>;
}
