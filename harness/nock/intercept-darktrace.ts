// interceptDarktrace(): a Darktrace appliance's hostname routed by nock to an in-process simulator
// (the same express app `dtlab darktrace` serves, DTAPI signature checks and errors included), so a
// Darktrace client's tests run against realistic, seeded data with no ports.
import { createSimulator, DEFAULT_TOKENS, type Simulator, type SimulatorOptions } from '../../simulator/index.ts';
import { InMemoryHttp } from './in-memory-http.ts';
import { routeOrigin } from './nock-route.ts';

export interface InterceptDarktraceOptions {
  /** The appliance's hostname as the client calls it, e.g. `darktrace.example.com` (`host:port` works too). */
  host: string;
  /** `https` (default, as appliances serve their API) or `http`. */
  protocol?: 'https' | 'http';
  /** The DTAPI token pair the simulator accepts (default the lab's documented test pair). */
  publicToken?: string;
  privateToken?: string;
  /**
   * The simulator's own options (seed, world, rates, backfill, …). Defaults here suit unit tests: a
   * stepped clock (`speed: 0`, time moves only with `simulator.advance(ms)`, no timers left running)
   * starting now, with the simulator's default 24 h of history.
   */
  simulator?: Omit<SimulatorOptions, 'host' | 'port' | 'tokens' | 'push'>;
}

export interface DarktraceRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  status: number;
  /** The simulator's error code when refused (e.g. `API_SIGNATURE_ERROR`). */
  error?: string;
}

export interface DarktraceInterception {
  /** The in-process simulator: ground truth (`engine.truth`), `advance()`, `emitNow()`, `startStory()`, API faults. */
  readonly simulator: Simulator;
  /** `https://<host>`: the base URL the client is configured with. */
  readonly url: string;
  readonly publicToken: string;
  readonly privateToken: string;
  /** Every API request the simulator answered, oldest first. */
  requests(): DarktraceRequest[];
  /** Removes the nock interceptors. */
  restore(): void;
  /** restore() and stop the simulator. */
  close(): Promise<void>;
}

export function interceptDarktrace(options: InterceptDarktraceOptions): DarktraceInterception {
  if (!options?.host) throw new Error('interceptDarktrace: host is required (the appliance hostname your client calls)');
  if ((options.publicToken === undefined) !== (options.privateToken === undefined)) {
    throw new Error('interceptDarktrace: give publicToken and privateToken together');
  }
  const tokens = options.publicToken && options.privateToken ? [{ public: options.publicToken, private: options.privateToken }] : DEFAULT_TOKENS;
  const simulator = createSimulator({ speed: 0, ...options.simulator, tokens });
  const log: DarktraceRequest[] = [];
  simulator.events.on('request:end', (e: { method: string; url: string; status: number; error?: string }) => {
    log.push({ method: e.method, url: e.url, status: e.status, ...(e.error ? { error: e.error } : {}) });
  });
  const protocol = options.protocol ?? 'https';
  const url = `${protocol}://${options.host}`;
  const route = routeOrigin(url, new InMemoryHttp(simulator.app), protocol === 'https');
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    route.restore();
  };
  return {
    simulator,
    url,
    publicToken: tokens[0]!.public,
    privateToken: tokens[0]!.private,
    requests: () => log.map((r) => ({ ...r })),
    restore,
    async close() {
      restore();
      await simulator.close();
    },
  };
}
