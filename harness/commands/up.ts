// dtlab up [--config FILE] — the whole lab in one process: the mock workspace, the simulator and the
// connector, wired as startLab wires them, on the documented ports; one prefixed log stream; the
// URLs printed once; SIGINT/SIGTERM stops all three.
import path from 'node:path';
import process from 'node:process';
import type { Command } from '../cli.ts';
import { ConfigError } from '../../connector/index.ts';
import { deepMerge } from '../engine/connector-config.ts';
import { startLab } from '../library/start-lab.ts';
import { UsageError, environmentHelp, numberFlag, parseFlags, untilStopSignal, usageMessage, type FlagSpec } from './cli-args.ts';
import { optionsFrom as darktraceOptions, reportPushFailures } from './darktrace.ts';
import { optionsFrom as sentinelOptions } from './sentinel.ts';
import { loadUpFile } from './up-config.ts';

const DEFAULT_RECEIVER_PORT = 4795;
const DEFAULT_STATE = '.state/dtlab-up';

export const UP_FLAGS = {
  config: { type: 'string' },
  'receiver-port': { type: 'string' },
  state: { type: 'string' },
  'log-level': { type: 'string' },
} satisfies FlagSpec;

const help = `usage: dtlab up [--config FILE] [options]

Runs the whole lab in one process, wired together: the mock workspace (dtlab sentinel's defaults:
HTTP 4780, HTTPS 4781), the simulator (dtlab darktrace's defaults: port 4790, seed 1, a 24 h
backfill) pushing every new alert to the connector's receiver (port ${DEFAULT_RECEIVER_PORT}), and the connector
polling the simulator every 10 s and delivering to the mock's Data Collector API with the
documented test-only workspace. Prints the URLs once, then every log line prefixed with its
source ([sentinel], [darktrace], [connector]); SIGINT (Ctrl-C) or SIGTERM stops all three.

System alerts reach the connector only by push: those in the simulator's backfilled history are
never polled, so they never land (docs/reference/connector.md).

options:
  --config FILE        YAML/JSON: "sentinel:" and "darktrace:" hold those commands' flags by their long
                       names (e.g. sentinel: { port: 5780, no-query-auth: true }), "connector:" connector
                       config keys merged over the wired ones (e.g. { sentinel: { mode: logsIngestion } }),
                       and receiver-port, state, log-level as below
  --receiver-port N    the connector's push receiver (default ${DEFAULT_RECEIVER_PORT}; 0 picks a free one)
  --state DIR          the connector's state: spool, checkpoints, dead letters (default ${DEFAULT_STATE})
  --log-level LEVEL    the connector's log level (default info: a summary line now and then)
  -h, --help           this text

Precedence: a flag, then the config file, then the environment, then the default. The mock and the
simulator also read their own variables (DTLAB_SENTINEL_*, DTLAB_DARKTRACE_*; see their --help).

${environmentHelp('up', UP_FLAGS)}`;

export const command: Command = {
  summary: 'run the whole lab (mock workspace, simulator, connector) wired together, in one command',
  help,
  async run(argv) {
    const write = (source: string, line: string) => process.stdout.write(`[${source}] ${line}\n`);
    let lab;
    try {
      const first = parseFlags({ args: argv, strict: true, allowPositionals: false, options: UP_FLAGS }, { command: 'up' }).values;
      const file = first.config === undefined ? undefined : loadUpFile(first.config);
      // The file's own keys count as flags: the environment fills only what neither sets.
      const given = new Set(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]));
      const fileArgs = (file?.upArgs ?? []).filter((a) => !given.has(a.slice(2).split('=')[0]!));
      const up = parseFlags({ args: [...argv, ...fileArgs], strict: true, allowPositionals: false, options: UP_FLAGS }, { command: 'up' }).values;
      const receiverPort = up['receiver-port'] === undefined ? DEFAULT_RECEIVER_PORT : numberFlag('--receiver-port', up['receiver-port'], 0, 65_535);
      const logLevel = up['log-level'] ?? 'info';
      const sentinel = await sentinelOptions(file?.sentinelArgs ?? []);
      const darktrace = darktraceOptions(file?.darktraceArgs ?? []);
      lab = await startLab({
        sentinel,
        darktrace,
        connector: deepMerge({ log: { level: logLevel } }, file?.connector ?? {}),
        ...(receiverPort ? { receiverPort } : {}),
        stateDir: path.resolve(up.state ?? DEFAULT_STATE),
        log: write,
      });
    } catch (err) {
      process.stderr.write(`dtlab up: ${usageMessage((err as Error).message)}\n`);
      return err instanceof UsageError ? 2 : err instanceof ConfigError ? 1 : 2;
    }
    const { sentinel, darktrace, connector } = lab;
    const mode = connector.connector.config.sentinel.mode;
    const lines = [
      'dtlab up: the lab is running (Ctrl-C stops it)',
      `  sentinel:  ${sentinel.url}  web page, Data Collector API, KQL, /_lab`,
      `             ${sentinel.httpsUrl}  Logs Ingestion and Entra (trust ${sentinel.caPath})`,
      `  darktrace: ${darktrace.url}  DTAPI (public token ${darktrace.publicToken}), /_lab`,
      `  connector: ${connector.url}  push ${connector.pushUrl}, /health, /metrics; sink ${mode}; state ${lab.stateDir}`,
      `  query:     dtlab query --url ${sentinel.url} "darktrace_model_alerts_CL | summarize count() by dtProduct_s"`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    reportPushFailures(darktrace.simulator.events, (line) => write('darktrace', line));
    await untilStopSignal();
    await lab.close();
    process.stdout.write('dtlab up: stopped\n');
    return 0;
  },
};
