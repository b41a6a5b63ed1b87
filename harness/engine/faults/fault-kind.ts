// One fault kind of a scenario: its descriptor (name, parameters, what it needs — shared with
// validation) and how the engine applies it, undoes it and describes it. The registry (registry.ts)
// maps fault names to these objects.
import type { FaultRuleInput } from '../../../mock-sentinel/index.ts';
import type { FaultDescriptor } from '../../scenario/fault-kinds.ts';
import type { Fault } from '../../scenario/types.ts';
import type { ClockHold } from '../clock-hold.ts';
import type { ConnectorDriver } from '../connector-driver.ts';
import type { MockDriver } from '../mock-driver.ts';
import type { SimulatorDriver } from '../simulator-driver.ts';

/** One scheduled fault of the scenario: its position in `faults:` and the id its mock rule carries. */
export interface FaultRef {
  index: number;
  /** `scenario-N`, N counting from 1. */
  id: string;
}

/** The mock's fault rules in force, one per scenario fault; every change replaces the whole set. */
export class MockRules {
  readonly rules = new Map<string, FaultRuleInput>();
  constructor(private readonly mock: MockDriver) {}
  async set(id: string, rule: FaultRuleInput): Promise<void> {
    this.rules.set(id, rule);
    await this.sync();
  }
  async delete(id: string): Promise<void> {
    this.rules.delete(id);
    await this.sync();
  }
  sync(): Promise<void> {
    return this.mock.setFaults([...this.rules.values()]);
  }
}

/** What a connector fault changes that outlives one call: a restart must apply the skew in force again. */
export interface ConnectorFaultState {
  /** The signing-clock skew in force (lost when the process is killed). */
  skewMs: number;
  /** Whether a killed connector is starting again. */
  restarting: boolean;
  /** The previous kill's restart: a kill waits for it, so it never kills a connector still starting. */
  restartDone: Promise<unknown>;
}

export interface FaultContext {
  readonly seed: number;
  readonly mock: MockDriver;
  readonly sim: SimulatorDriver;
  readonly conn: ConnectorDriver;
  readonly log: (line: string) => void;
  readonly mockRules: MockRules;
  readonly connector: ConnectorFaultState;
  readonly clock: ClockHold;
  /** Work a fault started that the drain waits for (a restart). */
  readonly pendingWork: Promise<unknown>[];
  /** Requests one kill of the connector can abandon mid-flight. */
  readonly inFlightAtMost: number;
  /** Counts requests a kill may have abandoned (see Observations.abandonedByKills). */
  abandoned(requests: number): void;
  /** A connector sink was enabled or disabled (connector.sink): the landing tracker waits only on enabled ones. */
  sinkEnabled(name: string, enabled: boolean): void;
}

export interface FaultKind {
  readonly descriptor: FaultDescriptor;
  /** What the fault does when it starts, for the log and the report (its `for` is added by the caller). */
  describe(f: Fault): string;
  /** Starts the fault; resolves to a note appended to the description ('' for none). */
  apply(f: Fault, ctx: FaultContext, ref: FaultRef): Promise<string>;
  /** Ends the fault when its `for` is over; resolves to what happened. Without it the fault lasts until the traffic ends. */
  undo?(f: Fault, ctx: FaultContext, ref: FaultRef): Promise<string>;
}
