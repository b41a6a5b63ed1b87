// `dtlab sentinel` with the Logs Ingestion flags, and an unmodified program written against the official
// SDK that reaches it by environment alone (endpoint, authority host, NODE_EXTRA_CA_CERTS).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const APP = 'd7a1b000-0000-4000-8000-0000000000cc';
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
});

/** Starts `dtlab sentinel` and collects its banner (the lines printed before it serves). */
async function startCli(args: string[]): Promise<Map<string, string>> {
  const child = spawn(TSX, ['harness/cli.ts', 'sentinel', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const banner = new Map<string, string>();
  const lines = createInterface({ input: child.stdout! });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for await (const line of lines) {
    const m = /^\s*(\w+):\s+(.*)$/.exec(line) ?? /^(mock-sentinel) listening on (.*)$/.exec(line);
    if (m) banner.set(m[1]!, m[2]!);
    if (banner.has('dcrs')) break;
  }
  if (!banner.has('dcrs')) throw new Error(`dtlab sentinel did not start: ${stderr}`);
  return banner;
}

function runProgram(env: Record<string, string>): Promise<{ code: number; out: Record<string, unknown> }> {
  const child = spawn(TSX, [path.join(import.meta.dirname, 'fixtures/upload-with-official-sdk.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return once(child, 'exit').then(([code]) => ({ code: code as number, out: JSON.parse(out.trim().split('\n').at(-1)!) }));
}

it('dtlab sentinel --app --dcr prints the HTTPS URL and CA path; the official SDK program uploads with NODE_EXTRA_CA_CERTS', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'cli-dcr-'));
  const dcrFile = path.join(dir, 'extra.json');
  await writeFile(
    dcrFile,
    JSON.stringify({
      name: 'Extra',
      properties: {
        immutableId: 'dcr-00000000000000000000000000000042',
        streamDeclarations: { 'Custom-Extra': { columns: [{ name: 'x', type: 'int' }] } },
        destinations: { logAnalytics: [{ name: 'ws' }] },
        dataFlows: [{ streams: ['Custom-Extra'], destinations: ['ws'], outputStream: 'Custom-Extra_CL', transformKql: 'source' }],
      },
    }),
  );
  const banner = await startCli(['--app', `${APP}=cli-secret`, '--dcr', dcrFile]);
  const httpsUrl = /^(https:\/\/127\.0\.0\.1:\d+)\s/.exec(banner.get('https')!)![1]!;
  const caPath = /^(\S+)/.exec(banner.get('trust')!)![1]!;
  const httpUrl = banner.get('mock-sentinel')!;

  const dcrs = (await (await fetch(`${httpUrl}/_lab/dcrs`)).json()) as { immutableId: string }[];
  expect(dcrs.map((d) => d.immutableId)).toEqual(['dcr-d7a1b000000040008000000000000001', 'dcr-00000000000000000000000000000042']);

  const env = {
    NODE_EXTRA_CA_CERTS: caPath,
    LOGS_INGESTION_ENDPOINT: httpsUrl,
    AZURE_AUTHORITY_HOST: httpsUrl,
    AZURE_TENANT_ID: 'd7a1b000-0000-4000-8000-000000000001',
    AZURE_CLIENT_ID: APP,
    AZURE_CLIENT_SECRET: 'cli-secret',
    DCR_IMMUTABLE_ID: 'dcr-d7a1b000000040008000000000000001',
    STREAM_NAME: 'Custom-DarktraceModelAlerts',
  };
  expect(await runProgram(env)).toEqual({ code: 0, out: { uploaded: 1 } });
  const rows = (await (await fetch(`${httpUrl}/_lab/tables/DarktraceModelAlerts_CL/rows`)).json()) as { pid: number; score: number }[];
  expect(rows).toMatchObject([{ pid: 4242, score: 87 }]);

  // Without the CA the same program fails (MSAL cannot fetch the discovery document over TLS): the
  // trust really comes from NODE_EXTRA_CA_CERTS.
  const untrusted = await runProgram({ ...env, NODE_EXTRA_CA_CERTS: '' });
  expect(untrusted.code).toBe(1);
  expect(String(untrusted.out.message)).toMatch(/self[- ]signed|certificate|endpoints_resolution_error/i);
});

it('dtlab sentinel refuses a bad --app and a lone --tls-cert with exit code 2', async () => {
  for (const args of [['--app', 'not-a-guid=x'], ['--tls-cert', '/tmp/x.pem']]) {
    const child = spawn(TSX, ['harness/cli.ts', 'sentinel', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^dtlab sentinel: (--app not-a-guid=…: the client id must be a GUID|--tls-cert and --tls-key must be given together)/);
  }
});
