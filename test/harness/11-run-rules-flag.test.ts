// Issue 11: `dtlab run SCENARIO --rules PATH` loads extra rule files (e.g. the Darktrace solution's
// Analytic Rules folder) into the scenario's mock, resolved from the current directory; a rule the
// lab refuses fails the run with its file, key and reason before anything starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../harness/commands/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'dtlab-run-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scenario = join(dir, 'tiny.yaml');
writeFileSync(scenario, 'name: tiny\nduration: 10s\ntraffic:\n  rates: { modelBreach: 0/min, aiAnalyst: 0/min, systemAlert: 0/min, email: 0/min }\n');
writeFileSync(join(dir, 'bad-rule.yaml'), 'id: 11111111-2222-3333-4444-555555555555\nname: Bad\nkind: Scheduled\nseverity: Low\nqueryFrequency: 5m\nqueryPeriod: 5m\ntriggerOperator: gt\ntriggerThreshold: 0\nquery: darktrace_model_alerts_CL | where (\n');

async function dtlabRun(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await command.run(args), out };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('dtlab run --rules', () => {
  it('loads the given rule files (a relative path from the current directory) and fails the run on a refused rule, naming it', async () => {
    const r = await dtlabRun(scenario, '--rules', relative(process.cwd(), join(dir, 'bad-rule.yaml')));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/run error: .*bad-rule\.yaml.*query/);
  });

  it('a path that does not exist is named too', async () => {
    const r = await dtlabRun(scenario, '--rules', join(dir, 'missing'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`run error: ${join(dir, 'missing')}: (file): no such file or folder`);
  });
});
