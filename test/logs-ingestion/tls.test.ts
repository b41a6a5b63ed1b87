import https from 'node:https';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareLabTls, type LabTls } from '../../mock-sentinel/tls/lab-tls.ts';

const servers: https.Server[] = [];
const made: LabTls[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  for (const tls of made.splice(0)) await tls.dispose();
});

/** prepareLabTls, its temporary CA folder removed after the test. */
async function prepare(opts?: Parameters<typeof prepareLabTls>[0]): Promise<LabTls> {
  const tls = await prepareLabTls(opts);
  made.push(tls);
  return tls;
}

async function serve(tls: LabTls): Promise<number> {
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function get(host: string, port: number, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host, port, path: '/', ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

describe('lab TLS', () => {
  it('generates a CA and a server certificate for 127.0.0.1 and localhost, and writes the CA to a file', async () => {
    const tls = await prepare();
    expect(tls.generated).toBe(true);
    expect(await readFile(tls.caPath, 'utf8')).toBe(tls.ca);
    const port = await serve(tls);
    expect(await get('127.0.0.1', port, tls.ca)).toBe(200);
    expect(await get('localhost', port, tls.ca)).toBe(200);
  });

  it('is not trusted without the lab CA', async () => {
    const tls = await prepare();
    const port = await serve(tls);
    await expect(get('127.0.0.1', port)).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
  });

  it('loads --tls-cert/--tls-key files and points clients at the certificate file', async () => {
    const generated = await prepare();
    const dir = await mkdtemp(path.join(tmpdir(), 'tls-'));
    await writeFile(path.join(dir, 'cert.pem'), generated.cert + generated.ca);
    await writeFile(path.join(dir, 'key.pem'), generated.key);
    const loaded = await prepareLabTls({ certPath: path.join(dir, 'cert.pem'), keyPath: path.join(dir, 'key.pem') });
    expect(loaded.generated).toBe(false);
    expect(loaded.caPath).toBe(path.join(dir, 'cert.pem'));
    const port = await serve(loaded);
    expect(await get('127.0.0.1', port, generated.ca)).toBe(200);
  });

  it('reports a missing or invalid file with the flag and the path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tls-'));
    await writeFile(path.join(dir, 'junk.pem'), 'not a certificate');
    await expect(prepareLabTls({ certPath: path.join(dir, 'nope.pem'), keyPath: path.join(dir, 'junk.pem') })).rejects.toThrow(
      `tls-cert ${path.join(dir, 'nope.pem')}: cannot read (ENOENT)`,
    );
    await expect(prepareLabTls({ certPath: path.join(dir, 'junk.pem'), keyPath: path.join(dir, 'junk.pem') })).rejects.toThrow(/tls-cert .*junk\.pem: not a PEM certificate/);
    await expect(prepareLabTls({ certPath: path.join(dir, 'junk.pem') })).rejects.toThrow('--tls-cert and --tls-key must be given together');
  });
});
