// The connector CLI (`dtlab connector --config FILE`) as a child process, for kill -9 tests.
// Run as `node --import tsx` (not npx), so the child's pid is the connector's own and SIGKILL
// reaches it directly.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ConnectorProcess {
  child: ChildProcess;
  /** The URL it printed (`connector listening on …`); rejects if it exits first. */
  url: Promise<string>;
  exited: Promise<number | null>;
  /** stdout and stderr so far (pino JSON lines). */
  output: () => string;
}

export function startConnectorProcess(configFile: string): ConnectorProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'connector', '--config', configFile], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /connector listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`connector exited (${code}) before listening: ${out.slice(-2000)}`)));
  });
  url.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exited, output: () => out };
}

/** Suspected-duplicate ranges a connector reported at start, in its log: seqs from+1..to each. */
export function suspectedRanges(output: string): Array<{ from: number; to: number }> {
  return output.split('\n').filter((l) => l.includes('suspected duplicates')).map((l) => {
    const e = JSON.parse(l) as { from: number; to: number };
    return { from: e.from - 1, to: e.to };
  });
}
