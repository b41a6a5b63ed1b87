// The issues resolveConfig() reports for a raw config (key path and reason each), or [] when it loads.
import { ConfigError, resolveConfig } from '../../../connector/config/load.ts';

export function configIssues(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolveConfig(raw, { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}
