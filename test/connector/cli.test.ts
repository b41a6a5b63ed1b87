// `dtlab connector` as a process: config errors name the key path; --check tries both ends.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDarktrace } from './helpers/fake-darktrace.ts';
import { startVerifyingSink } from './helpers/verifying-sink.ts';
import { DT_TOKENS, PRIMARY, WS, tempState } from './helpers/connector-env.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function dtlab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'connector', ...args], { cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function writeConfig(cfg: unknown): string {
  const file = path.join(tempState(), 'connector.json');
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

describe('dtlab connector', () => {
  it('an invalid config exits 1 naming the key path and the reason', async () => {
    const file = writeConfig({ darktrace: { url: 'http://127.0.0.1:1', ...DT_TOKENS }, sentinel: { workspaceId: 'nope', sharedKey: PRIMARY }, state: 'st' });
    const r = await dtlab(['--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sentinel.workspaceId: must be a valid GUID');
  });

  it('--config is required (usage error, exit 2)', async () => {
    expect((await dtlab([])).code).toBe(2);
  });

  it('--check passes when both ends answer, and fails with the reason (no secrets) when one does not', async () => {
    const dt = await startFakeDarktrace(DT_TOKENS);
    const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY } });
    cleanups.push(() => dt.close(), () => sink.close());
    const good = writeConfig({ darktrace: { url: dt.url, ...DT_TOKENS }, sentinel: { workspaceId: WS, sharedKey: PRIMARY, endpoint: sink.url }, state: 'st' });
    const ok = await dtlab(['--config', good, '--check']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^config ok/);
    expect(sink.posts.map((p) => p.body)).toEqual(['[]']);

    const bad = writeConfig({ darktrace: { url: dt.url, publicToken: DT_TOKENS.publicToken, privateToken: 'not-the-private-token' }, sentinel: { workspaceId: WS, sharedKey: PRIMARY, endpoint: 'http://127.0.0.1:9' }, state: 'st' });
    const r = await dtlab(['--config', bad, '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/darktrace: GET \/status: API SIGNATURE ERROR/);
    expect(r.stderr).toMatch(/sentinel: Sentinel endpoint http:\/\/127\.0\.0\.1:9 unreachable/);
    expect(r.stderr + r.stdout).not.toContain('not-the-private-token');
  });
});
