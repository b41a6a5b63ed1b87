// Access tokens: issued by the token endpoint, checked by protected routes (verifyBearer).
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { servicePrincipalObjectId, type RegisteredApp } from './apps.ts';
import type { SigningKey } from './signing-key.ts';

export interface AccessTokenClaims extends JWTPayload {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  azp: string;
  oid: string;
  sub: string;
  tid: string;
  ver: '2.0';
}

export interface IssueTokenInput {
  key: SigningKey;
  app: RegisteredApp;
  tenantId: string;
  audience: string;
  issuer: string;
  lifetimeSeconds: number;
  now: Date;
}

export async function issueAccessToken(input: IssueTokenInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  const oid = servicePrincipalObjectId(input.app.clientId);
  return new SignJWT({
    appid: input.app.clientId,
    appidacr: '1',
    azp: input.app.clientId,
    azpacr: '1',
    idp: input.issuer,
    oid,
    sub: oid,
    tid: input.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: input.key.kid })
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + input.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(input.key.privateKey);
}

export type BearerFailureReason = 'missing' | 'malformed' | 'invalid_signature' | 'expired' | 'not_yet_valid' | 'wrong_audience' | 'wrong_tenant';

export type BearerCheck =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: BearerFailureReason; detail: string };

export interface VerifyBearerOptions {
  /** Accepted `aud`; a trailing slash is ignored (`https://monitor.azure.com/` = `https://monitor.azure.com`). */
  audience: string;
}

export interface VerifyContext {
  key: SigningKey;
  tenantIds: string[];
  now: () => Date;
  clockToleranceSeconds: number;
}

/** Checks an `Authorization` header value: Bearer scheme, RS256 signature by this instance, nbf/exp, audience, tenant. */
export async function verifyBearerHeader(
  header: string | undefined,
  opts: VerifyBearerOptions,
  ctx: VerifyContext,
): Promise<BearerCheck> {
  if (!header) return { ok: false, reason: 'missing', detail: 'No Authorization header' };
  const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(header);
  if (!m) return { ok: false, reason: 'malformed', detail: 'The Authorization header is not a Bearer JWT' };
  const wanted = trimSlash(opts.audience);
  try {
    const { payload } = await jwtVerify(m[1]!, ctx.key.publicKey, {
      algorithms: ['RS256'],
      currentDate: ctx.now(),
      clockTolerance: ctx.clockToleranceSeconds,
      requiredClaims: ['exp', 'iat', 'aud', 'tid'],
    });
    const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!auds.some((a) => typeof a === 'string' && trimSlash(a) === wanted)) {
      return { ok: false, reason: 'wrong_audience', detail: `The token audience is not ${wanted}` };
    }
    if (!ctx.tenantIds.includes(String(payload.tid))) {
      return { ok: false, reason: 'wrong_tenant', detail: 'The token was issued for another tenant' };
    }
    return { ok: true, claims: payload as AccessTokenClaims };
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired', detail: 'The token is expired' };
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf') {
      return { ok: false, reason: 'not_yet_valid', detail: 'The token is not valid yet' };
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, reason: 'invalid_signature', detail: 'The token signature is invalid' };
    }
    return { ok: false, reason: 'malformed', detail: `The token is not valid (${(err as Error).message})` };
  }
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}
