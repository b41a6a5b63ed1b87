// Runs one scenario file of the library in-process and returns its report (for the vitest suites).
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, formatError } from '../../harness/scenario/load.ts';
import { runScenario } from '../../harness/engine/run-scenario.ts';
import type { RunReport } from '../../harness/reports/model.ts';

export const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export async function runLibraryScenario(name: string): Promise<RunReport> {
  const r = loadScenarioFile(`${SCENARIOS}${name}.yaml`);
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return runScenario(r.scenario);
}

/** The failed expectations as readable lines, so a failing test says which and why. */
export function failures(report: RunReport): string[] {
  return [
    ...(report.error ? [`run error: ${report.error}`] : []),
    ...report.expectations.filter((e) => !e.passed).map((e) => `${e.name}: expected ${e.expected}, measured ${e.measured}${e.message ? ` — ${e.message}` : ''}`),
  ];
}
