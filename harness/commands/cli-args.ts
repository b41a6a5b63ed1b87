// Flag parsing and process-lifetime helpers shared by the server commands (sentinel, darktrace, connector).
import process from 'node:process';

/** A mistake in the command line: the command prints it and exits 2. */
export class UsageError extends Error {}

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
