// startSimulator(options): the Darktrace simulator in this process, listening, its clock running
// (unless asked not to), with its DTAPI token pair and an admin client.
import { createSimulator, type Simulator, type SimulatorOptions } from '../../simulator/index.ts';
import { DarktraceAdmin } from './darktrace-admin.ts';

export interface StartSimulatorOptions extends SimulatorOptions {
  /** Start the clock and the generation loop at once (default true), as `dtlab darktrace` does. */
  start?: boolean;
}

export interface SimulatorHandle {
  /** `http://HOST:PORT`: the Threat Visualizer and Darktrace/Email API (DTAPI-signed) and `/_lab`. */
  readonly url: string;
  /** The first DTAPI token pair the API accepts. */
  readonly publicToken: string;
  readonly privateToken: string;
  /** The admin API: generated alerts (ground truth), emit, clock, faults. */
  readonly admin: DarktraceAdmin;
  /** The simulator itself: its `events` (`alert:generated`, `push:failed`), clock and engine. */
  readonly simulator: Simulator;
  close(): Promise<void>;
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<SimulatorHandle> {
  const { start = true, ...opts } = options;
  const simulator = createSimulator(opts);
  const { url } = await simulator.listen();
  if (start) simulator.start();
  const tokens = simulator.policy.tokens[0]!;
  return {
    url,
    publicToken: tokens.public,
    privateToken: tokens.private,
    admin: new DarktraceAdmin(url, opts.admin?.token),
    simulator,
    close: () => simulator.close(),
  };
}
