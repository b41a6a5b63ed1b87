// Config reload on SIGHUP: the file is read again and what may change while running is applied
// (each sink's `enabled`). An invalid file, or one that changes what needs a restart, is reported
// with its key paths at error level and the connector keeps running on the config it has.
import process from 'node:process';
import type { Logger } from 'pino';
import { ConfigError, loadConfigFile } from './load.ts';
import type { ConnectorConfig } from './types.ts';

export interface Reloadable {
  applyConfig(next: ConnectorConfig): Promise<string[]>;
}

/** Re-reads `file` and applies it; resolves to what changed, or the problems (nothing is applied then). */
export async function reloadConfig(file: string, target: Reloadable, log: Logger): Promise<{ changed: string[] } | { problems: string[] }> {
  try {
    const changed = await target.applyConfig(loadConfigFile(file));
    log.info({ file, changed }, changed.length ? 'config reloaded' : 'config reloaded; nothing to change');
    return { changed };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error({ file, problems: err.issues }, 'config reload refused; still running on the previous config');
    return { problems: err.issues };
  }
}

/** Reloads `file` on each SIGHUP (one at a time); returns the function that stops listening. */
export function reloadOnHangup(file: string, target: Reloadable, log: Logger): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const onHup = () => {
    running = running.then(() => reloadConfig(file, target, log)).catch((err: unknown) => log.error({ err: (err as Error).message }, 'config reload failed'));
  };
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
