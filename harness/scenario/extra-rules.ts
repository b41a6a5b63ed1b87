// Rule files given on the command line (`dtlab run --rules`, `check:content --scenario … --rules`),
// added to a scenario's own `analytics.rules`, resolved from the current directory.
import { resolve } from 'node:path';
import type { Scenario } from './types.ts';

export function withExtraRules(s: Scenario, paths: string[]): Scenario {
  if (!paths.length) return s;
  return { ...s, analytics: { ...s.analytics, rules: [...(s.analytics.rules ?? []), ...paths.map((p) => resolve(p))] } };
}
