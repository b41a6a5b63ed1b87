// Flag parsing and process-lifetime helpers shared by the server commands (sentinel, darktrace, connector).
import process from 'node:process';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: the command prints it and exits 2. */
export class UsageError extends Error {}

/** The long options of a command, as node:util parseArgs takes them. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** `DTLAB_SENTINEL_HTTPS_PORT` for command `sentinel`, flag `https-port`. */
export function envName(command: string, flag: string): string {
  return `DTLAB_${command}_${flag}`.toUpperCase().replace(/-/g, '_');
}

/** The help paragraph listing every variable a command reads, generated from its flags so it cannot drift. */
export function environmentHelp(command: string, flags: FlagSpec): string {
  const names = Object.keys(flags).map((f) => envName(command, f));
  const lines = ['environment (a flag wins over its variable; repeatable flags take several values separated by spaces;', 'switches take 1/true/yes or 0/false/no):'];
  let line = ' ';
  for (const n of names) {
    if (line.length + n.length + 1 > 100) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${n}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Flags taken from the environment by the last parseFlags call: flag → variable, for error messages. */
let fromEnvironment = new Map<string, string>();

/**
 * The command line with each flag it lacks taken from the environment (`DTLAB_<COMMAND>_<FLAG>`):
 * a flag given on the command line wins over its variable.
 */
export function argsWithEnvironment(command: string, flags: FlagSpec, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { args: string[]; fromEnv: Map<string, string> } {
  const out = [...args];
  const fromEnv = new Map<string, string>();
  const given = new Set(args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!));
  for (const [flag, spec] of Object.entries(flags)) {
    const name = envName(command, flag);
    const value = env[name];
    if (value === undefined || given.has(flag)) continue;
    if (spec.type === 'boolean') {
      const v = value.trim().toLowerCase();
      if (['1', 'true', 'yes'].includes(v)) out.push(`--${flag}`);
      else if (!['', '0', 'false', 'no'].includes(v)) throw new UsageError(`${name}: expected 1/true/yes or 0/false/no, got '${value}'`);
      else continue;
    } else {
      const values = spec.multiple ? value.split(/\s+/).filter(Boolean) : [value];
      for (const v of values) out.push(`--${flag}=${v}`);
    }
    fromEnv.set(flag, name);
  }
  return { args: out, fromEnv };
}

/**
 * node:util parseArgs, its complaints (unknown flag, missing value…) raised as UsageError. With
 * `env`, the flags the command line lacks come from the environment (see argsWithEnvironment).
 */
export function parseFlags<T extends ParseArgsConfig>(config: T, env?: { command: string; vars?: NodeJS.ProcessEnv }): ReturnType<typeof parseArgs<T>> {
  fromEnvironment = new Map();
  if (env && config.options && config.args) {
    const merged = argsWithEnvironment(env.command, config.options, config.args, env.vars);
    fromEnvironment = merged.fromEnv;
    config = { ...config, args: merged.args };
  }
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(usageMessage((err as Error).message));
  }
}

/** A usage complaint about a flag that came from the environment names the variable too. */
export function usageMessage(message: string): string {
  for (const [flag, name] of fromEnvironment) {
    if (message.includes(`--${flag}`)) return `${message} (set by ${name})`;
  }
  return message;
}

/** A numeric flag within [min, max]; integers only unless `integer` is false. */
export function numberFlag(flag: string, value: string, min: number, max: number, integer = true): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`${flag}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** A flag restricted to a fixed set of words; undefined when the flag is absent. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/**
 * Resolves on the first SIGINT or SIGTERM, so a server command can close cleanly. Later signals are
 * ignored while it closes: a second Ctrl-C must not kill it half-closed (a spool write or a store
 * flush cut short); SIGKILL still ends it.
 */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.on('SIGINT', ignore);
      process.on('SIGTERM', ignore);
      resolve();
    };
    const ignore = () => {};
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A server a command can run until told to stop. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * The life of a server command: build the server, listen, announce it, serve until SIGINT/SIGTERM,
 * close. A failure to build or to listen prints "dtlab NAME: reason" and exits 2 (after closing
 * what was built when listening failed).
 */
export async function serveUntilStopped<S extends Closable, L>(
  name: string,
  create: () => S | Promise<S>,
  listen: (server: S) => Promise<L>,
  announce: (server: S, listening: L) => void,
): Promise<number> {
  let server: S;
  try {
    server = await create();
  } catch (err) {
    process.stderr.write(`dtlab ${name}: ${usageMessage((err as Error).message)}\n`);
    return 2;
  }
  let listening: L;
  try {
    listening = await listen(server);
  } catch (err) {
    process.stderr.write(`dtlab ${name}: ${(err as Error).message}\n`);
    await server.close();
    return 2;
  }
  announce(server, listening);
  await untilStopSignal();
  await server.close();
  return 0;
}

/** The admin-access flags of the server commands: `--allowed-host NAME` (repeatable), `--admin-token T`. */
export const ADMIN_FLAGS = {
  'allowed-host': { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
} as const;

export const ADMIN_FLAGS_HELP = `  --allowed-host NAME       also answer the /_lab admin API for this Host (besides loopback names and
                            addresses, else 421); repeat for several
  --admin-token T           require "Authorization: Bearer T" on the /_lab admin API (else 401)`;

/** AdminAccess from the parsed admin flags; an empty token or host name is a usage error. */
export function adminAccessFrom(values: { 'allowed-host'?: string[]; 'admin-token'?: string }): { allowedHosts?: string[]; token?: string } {
  const allowedHosts = values['allowed-host'];
  if (allowedHosts?.some((h) => h.trim() === '' || /[\s/]/.test(h))) throw new UsageError('--allowed-host: expected a host name or address');
  if (values['admin-token'] !== undefined && values['admin-token'].trim() === '') throw new UsageError('--admin-token: must not be empty');
  return { ...(allowedHosts ? { allowedHosts } : {}), ...(values['admin-token'] !== undefined ? { token: values['admin-token'] } : {}) };
}
