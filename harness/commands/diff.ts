// dtlab diff A.json B.json [--json] — what changed between two runs' JSON reports, for CI trend checks.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import process from 'node:process';
import type { Command } from '../cli.ts';
import { diffRuns, diffText, reportsOf } from '../reports/diff.ts';

export const command: Command = {
  summary: "compare two runs' JSON reports: expectations that turned, counts, latency, with deltas",
  help: `usage: dtlab diff [--json] A.json B.json

Compares two reports written by \`dtlab run --json FILE\` (one scenario or several, matched by
scenario name): which expectations passed in A and fail in B (REGRESSED) or the other way round
(fixed), which were added or removed or measured otherwise, and every figure that changed — alerts
generated / landed / duplicates / lost per type, latency percentiles (ms), throughput, the mock's
answers per status, dead letters, wall seconds — as A → B and the delta.

  --json   print the comparison as JSON ({ regressed, scenarios: [...] }) instead of text

Exit status: 1 when an expectation that passed in A fails in B, or a scenario that passed in A
fails in B; 0 otherwise (improvements and changed figures alone do not fail); 2 on usage errors or
a file that is not a run report.`,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
    } catch (err) {
      process.stderr.write(`dtlab diff: ${(err as Error).message}\n`);
      return 2;
    }
    if (parsed.positionals.length !== 2) {
      process.stderr.write('dtlab diff: name two JSON reports, A and B (dtlab diff --help)\n');
      return 2;
    }
    const [fileA, fileB] = parsed.positionals as [string, string];
    let a, b;
    try {
      a = reportsOf(readJson(fileA), fileA);
      b = reportsOf(readJson(fileB), fileB);
    } catch (err) {
      process.stderr.write(`dtlab diff: ${(err as Error).message}\n`);
      return 2;
    }
    const diff = diffRuns(a, b);
    process.stdout.write(parsed.values.json ? JSON.stringify(diff, null, 2) + '\n' : diffText(diff, { a: fileA, b: fileB }));
    return diff.regressed ? 1 : 0;
  },
};

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`);
  }
}
