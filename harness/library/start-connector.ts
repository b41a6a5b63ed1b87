// startConnector(config): the connector in this process, started and (when its config has a
// receiver or monitoring listener) serving, from a config object (as the YAML file would hold it)
// or a config file.
import type { DestinationStream } from 'pino';
import { createConnector, loadConfigFile, resolveConfig, type Connector } from '../../connector/index.ts';

export interface StartConnectorOptions {
  /** Directory that a relative `state` and `${file:}` references resolve against (default: cwd, or the file's). */
  baseDir?: string;
  /** Environment for `${VAR}` references (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where its pino JSON log lines go (default stdout; its `log.level` config key sets the level). */
  logDestination?: DestinationStream;
}

export interface ConnectorHandle {
  /** `http://HOST:PORT` of its receiver/health server, when the config has `receiver` or `monitoring`. */
  readonly url: string | undefined;
  /** Where the simulator (or you) pushes alerts: `url` + the receiver path, when there is a receiver. */
  readonly pushUrl: string | undefined;
  /** The connector itself: `events` (`spooled`, `delivered`, `dead-lettered`, `idle`), `pending()`, `waitIdle()`, `pollNow()`, metrics. */
  readonly connector: Connector;
  /** Resolves true once every spooled record is delivered (false after timeoutMs, default 60 s). */
  waitIdle(timeoutMs?: number): Promise<boolean>;
  /** Stops the pollers and delivery and closes its server; the spool stays on disk. */
  close(): Promise<void>;
}

/**
 * Validates `config` (a ConfigError names each bad key path and the reason), starts the connector and
 * its server. `config` is what `dtlab connector --config FILE` reads: an object or the file's path.
 */
export async function startConnector(config: string | Record<string, unknown>, options: StartConnectorOptions = {}): Promise<ConnectorHandle> {
  const load = { ...(options.env ? { env: options.env } : {}), ...(options.baseDir ? { baseDir: options.baseDir } : {}) };
  const resolved = typeof config === 'string' ? loadConfigFile(config, load) : resolveConfig(structuredClone(config), load);
  const connector = createConnector(resolved, options.logDestination ? { logDestination: options.logDestination } : {});
  let url: string | undefined;
  try {
    await connector.start();
    if (resolved.receiver || resolved.monitoring) url = (await connector.listen()).url;
  } catch (err) {
    await connector.close();
    throw err;
  }
  return {
    url,
    pushUrl: url && resolved.receiver ? url + resolved.receiver.path : undefined,
    connector,
    waitIdle: (timeoutMs) => connector.waitIdle(timeoutMs),
    close: () => connector.close(),
  };
}
