// Sentinel content over what a scenario landed (`check:content --scenario FILE`): the scenario runs
// as `dtlab run` runs it (e.g. scenarios/demo.yaml, the demo `npm start` shows), with the given rule
// files added to its mock; once its expectations are evaluated, every panel of the workbooks runs
// over the workspace the run left. The rules' results are the run's own (they ran on its clock).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadRuleFiles } from '../../mock-sentinel/analytics/load-rules.ts';
import { scenarioRules } from '../engine/analytics-observer.ts';
import { runScenario } from '../engine/run-scenario.ts';
import { formatError, loadScenarioFile } from '../scenario/load.ts';
import { withExtraRules } from '../scenario/extra-rules.ts';
import { familyOf, resolveForFamily, runPanels, type ContentCheckReport, type Family, type PanelResult, type RuleResult } from './content-check.ts';
import { workbookPanels } from './workbook-panels.ts';

export interface ScenarioContentOptions {
  scenario: string;
  /** Rule files or folders to add; only these are reported (all the run's rules when none are given). */
  rules?: string[];
  workbooks?: string[];
  log?: (line: string) => void;
}

export interface ScenarioContentReport extends ContentCheckReport {
  /** Whether the scenario's own expectations held. */
  scenarioPassed: boolean;
  runError?: string;
}

export async function checkScenarioContent(o: ScenarioContentOptions): Promise<ScenarioContentReport> {
  const loaded = loadScenarioFile(o.scenario);
  if (!loaded.ok) throw new Error(`invalid scenario:\n${loaded.errors.map(formatError).join('\n')}`);
  const scenario = withExtraRules(loaded.scenario, o.rules ?? []);
  const given = new Set((o.rules?.length ? loadRuleFiles(o.rules) : []).map((r) => r.id.toLowerCase()));
  // The family of each rule the run loads, from the tables its query reads.
  const families = new Map(scenarioRules(scenario).map((r) => [r.id.toLowerCase(), familyOf(r.query)]));
  const workbooks = (o.workbooks ?? []).map((file) => workbookPanels(JSON.parse(readFileSync(file, 'utf8')), basename(file)));
  const panels: PanelResult[] = [];
  o.log?.(`running ${scenario.name}`);
  const run = await runScenario(scenario, {
    log: o.log,
    async afterRun(mock) {
      for (const w of workbooks) {
        for (const family of ['legacy', 'logsIngestion'] as Family[]) {
          const mine = w.panels.filter((p) => familyOf(resolveForFamily(p, w.parameters)) === family);
          panels.push(...(await runPanels(mock.kql, family, mine, w.parameters)));
        }
      }
    },
  });
  const rules: RuleResult[] = (run.analytics?.rules ?? [])
    .filter((r) => !given.size || given.has(r.id.toLowerCase()))
    .map((r) => ({ id: r.id, name: r.name, family: families.get(r.id.toLowerCase()) ?? 'legacy', runs: r.runs, alerts: r.alertsRaised, ...(r.lastError ? { error: r.lastError } : {}) }));
  const passed = !run.error && panels.every((p) => p.rows > 0 && !p.error) && rules.every((r) => r.alerts > 0 && !r.error);
  return { panels, rules, passed, scenarioPassed: run.passed, ...(run.error ? { runError: run.error } : {}) };
}

