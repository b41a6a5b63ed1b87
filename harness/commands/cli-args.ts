// Flag parsing and process-lifetime helpers shared by the server commands (sentinel, darktrace, connector).
import process from 'node:process';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: the command prints it and exits 2. */
export class UsageError extends Error {}

/** node:util parseArgs, its complaints (unknown flag, missing value…) raised as UsageError. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
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

/** Resolves on the first SIGINT or SIGTERM, so a server command can close cleanly. */
export function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
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
    process.stderr.write(`dtlab ${name}: ${(err as Error).message}\n`);
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
