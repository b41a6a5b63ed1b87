// dtlab run as a command: the demo that `npm start` runs writes every report and exits 0; a broken
// expectation fails the run with a clear message; an invalid file is not run.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../harness/cli.ts', import.meta.url));

function dtlab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dtlab run', () => {
  it('runs the demo, exits 0 and writes every report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-demo-'));
    const out = await dtlab(['run', fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url)), '--json', join(dir, 'r.json'), '--junit', join(dir, 'r.xml'), '--html', join(dir, 'r.html')]);
    expect(out.stderr + out.stdout).toContain('PASS demo');
    expect(out.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(json).toMatchObject({ scenario: 'demo', passed: true });
    expect(Object.keys(json.alerts)).toEqual(['Policy Breach', 'AI Analyst', 'System Alert', 'Antigena Email']);
    expect(json.tables.find((t: { name: string }) => t.name === 'darktrace_model_alerts_CL').rowCount).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toContain('<testsuite name="demo"');
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<svg');
  });

  it('a deliberately broken expectation fails the run with exit 1 and says which and why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-broken-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'name: broken',
        'clock: { mode: stepped, step: 10s, interval: 20ms }',
        'duration: 30s',
        'traffic:',
        '  bursts: [{ at: 5s, type: modelBreach, count: 5 }]',
        'expect:',
        '  landed: [modelBreach]',
        '  queries:',
        '    - { name: more breaches than there are, where: { dtProduct_s: Policy Breach }, count: 6 }',
        '',
      ].join('\n'),
    );
    const out = await dtlab(['run', file, '--junit', join(dir, 'r.xml')]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/FAIL\s+query: more breaches than there are\s+= 6\s+5 rows/);
    expect(out.stdout).toContain('✗ query: more breaches than there are: the query matched 5 rows; expected = 6');
    expect(out.stdout).toContain('FAIL broken: 1 of 2 expectations failed');
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toContain('<failure type="ExpectationFailed" message="the query matched 5 rows; expected = 6">');
  });

  it('an invalid scenario is not run: exit 1 with the line-numbered error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-invalid-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nduration: forever\n');
    const out = await dtlab(['run', file]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`${file}:2:11  duration  must be a duration`);
  });
});
