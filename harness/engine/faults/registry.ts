// Every fault kind the engine can apply, by the name scenarios use. A new kind: its descriptor in
// harness/scenario/fault-kinds.ts (what validation knows), its object here, its schema branch.
import type { FaultName } from '../../scenario/types.ts';
import type { FaultKind } from './fault-kind.ts';
import { connectorClockSkew } from './connector-clock-skew.ts';
import { connectorKill } from './connector-kill.ts';
import { connectorPause } from './connector-pause.ts';
import { connectorSink } from './connector-sink.ts';
import { mockDrop } from './mock-drop.ts';
import { mockLatency } from './mock-latency.ts';
import { mockRoleMissing } from './mock-role-missing.ts';
import { mockRotateKey } from './mock-rotate-key.ts';
import { mockStatus } from './mock-status.ts';
import { mockStoreThenDrop } from './mock-store-then-drop.ts';
import { simulatorAuthError, simulatorSlow, simulatorStatus } from './simulator-api.ts';

export const FAULTS: ReadonlyMap<FaultName, FaultKind> = new Map(
  [mockStatus, mockLatency, mockDrop, mockStoreThenDrop, mockRoleMissing, mockRotateKey, connectorKill, connectorPause, connectorClockSkew, connectorSink, simulatorAuthError, simulatorStatus, simulatorSlow].map(
    (k) => [k.descriptor.name, k],
  ),
);
