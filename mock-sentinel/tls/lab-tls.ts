// TLS material for the mock's HTTPS listener. The official Azure SDKs refuse to send bearer
// tokens over plain HTTP (spec B1), so the mock serves HTTPS with either a certificate the user
// gives (--tls-cert/--tls-key) or a throw-away CA + server certificate generated at start.
// The CA PEM is written to a file so clients can trust it (NODE_EXTRA_CA_CERTS, or an
// https.Agent / undici Agent `ca` option in-process).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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
  /** Where to write the CA PEM; default a fresh temporary directory. */
  caPath?: string;
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
  /** True when the material was generated at start (not loaded from files). */
  generated: boolean;
}

export const DEFAULT_TLS_HOSTS = ['localhost', '127.0.0.1', '::1'];

/** Loads the given certificate/key pair, or generates a CA and a server certificate signed by it. */
export async function prepareLabTls(opts: LabTlsOptions = {}): Promise<LabTls> {
  if (opts.cert || opts.key) {
    if (!opts.cert || !opts.key) throw new Error('tls: cert and key must be given together');
    const file = opts.caPath ?? path.join(await mkdtemp(path.join(tmpdir(), 'dtlab-ca-')), 'ca.pem');
    await writeFile(file, opts.cert);
    return { cert: opts.cert, key: opts.key, ca: opts.cert, caPath: file, generated: false };
  }
  if (opts.certPath || opts.keyPath) {
    if (!opts.certPath || !opts.keyPath) {
      throw new Error('tls: --tls-cert and --tls-key must be given together');
    }
    return loadTlsFiles(opts.certPath, opts.keyPath, opts.caPath);
  }
  return generateLabTls(opts.hosts ?? DEFAULT_TLS_HOSTS, opts.caPath);
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
  return { cert, key, ca: cert, caPath: caPath ?? path.resolve(certPath), generated: false };
}

async function readPem(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function generateLabTls(hosts: string[], caPath?: string): Promise<LabTls> {
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock skew between processes
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 86_400_000);
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
  const server = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map(altName) },
    ],
  });
  const file = caPath ?? path.join(await mkdtemp(path.join(tmpdir(), 'dtlab-ca-')), 'ca.pem');
  const caPem = withNewline(ca.cert);
  await writeFile(file, caPem);
  return { cert: withNewline(server.cert), key: withNewline(server.private), ca: caPem, caPath: file, generated: true };
}

function altName(host: string): { type: 2; value: string } | { type: 7; ip: string } {
  return /^[\d.]+$/.test(host) || host.includes(':') ? { type: 7, ip: host } : { type: 2, value: host };
}

/** PEM files conventionally end with a newline; without one, concatenating a chain breaks it. */
function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
