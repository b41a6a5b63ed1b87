// dtlab sentinel as a user runs it: spawn the CLI on port 0, read the printed line, use it, stop it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { postLogs } from './helpers.ts';

it('dtlab sentinel --port 0 prints "mock-sentinel listening on http://HOST:PORT", serves, and stops on SIGTERM', async () => {
  const child = spawn('npx', ['tsx', 'harness/cli.ts', 'sentinel', '--port', '0'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so SIGTERM reaches npx, tsx and node alike
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit');
  try {
    const lines = createInterface({ input: child.stdout });
    const [first] = (await Promise.race([once(lines, 'line'), exited.then(() => [`exited early: ${stderr}`])])) as [string];
    const match = /^mock-sentinel listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
    expect(match, first).not.toBeNull();
    const url = match![1]!;
    expect(Number(match![2])).toBeGreaterThan(0);
    expect((await postLogs(url, [{ via: 'cli' }], { logType: 'Cli' })).status).toBe(200);
    const tables = await (await fetch(`${url}/_lab/tables`)).json();
    expect(tables[0]).toMatchObject({ name: 'Cli_CL', rowCount: 1 });
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
  const [code, signal] = await exited;
  expect(signal === 'SIGTERM' || code === 0).toBe(true);
});

it('dtlab sentinel --help and a bad flag', async () => {
  const run = async (args: string[]) => {
    const child = spawn('npx', ['tsx', 'harness/cli.ts', 'sentinel', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const [code] = await once(child, 'exit');
    return { code, out };
  };
  const helpRun = await run(['--help']);
  expect(helpRun.code).toBe(0);
  expect(helpRun.out).toMatch(/usage: dtlab sentinel/);
  expect(helpRun.out).toMatch(/--workspace ID=PRIMARY\[,SECONDARY\]/);
  const bad = await run(['--workspace', 'nope']);
  expect(bad.code).toBe(2);
  expect(bad.out).toMatch(/--workspace #1: expected ID=PRIMARY\[,SECONDARY\]/);
});
