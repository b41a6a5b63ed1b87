// runScenario(fileOrObject, options): one scenario end to end, as `dtlab run` runs it, resolving to
// the run report (the object `--json` writes). An invalid scenario rejects with every error.
import { formatError, loadScenarioFile, parseScenario, type ScenarioError } from '../scenario/load.ts';
import { runScenario as runLoaded, type RunOptions, type Progress } from '../engine/run-scenario.ts';
import { writeJsonReport } from '../reports/json.ts';
import { writeJunitReport } from '../reports/junit.ts';
import { writeHtmlReport } from '../reports/html.ts';
import type { RunReport } from '../reports/model.ts';

export type { RunReport, Progress };

export interface RunScenarioOptions extends RunOptions {
  /** Also write the report files `dtlab run` writes with --json / --junit / --html. */
  json?: string;
  junit?: string;
  html?: string;
}

/** A scenario that does not validate: each error as `FILE:LINE:COL  KEY.PATH  REASON`, as `dtlab validate` prints. */
export class ScenarioValidationError extends Error {
  constructor(readonly errors: ScenarioError[]) {
    super(`invalid scenario:\n${errors.map(formatError).join('\n')}`);
    this.name = 'ScenarioValidationError';
  }
}

/**
 * Runs a scenario given as a file path (YAML) or as an object with the same keys
 * (docs/reference/scenarios.md). Resolves to the report whether or not its expectations hold
 * (`report.passed`); rejects only when the scenario is invalid or the run cannot start.
 */
export async function runScenario(scenario: string | Record<string, unknown>, options: RunScenarioOptions = {}): Promise<RunReport> {
  // JSON is YAML: an object goes through the same parser, schema and checks as a file.
  const loaded = typeof scenario === 'string' ? loadScenarioFile(scenario) : parseScenario(JSON.stringify(scenario, null, 2), '<scenario object>');
  if (!loaded.ok) throw new ScenarioValidationError(loaded.errors);
  const { json, junit, html, ...runOptions } = options;
  const report = await runLoaded(loaded.scenario, runOptions);
  if (json) writeJsonReport(json, [report]);
  if (junit) writeJunitReport(junit, [report]);
  if (html) writeHtmlReport(html, [report]);
  return report;
}
