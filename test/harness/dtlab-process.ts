// A dtlab command in its own process group, as a terminal runs it: its output collected, waited on
// until a line appears (never a sleep), and stopped with a signal sent to the whole group (Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';

export interface DtlabProcess {
  child: ChildProcess;
  /** Everything written so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves to the output once `pattern` matches it; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Sends `signal` to the process group (as Ctrl-C in a terminal does); resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function startDtlab(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): DtlabProcess {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            listeners.delete(check);
            resolve(out);
          }
        };
        listeners.add(check);
        check();
        void exited.then((code) => {
          if (listeners.delete(check)) reject(new Error(`exited ${code} before ${pattern}:\n${out}`));
        });
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, signal);
      return exited;
    },
  };
}
