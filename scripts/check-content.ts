// npm run check:content -- --rules DIR_OR_FILE… --workbook FILE… [--seed N] [--hours H] [--json OUT]
// Lands seeded traffic through both ingestion paths and runs the given Sentinel content over it
// (harness/content/content-check.ts); prints each panel's rows and each rule's alerts, exits 1 when
// a panel is empty or a rule raised nothing, 2 on usage errors.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkContent } from '../harness/content/content-check.ts';

const { values } = parseArgs({
  options: {
    rules: { type: 'string', multiple: true },
    workbook: { type: 'string', multiple: true },
    seed: { type: 'string' },
    hours: { type: 'string' },
    json: { type: 'string' },
    quiet: { type: 'boolean' },
  },
});
if (!values.rules?.length && !values.workbook?.length) {
  process.stderr.write('usage: check-content --rules PATH… --workbook FILE… [--seed N] [--hours H] [--json OUT]\n');
  process.exit(2);
}
const report = await checkContent({
  rules: values.rules,
  workbooks: values.workbook,
  seed: values.seed ? Number(values.seed) : undefined,
  hours: values.hours ? Number(values.hours) : undefined,
  log: values.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
});
for (const p of report.panels) process.stdout.write(`${p.rows > 0 && !p.error ? 'ok   ' : 'EMPTY'} panel [${p.family}] ${p.name}: ${p.error ?? `${p.rows} rows`}\n`);
for (const r of report.rules) process.stdout.write(`${r.alerts > 0 && !r.error ? 'ok   ' : 'NONE '} rule  [${r.family}] ${r.name.trim()}: ${r.error ?? `${r.alerts} alerts in ${r.runs} runs`}\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.passed ? 0 : 1);
