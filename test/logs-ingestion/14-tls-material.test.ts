// Issue 14 item 9: every start wrote a new /tmp/dtlab-ca-* folder and never removed it (hundreds pile
// up on a CI machine). Now close() removes a generated CA's temporary folder, and `tls: { dir }`
// (--tls-dir) keeps one CA and server certificate across runs so clients trust it once.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';

const open: MockSentinel[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function start(tls: true | { dir: string }) {
  const mock = createMockSentinel({ tls });
  open.push(mock);
  const { httpsUrl, caPath } = await mock.listen();
  return { mock, httpsUrl: httpsUrl!, caPath: caPath! };
}

/** GET over HTTPS trusting only `ca`; resolves to the status and the server certificate's fingerprint. */
function get(url: string, ca: string): Promise<{ status: number; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${url}/_lab/health`, { ca, agent: false }, (res) => {
      res.resume();
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      resolve({ status: res.statusCode ?? 0, fingerprint: cert.fingerprint256 });
    });
    req.on('error', reject);
  });
}

describe('generated TLS material', () => {
  it('is removed when the mock closes', async () => {
    const { mock, httpsUrl, caPath } = await start(true);
    expect((await get(httpsUrl, await readFile(caPath, 'utf8'))).status).toBe(200);
    expect(path.basename(path.dirname(caPath))).toMatch(/^dtlab-ca-/);
    await mock.close();
    expect(existsSync(caPath)).toBe(false);
    expect(existsSync(path.dirname(caPath))).toBe(false);
    expect(mock.caPath).toBeUndefined();
  });
});

describe('tls: { dir } (--tls-dir)', () => {
  it('keeps one CA and server certificate across runs: the first run\'s ca.pem trusts the next', async () => {
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'dtlab-test-tls-')), 'kept');
    dirs.push(path.dirname(dir));
    const first = await start({ dir });
    expect(first.caPath).toBe(path.join(dir, 'ca.pem'));
    const trusted = await readFile(first.caPath, 'utf8');
    const firstServer = await get(first.httpsUrl, trusted);
    await first.mock.close();
    expect(existsSync(first.caPath)).toBe(true); // kept

    const second = await start({ dir });
    expect(await readFile(second.caPath, 'utf8')).toBe(trusted);
    const secondServer = await get(second.httpsUrl, trusted);
    expect(secondServer).toEqual({ status: 200, fingerprint: firstServer.fingerprint });
  });

  it('re-issues a missing or unreadable server certificate from the same CA', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dtlab-test-tls-'));
    dirs.push(dir);
    const first = await start({ dir });
    const trusted = await readFile(first.caPath, 'utf8');
    const before = await get(first.httpsUrl, trusted);
    await first.mock.close();
    await rm(path.join(dir, 'server.pem'));

    const second = await start({ dir });
    expect(await readFile(second.caPath, 'utf8')).toBe(trusted);
    const after = await get(second.httpsUrl, trusted);
    expect(after.status).toBe(200);
    expect(after.fingerprint).not.toBe(before.fingerprint);
  });
});

it('dtlab sentinel --tls-dir PATH serves the kept CA (the banner\'s trust line) and leaves it on stop', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'dtlab-test-tls-'));
  dirs.push(dir);
  const root = path.resolve(import.meta.dirname, '../..');
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['harness/cli.ts', 'sentinel', '--port', '0', '--tls-dir', dir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let trust: string | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    trust ??= /^\s*trust:\s+(\S+)/.exec(line)?.[1];
    if (trust) break;
  }
  child.kill('SIGTERM');
  await once(child, 'exit');
  expect(trust).toBe(path.join(dir, 'ca.pem'));
  expect(existsSync(trust!)).toBe(true);
});
