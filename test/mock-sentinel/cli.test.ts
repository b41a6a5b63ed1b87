// dtlab sentinel as a user runs it: spawn the CLI on port 0, read the printed line, use it, stop it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { WORKSPACE_ID, postLogs } from './helpers.ts';

/** Spawns `dtlab sentinel --port 0 …args`, waits for the listening line, runs `use(url)`, stops it with SIGTERM. */
async function withCli(args: string[], use: (url: string) => Promise<void>): Promise<void> {
  const child = spawn('npx', ['tsx', 'harness/cli.ts', 'sentinel', '--port', '0', ...args], {
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
    expect(Number(match![2])).toBeGreaterThan(0);
    await use(match![1]!);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
  }
  const [code, signal] = await exited;
  expect(signal === 'SIGTERM' || code === 0).toBe(true);
}

function query(url: string, kql: string): Promise<Response> {
  return fetch(`${url}/v1/workspaces/${WORKSPACE_ID}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: kql }),
  });
}

it('dtlab sentinel --port 0 prints "mock-sentinel listening on http://HOST:PORT", serves, and stops on SIGTERM', async () => {
  await withCli([], async (url) => {
    expect((await postLogs(url, [{ via: 'cli' }], { logType: 'Cli' })).status).toBe(200);
    const tables = await (await fetch(`${url}/_lab/tables`)).json();
    expect(tables[0]).toMatchObject({ name: 'Cli_CL', rowCount: 1 });
    // Without --no-query-auth the query API wants a bearer token.
    expect((await query(url, 'Cli_CL | count')).status).toBe(401);
  });
});

it('dtlab sentinel --no-query-auth leaves the query API open (noQueryAuth: true)', async () => {
  await withCli(['--no-query-auth'], async (url) => {
    expect((await postLogs(url, [{ via: 'cli' }], { logType: 'Cli' })).status).toBe(200);
    const res = await query(url, 'Cli_CL | count');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { tables: { rows: unknown[][] }[] };
    expect(body.tables[0]!.rows).toEqual([[1]]);
  });
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
