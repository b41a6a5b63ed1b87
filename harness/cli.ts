// dtlab — one entry point, one module per command under harness/commands/.
// Commands load lazily so `dtlab sentinel` never pays for the simulator or the scenario engine.
import process from 'node:process';

export interface Command {
  /** One line for `dtlab --help`. */
  summary: string;
  /** Full text for `dtlab <command> --help`. */
  help: string;
  /** Runs the command; resolves to the process exit code (long-running servers resolve when stopped). */
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<{ command: Command }>> = {
  sentinel: () => import('./commands/sentinel.ts'),
  darktrace: () => import('./commands/darktrace.ts'),
  connector: () => import('./commands/connector.ts'),
  up: () => import('./commands/up.ts'),
  run: () => import('./commands/run.ts'),
  validate: () => import('./commands/validate.ts'),
  query: () => import('./commands/query.ts'),
  diff: () => import('./commands/diff.ts'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = ['usage: dtlab <command> [options]', '', 'commands:'];
    for (const [key, load] of Object.entries(commands)) {
      const { command } = await load();
      lines.push(`  ${key.padEnd(10)} ${command.summary}`);
    }
    lines.push('', 'Run `dtlab <command> --help` for the options of one command.');
    process.stdout.write(lines.join('\n') + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`dtlab: unknown command '${name}'. Run \`dtlab --help\` for the list.\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help.trimEnd() + '\n');
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`dtlab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
