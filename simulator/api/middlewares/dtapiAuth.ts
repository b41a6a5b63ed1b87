// DTAPI authentication, run before routing: the checks (token, date, signature, endpoint) in the
// configured order; the first failure answers. Then the token's permissions (302 /403).
import type { NextFunction, Request, Response } from 'express';
import type { ApiContext, Route } from '../context.ts';
import { type TokenPair, decodePath, decodeQuery, dtapiSignature, parseDtapiDate, signaturesEqual } from '../authentication/dtapi.ts';
import { apiDateError, apiSignatureError, permissionDenied, unknownEndpoint } from '../errors/errors.ts';

export interface AuthedLocals {
  token: TokenPair;
  route: Route;
  routeMatch: string[];
  path: string;
  rawQuery: string;
}

export function splitUrl(originalUrl: string): { rawPath: string; rawQuery: string; hasQuery: boolean } {
  const q = originalUrl.indexOf('?');
  if (q < 0) return { rawPath: originalUrl, rawQuery: '', hasQuery: false };
  return { rawPath: originalUrl.slice(0, q), rawQuery: originalUrl.slice(q + 1), hasQuery: true };
}

export function matchRoute(routes: Route[], method: string, path: string): { route: Route; match: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, match: m.slice(1) };
  }
  return undefined;
}

/** The PATHQUERY strings a request may have been signed over, per the policies. */
export function signedCandidates(ctx: ApiContext, method: string, path: string, rawQuery: string, hasQuery: boolean, body: Buffer | undefined, contentType: string): string[] {
  const policy = ctx.policy;
  const candidates: string[] = [];
  const withQuery = (q: string) => (q === '' && !hasQuery ? path : `${path}?${q}`);
  const hasBody = method !== 'GET' && method !== 'HEAD' && body !== undefined && body.length > 0;
  if (hasBody) {
    const text = body!.toString('utf8');
    const json = /json/i.test(contentType);
    const signedBody = json ? text : decodeQuery(text);
    const q = decodeQuery(rawQuery);
    if (!hasQuery || policy.postSigning === 'body') candidates.push(`${path}?${signedBody}`);
    else if (policy.postSigning === 'query') candidates.push(withQuery(q));
    else candidates.push(`${path}?${q}&${signedBody}`);
    if (policy.acceptEncodedQuery && !json) candidates.push(`${path}?${text}`);
  } else {
    candidates.push(withQuery(decodeQuery(rawQuery)));
    if (policy.acceptEncodedQuery) candidates.push(withQuery(rawQuery));
  }
  return candidates;
}

export function dtapiAuth(ctx: ApiContext, routes: Route[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const policy = ctx.policy;
    const { rawPath, rawQuery, hasQuery } = splitUrl(req.originalUrl);
    const path = decodePath(rawPath);
    const key = policy.errorKey === 'first-segment' ? path.split('/')[1] || 'error' : policy.errorKey;
    const publicToken = req.get('DTAPI-Token');
    const date = req.get('DTAPI-Date');
    const signature = req.get('DTAPI-Signature');
    const pair = publicToken === undefined ? undefined : policy.tokens.find((t) => t.public === publicToken);
    const found = matchRoute(routes, req.method, path);
    for (const check of policy.checkOrder) {
      switch (check) {
        case 'token':
          if (!pair) return apiSignatureError(key).send(res);
          break;
        case 'date': {
          const when = date === undefined ? null : parseDtapiDate(date.trim());
          const reference = policy.dateReference === 'simulated' ? ctx.now() : ctx.wallNow();
          if (when === null || Math.abs(reference - when) > policy.maxSkewMs) return apiDateError(key).send(res);
          break;
        }
        case 'signature': {
          if (!pair || !signature || date === undefined) return apiSignatureError(key).send(res);
          const body = Buffer.isBuffer(req.body) ? (req.body as Buffer) : undefined;
          const candidates = signedCandidates(ctx, req.method, path, rawQuery, hasQuery, body, req.get('content-type') ?? '');
          const ok = candidates.some((c) => signaturesEqual(dtapiSignature(pair.private, c, pair.public, date), signature));
          if (!ok) return apiSignatureError(key).send(res);
          break;
        }
        case 'endpoint':
          if (!found) return unknownEndpoint().send(res);
          break;
      }
    }
    if (!found) return unknownEndpoint().send(res);
    if (!pair) return apiSignatureError(key).send(res);
    if (pair.permissions && !pair.permissions.some((p) => path.startsWith(p))) return permissionDenied().send(res);
    const locals: AuthedLocals = { token: pair, route: found.route, routeMatch: found.match, path, rawQuery };
    res.locals.dtapi = locals;
    next();
  };
}
