// dtlab connector --config FILE [--check] — run the Darktrace → Sentinel connector.
import process from 'node:process';
import type { Command } from '../cli.ts';
import { environmentHelp, parseFlags, untilStopSignal, type FlagSpec } from './cli-args.ts';
import { ConfigError, createConnector, loadConfigFile, reloadOnHangup } from '../../connector/index.ts';

export const CONNECTOR_FLAGS = { config: { type: 'string' }, check: { type: 'boolean' } } satisfies FlagSpec;

export const command: Command = {
  summary: 'run the Darktrace → Sentinel connector (pollers, push receiver, durable spool, sink)',
  help: `usage: dtlab connector --config FILE [--check]

Runs the connector described by FILE (YAML or JSON; see docs/reference/connector.md and
connector/examples/lab.yaml). Secrets may be written as \${VAR} (environment) or \${file:PATH}.

  --config FILE   the connector config (required)
  --check         validate the config, try both ends (a signed Darktrace request and a signed
                  empty Sentinel post), print the result and exit: 0 ok, 1 a problem, 2 usage

Prints "connector listening on http://HOST:PORT" when the receiver/health server is up, then
JSON logs (pino). Stops cleanly on SIGINT/SIGTERM; the spool keeps what is not yet delivered.
SIGHUP re-reads FILE and applies each sink's enabled (sinks: list); an invalid file is logged
with its key paths and the connector keeps running on the config it has.

${environmentHelp('connector', CONNECTOR_FLAGS)}`,
  async run(argv) {
    let values: { config?: string; check?: boolean };
    try {
      values = parseFlags({ args: argv, strict: true, options: CONNECTOR_FLAGS }, { command: 'connector' }).values;
    } catch (err) {
      process.stderr.write(`dtlab connector: ${(err as Error).message}\n`);
      return 2;
    }
    if (!values.config) {
      process.stderr.write('dtlab connector: --config FILE is required (dtlab connector --help)\n');
      return 2;
    }
    let config;
    try {
      config = loadConfigFile(values.config);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`dtlab connector: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
    const connector = createConnector(config);
    if (values.check) {
      const problems = await connector.check();
      await connector.close();
      if (problems.length) {
        for (const p of problems) process.stderr.write(`dtlab connector --check: ${p}\n`);
        return 1;
      }
      process.stdout.write(`config ok; darktrace ${config.darktrace.url} and sentinel ${config.sentinel.endpoint} answered\n`);
      return 0;
    }
    await connector.start();
    if (config.receiver || config.monitoring) {
      const { url } = await connector.listen();
      process.stdout.write(`connector listening on ${url}\n`);
    }
    // SIGHUP re-reads the file and applies each sink's `enabled` (a cutover without a restart).
    const stopReload = reloadOnHangup(values.config, connector, connector.log);
    await untilStopSignal();
    stopReload();
    await connector.close();
    return 0;
  },
};
