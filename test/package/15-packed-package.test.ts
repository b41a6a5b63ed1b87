// Issue 15: the package as a user gets it. `npm pack` (which builds dist/ in prepack), then the
// tarball installed into a fresh project with npm and no network (offline-install.ts), and there:
// `npx dtlab --help`, `npx dtlab up` until its URLs print and Ctrl-C, and the README's two example
// tests (the library API on ports, the nock interceptors) run by the project's own vitest,
// importing `darktrace-sentinel-lab` and `darktrace-sentinel-lab/nock`.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDtlab } from '../harness/dtlab-process.ts';
import { installTarballOffline } from './offline-install.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NAME = 'darktrace-sentinel-lab';
/** npm and npx never ask the registry from here (offline), nor print update notices. */
const NPM_ENV = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };

/** The README's example tests, with the package's own names where the checkout imports its sources. */
const USER_TESTS: Record<string, { file: string; from: string; to: string }> = {
  'library.test.ts': { file: 'test/package/15-library-readme-example.test.ts', from: "'../../harness/library/index.ts'", to: `'${NAME}'` },
  'nock.test.ts': { file: 'test/nock/15-readme-example.test.ts', from: "'../../harness/nock/index.ts'", to: `'${NAME}/nock'` },
};

describe('the packed package in a fresh project', () => {
  let work: string;
  let project: string;
  let tarball: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'dtlab-pack-'));
    project = path.join(work, 'project');
    mkdirSync(project);
    // One build and one pack for the whole file: prepack compiles dist/ with tsc.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: NPM_ENV, maxBuffer: 16 << 20 });
    const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, packed[0]!.filename);
    await installTarballOffline({ checkout: ROOT, tarball, project, extra: ['vitest', 'nock', '@azure/identity', '@azure/monitor-ingestion'] });
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
  });

  it('holds compiled JavaScript with declarations and the runtime files, not the TypeScript sources', () => {
    const pkg = path.join(project, 'node_modules', NAME);
    for (const f of ['dist/harness/library/index.js', 'dist/harness/library/index.d.ts', 'dist/harness/nock/index.js', 'dist/harness/nock/index.d.ts', 'dist/harness/cli.js', 'bin/dtlab.js', 'dist/mock-sentinel/web/index.html', 'dist/mock-sentinel/dcr/darktrace.json', 'dist/scenarios/scenario.schema.json', 'dist/harness/engine/darktrace-columns.json', 'dist/connector/examples/lab.yaml', 'dist/mock-sentinel/analytics/rules/darktrace/model-alerts.yaml']) {
      expect(existsSync(path.join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(path.join(pkg, 'harness/cli.ts'))).toBe(false);
    // Every other file of the four parts travels too (read at run time through import.meta.url
    // paths), but for the simulator's alert schemas, which only the tests read.
    const tracked = execFileSync('git', ['ls-files', 'simulator', 'mock-sentinel', 'connector', 'harness', 'scenarios'], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const assets = tracked.filter((f) => f && !f.endsWith('.ts') && !f.startsWith('simulator/schemas/'));
    expect(assets.length).toBeGreaterThan(10);
    expect(assets.filter((f) => !existsSync(path.join(pkg, 'dist', f)))).toEqual([]);
    // Nothing installed runs TypeScript: tsx is not among what the package brings.
    expect(existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('npx dtlab --help lists the commands', async () => {
    const { stdout } = await run('npx', ['dtlab', '--help'], { cwd: project, env: NPM_ENV });
    for (const c of ['sentinel', 'darktrace', 'connector', 'up', 'run', 'validate', 'query']) expect(stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  }, 120_000);

  it('npx dtlab up prints the URLs and stops cleanly on Ctrl-C', async () => {
    const env = { ...NPM_ENV, DTLAB_SENTINEL_PORT: '0', DTLAB_DARKTRACE_PORT: '0', DTLAB_DARKTRACE_BACKFILL: '1h', DTLAB_UP_RECEIVER_PORT: '0', DTLAB_UP_STATE: path.join(work, 'state') };
    const p = startDtlab('npx', ['dtlab', 'up'], { cwd: project, env });
    try {
      const out = await p.waitFor(/lab is running[\s\S]*query: /);
      const sentinel = /sentinel: +(http:\/\/\S+)/.exec(out)![1]!;
      // The web page is one of the files read at run time: served from the installed package.
      const page = await fetch(`${sentinel}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      // Ctrl-C signals the whole group: npm's npx exits on the signal itself, while dtlab closes the
      // three and prints its last line. The pipes close only once every process holding them (dtlab
      // included) has exited, so the awaited stop means dtlab is gone, having stopped cleanly.
      const code = await p.stop('SIGINT');
      expect(code === 0 || p.child.signalCode === 'SIGINT').toBe(true);
      // The connector's last line comes before dtlab's own; other services may log in between.
      const all = p.output();
      expect(all).toMatch(/\[connector\] [^\n]*"msg":"connector stopped"/);
      expect(all.endsWith('\ndtlab up: stopped\n')).toBe(true);
      expect(all.search(/"msg":"connector stopped"/)).toBeLessThan(all.lastIndexOf('dtlab up: stopped'));
    } finally {
      await p.stop('SIGKILL');
    }
  }, 120_000);

  it("runs the README's example tests with the project's own vitest", async () => {
    mkdirSync(path.join(project, 'test'), { recursive: true });
    for (const [name, t] of Object.entries(USER_TESTS)) {
      const source = readFileSync(path.join(ROOT, t.file), 'utf8');
      expect(source).toContain(t.from);
      writeFileSync(path.join(project, 'test', name), source.replace(t.from, t.to));
    }
    // Killed before the test's own timeout, so nothing is left writing into the project afterwards.
    const result = await run('npx', ['vitest', 'run', '--reporter=json'], { cwd: project, env: NPM_ENV, maxBuffer: 16 << 20, timeout: 170_000, killSignal: 'SIGKILL' }).catch((err: { stdout: string; stderr: string }) => err);
    const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { numPassedTests: number; numFailedTests: number; testResults: Array<{ name: string; message: string }> };
    expect(report.testResults.map((r) => r.message).join('\n') + result.stderr.slice(-2000)).not.toMatch(/\S.*fail/i);
    expect({ passed: report.numPassedTests, failed: report.numFailedTests }).toEqual({ passed: 4, failed: 0 });
  }, 180_000);
});
