// dtlab validate [--strict] SCENARIO… — check scenario files before anything runs.
import { parseArgs } from 'node:util';
import process from 'node:process';
import type { Command } from '../cli.ts';
import { loadScenarioFile, formatError } from '../scenario/load.ts';

export const command: Command = {
  summary: 'check scenario files before a run: schema, names, times, units, KQL, with line-numbered errors',
  help: `usage: dtlab validate [--strict] SCENARIO…

Checks each scenario file (YAML), in one pass, against scenarios/scenario.schema.json and the rules
the schema cannot express: story names and the parameters each story takes (the simulator's own
definitions), fault names and what the topology can apply, times within the duration, durations
with units (scenario and topology.connectorConfig alike: the connector reads a bare number as
milliseconds), the connector config keys, and the KQL of expectations through the query API's own
parser and translator (nothing runs). Every finding is printed as

  FILE:LINE:COL  KEY.PATH  REASON

Warnings (REASON starts with "warning:") are things that may be intended: \`landed\` for an alert type
no traffic of the run generates, a query on a table or column no alert type of the run produces
(sparse tables are legitimate). They do not make a file invalid unless --strict.

  --strict   warnings count as errors

Exit status: 0 when every file is valid (warnings allowed without --strict), 1 when any file has an
error (or, with --strict, a warning), 2 on usage errors.`,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { strict: { type: 'boolean' } } });
    } catch (err) {
      process.stderr.write(`dtlab validate: ${(err as Error).message}\n`);
      return 2;
    }
    const files = parsed.positionals;
    if (!files.length) {
      process.stderr.write('dtlab validate: name at least one scenario file (dtlab validate --help)\n');
      return 2;
    }
    let failed = 0;
    for (const file of files) {
      const result = loadScenarioFile(file, { strict: parsed.values.strict });
      const findings = result.ok ? result.warnings : result.errors;
      for (const e of findings) process.stderr.write(formatError(e) + '\n');
      if (result.ok) {
        const warned = findings.length ? `, ${findings.length} warning${findings.length > 1 ? 's' : ''}` : '';
        process.stdout.write(`${file}: ok (${result.scenario.name})${warned}\n`);
      } else failed++;
    }
    if (files.length > 1) process.stdout.write(`${files.length - failed} valid, ${failed} invalid\n`);
    return failed ? 1 : 0;
  },
};
