// TLS material for the mock's HTTPS listener. The official Azure SDKs refuse to send bearer
// tokens over plain HTTP (spec B1), so the mock serves HTTPS with either a certificate the user
// gives (--tls-cert/--tls-key) or a throw-away CA + server certificate generated at start.
// The CA PEM is written to a file so clients can trust it (NODE_EXTRA_CA_CERTS, or an
// https.Agent / undici Agent `ca` option in-process). A generated CA lives in a temporary folder
// that dispose() removes (the mock calls it on close), or in a folder the user keeps (`dir`,
// --tls-dir) where one CA and its server certificate are reused across runs, so it is trusted once.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface LabTlsOptions {
  /** Server certificate and key as PEM text (instead of files). */
  cert?: string;
  key?: string;
  /** PEM file of the server certificate (optionally followed by its chain). With `keyPath`. */
  certPath?: string;
  /** PEM file of the server certificate's private key. With `certPath`. */
  keyPath?: string;
  /** Where to write the CA PEM; default a fresh temporary directory (removed by dispose()). */
  caPath?: string;
  /**
   * A folder that keeps the generated CA and server certificate across runs (created if missing):
   * `ca.pem` (what clients trust), `ca-key.pem`, `server.pem`, `server-key.pem`. Reused while valid;
   * the server certificate is re-issued by the same CA when it expires or lacks a host. Never removed.
   */
  dir?: string;
  /** Host names and IPs the generated certificate is valid for. */
  hosts?: string[];
}

export interface LabTls {
  /** Server certificate (PEM), for `https.createServer({ cert, key })`. */
  cert: string;
  key: string;
  /** The certificate clients must trust (PEM): the generated CA, or the given certificate file. */
  ca: string;
  /** File holding `ca` — pass it to NODE_EXTRA_CA_CERTS. */
  caPath: string;
  /** True when the material was generated (not loaded from the user's files). */
  generated: boolean;
  /** Removes what was written to a temporary folder (nothing for `dir`, `caPath` or the user's files). */
  dispose(): Promise<void>;
}

export const DEFAULT_TLS_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** Loads the given certificate/key pair, or generates a CA and a server certificate signed by it. */
export async function prepareLabTls(opts: LabTlsOptions = {}): Promise<LabTls> {
  if (opts.cert || opts.key) {
    if (!opts.cert || !opts.key) throw new Error('tls: cert and key must be given together');
    const { file, dispose } = await caFile(opts.caPath);
    await writeFile(file, opts.cert);
    return { cert: opts.cert, key: opts.key, ca: opts.cert, caPath: file, generated: false, dispose };
  }
  if (opts.certPath || opts.keyPath) {
    if (!opts.certPath || !opts.keyPath) {
      throw new Error('tls: --tls-cert and --tls-key must be given together');
    }
    return loadTlsFiles(opts.certPath, opts.keyPath, opts.caPath);
  }
  const hosts = opts.hosts ?? DEFAULT_TLS_HOSTS;
  if (opts.dir) return keptLabTls(opts.dir, hosts);
  const ca = await generateCa(365);
  const server = await issueServerCertificate(ca, hosts);
  const { file, dispose } = await caFile(opts.caPath);
  await writeFile(file, ca.cert);
  return { cert: server.cert, key: server.key, ca: ca.cert, caPath: file, generated: true, dispose };
}

/** The CA file to write: the one asked for (kept), or one in a fresh temporary folder (removed by dispose). */
async function caFile(caPath: string | undefined): Promise<{ file: string; dispose: () => Promise<void> }> {
  if (caPath) return { file: caPath, dispose: async () => {} };
  const dir = await mkdtemp(path.join(tmpdir(), 'dtlab-ca-'));
  return { file: path.join(dir, 'ca.pem'), dispose: () => rm(dir, { recursive: true, force: true }) };
}

async function loadTlsFiles(certPath: string, keyPath: string, caPath?: string): Promise<LabTls> {
  const cert = await readPem(certPath, 'tls-cert');
  const key = await readPem(keyPath, 'tls-key');
  try {
    new X509Certificate(cert);
  } catch (err) {
    throw new Error(`tls-cert ${certPath}: not a PEM certificate (${(err as Error).message})`);
  }
  try {
    createPrivateKey(key);
  } catch (err) {
    throw new Error(`tls-key ${keyPath}: not a PEM private key (${(err as Error).message})`);
  }
  // A user-supplied certificate is trusted as itself (it may be self-signed or issued by their CA,
  // which they already trust); we point clients at the file they gave unless told otherwise.
  if (caPath) await writeFile(caPath, cert);
  return { cert, key, ca: cert, caPath: caPath ?? path.resolve(certPath), generated: false, dispose: async () => {} };
}

async function readPem(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

interface KeyPair {
  cert: string;
  key: string;
}

/** Reuses the CA (and server certificate) kept in `dir` while they are valid; generates what is missing. */
async function keptLabTls(dir: string, hosts: string[]): Promise<LabTls> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { ca: path.join(dir, 'ca.pem'), caKey: path.join(dir, 'ca-key.pem'), server: path.join(dir, 'server.pem'), serverKey: path.join(dir, 'server-key.pem') };
  let ca = await readPair(files.ca, files.caKey);
  if (!ca || !stillValid(ca.cert)) {
    ca = await generateCa(KEPT_CA_DAYS);
    await writeFile(files.caKey, ca.key, { mode: 0o600 });
    await writeFile(files.ca, ca.cert);
  }
  let server = await readPair(files.server, files.serverKey);
  if (!server || !stillValid(server.cert) || !issuedBy(server.cert, ca.cert) || !coversHosts(server.cert, hosts)) {
    server = await issueServerCertificate(ca, hosts);
    await writeFile(files.serverKey, server.key, { mode: 0o600 });
    await writeFile(files.server, server.cert);
  }
  return { cert: server.cert, key: server.key, ca: ca.cert, caPath: files.ca, generated: true, dispose: async () => {} };
}

/** A kept CA is valid for 10 years: re-trusting it is the chore --tls-dir exists to avoid. */
const KEPT_CA_DAYS = 3650;

async function readPair(certFile: string, keyFile: string): Promise<KeyPair | undefined> {
  try {
    const pair = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
    new X509Certificate(pair.cert);
    createPrivateKey(pair.key);
    return pair;
  } catch {
    return undefined; // missing or unreadable: generate afresh
  }
}

/** Valid now and for at least another day. */
function stillValid(pem: string): boolean {
  const cert = new X509Certificate(pem);
  const now = Date.now();
  return new Date(cert.validFrom).getTime() <= now && new Date(cert.validTo).getTime() > now + 86_400_000;
}

function issuedBy(pem: string, caPem: string): boolean {
  const cert = new X509Certificate(pem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

function coversHosts(pem: string, hosts: string[]): boolean {
  const cert = new X509Certificate(pem);
  return hosts.every((host) => (isIp(host) ? cert.checkIP(host) !== undefined : cert.checkHost(host) !== undefined));
}

async function generateCa(days: number): Promise<KeyPair> {
  const { notBeforeDate, notAfterDate } = validity(days);
  // EC keys: generating two RSA-2048 keys at every start would cost seconds on a small machine.
  const ca = await generate([{ name: 'commonName', value: 'darktrace-sentinel-lab test CA (do not trust outside the lab)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: withNewline(ca.cert), key: withNewline(ca.private) };
}

async function issueServerCertificate(ca: KeyPair, hosts: string[]): Promise<KeyPair> {
  const { notBeforeDate, notAfterDate } = validity(365);
  const server = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map(altName) },
    ],
  });
  return { cert: withNewline(server.cert), key: withNewline(server.private) };
}

function validity(days: number): { notBeforeDate: Date; notAfterDate: Date } {
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock skew between processes
  return { notBeforeDate, notAfterDate: new Date(notBeforeDate.getTime() + days * 86_400_000) };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function altName(host: string): { type: 2; value: string } | { type: 7; ip: string } {
  return isIp(host) ? { type: 7, ip: host } : { type: 2, value: host };
}

/** PEM files conventionally end with a newline; without one, concatenating a chain breaks it. */
function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
