// The per-instance token signing key. Tokens from one mock instance are never valid at another.
// Generated synchronously (node:crypto) so the mock's factory stays synchronous.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as served in the JWKS. */
  publicJwk: PublicJwk;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  // RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
  return { kid, privateKey, publicKey, publicJwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e } };
}
