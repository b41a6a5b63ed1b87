// dtlab validate SCENARIO… — check scenario files against scenarios/scenario.schema.json.
import { parseArgs } from 'node:util';
import process from 'node:process';
import type { Command } from '../cli.ts';
import { loadScenarioFile, formatError } from '../scenario/load.ts';

export const command: Command = {
  summary: 'check scenario files against the schema, with line-numbered errors',
  help: `usage: dtlab validate SCENARIO…

Checks each scenario file (YAML) against scenarios/scenario.schema.json and the rules the schema
cannot express (times within the duration, faults the topology can apply). Every error is printed
as

  FILE:LINE:COL  KEY.PATH  REASON

Exit status: 0 when every file is valid, 1 when any is not, 2 on usage errors.`,
  async run(argv) {
    let files: string[];
    try {
      files = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} }).positionals;
    } catch (err) {
      process.stderr.write(`dtlab validate: ${(err as Error).message}\n`);
      return 2;
    }
    if (!files.length) {
      process.stderr.write('dtlab validate: name at least one scenario file (dtlab validate --help)\n');
      return 2;
    }
    let failed = 0;
    for (const file of files) {
      const result = loadScenarioFile(file);
      if (result.ok) {
        process.stdout.write(`${file}: ok (${result.scenario.name})\n`);
      } else {
        failed++;
        for (const e of result.errors) process.stderr.write(formatError(e) + '\n');
      }
    }
    if (files.length > 1) process.stdout.write(`${files.length - failed} valid, ${failed} invalid\n`);
    return failed ? 1 : 0;
  },
};
