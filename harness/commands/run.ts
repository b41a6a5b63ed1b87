// dtlab run SCENARIO… [--json F] [--junit F] [--html F] — run scenarios end to end; exit 0 only if
// every expectation of every scenario holds.
import { parseArgs } from 'node:util';
import process from 'node:process';
import type { Command } from '../cli.ts';
import { loadScenarioFile, formatError } from '../scenario/load.ts';
import { runScenario } from '../engine/run-scenario.ts';
import { progressView } from '../engine/progress.ts';
import { terminalReport } from '../reports/terminal.ts';
import { writeJsonReport } from '../reports/json.ts';
import { writeJunitReport } from '../reports/junit.ts';
import { writeHtmlReport } from '../reports/html.ts';
import type { RunReport } from '../reports/model.ts';
import { withExtraRules } from '../scenario/extra-rules.ts';

export const command: Command = {
  summary: 'run scenarios end to end; exit 0 only if every expectation holds',
  help: `usage: dtlab run SCENARIO… [--json FILE] [--junit FILE] [--html FILE] [--rules PATH…] [--verbose] [--strict]

Runs each scenario file (see docs/reference/scenarios.md): starts the simulator, the mock workspace
and the connector as its topology says, drives the simulated clock and the traffic, applies the
faults on schedule, waits until the connector has drained, and checks every expectation. Before
anything starts, every file is checked as \`dtlab validate\` checks it; an error in any file runs none.

  --json FILE    write the run report as JSON (one scenario: the report; several: { passed, scenarios })
  --junit FILE   write JUnit XML, one testcase per expectation
  --html FILE    write one self-contained HTML report with throughput and latency charts
  --rules PATH   also load these analytic rule files or folders (repeatable; relative to the current
                 directory) into each scenario's in-process mock, next to the scenario's own
                 \`analytics.rules\` — e.g. the Darktrace solution's Analytic Rules folder
  --verbose      print the faults applied, restarts and the drain outcome as they happen
  --strict       validation warnings count as errors (as dtlab validate --strict)

A progress bar shows generated/landed alerts and the landed rate (plain lines when not a TTY); a
table of expectations with expected and measured values follows each scenario.

Exit status: 0 when every expectation holds, 1 when any fails or a scenario is invalid, 2 on usage errors.`,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { json: { type: 'string' }, junit: { type: 'string' }, html: { type: 'string' }, rules: { type: 'string', multiple: true }, verbose: { type: 'boolean' }, strict: { type: 'boolean' } },
      });
    } catch (err) {
      process.stderr.write(`dtlab run: ${(err as Error).message}\n`);
      return 2;
    }
    const files = parsed.positionals;
    if (!files.length) {
      process.stderr.write('dtlab run: name at least one scenario file (dtlab run --help)\n');
      return 2;
    }
    const scenarios = [];
    let invalid = 0;
    for (const file of files) {
      const r = loadScenarioFile(file, { strict: parsed.values.strict });
      for (const e of r.ok ? r.warnings : r.errors) process.stderr.write(formatError(e) + '\n');
      if (r.ok) scenarios.push(withExtraRules(r.scenario, parsed.values.rules ?? []));
      else invalid++;
    }
    if (invalid) {
      process.stderr.write(`dtlab run: ${invalid} invalid scenario file(s); nothing was run\n`);
      return 1;
    }
    const reports: RunReport[] = [];
    const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    for (const s of scenarios) {
      const view = progressView(s.name, process.stderr);
      const report = await runScenario(s, {
        onProgress: (p) => view.update(p),
        log: parsed.values.verbose ? (line) => process.stderr.write(`  ${line}\n`) : undefined,
      });
      view.stop();
      reports.push(report);
      process.stdout.write(terminalReport(report, { colour }));
    }
    if (parsed.values.json) writeJsonReport(parsed.values.json, reports);
    if (parsed.values.junit) writeJunitReport(parsed.values.junit, reports);
    if (parsed.values.html) writeHtmlReport(parsed.values.html, reports);
    for (const [flag, file] of Object.entries({ json: parsed.values.json, junit: parsed.values.junit, html: parsed.values.html })) {
      if (file) process.stdout.write(`${flag} report written to ${file}\n`);
    }
    const failed = reports.filter((r) => !r.passed).length;
    if (reports.length > 1) process.stdout.write(`${reports.length - failed} scenarios passed, ${failed} failed\n`);
    return failed ? 1 : 0;
  },
};

