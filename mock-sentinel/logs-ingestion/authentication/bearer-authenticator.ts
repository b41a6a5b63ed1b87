// Bearer token check for the ingestion route (spec B2, B5, B8): a token of this mock's Entra with
// the monitor audience, not expired → the app; otherwise the 401 of the failure.
import { servicePrincipalObjectId } from '../../entra/apps.ts';
import type { AccessTokenClaims } from '../../entra/tokens.ts';
import { ingestionErrors } from '../errors/ingestion-error.ts';
import type { LogsIngestionService } from '../logs-ingestion-service.ts';
import type { DataCollectionRule } from '../dcr/dcr-model.ts';

export async function authenticateBearer(service: LogsIngestionService, header: string | undefined, now: Date): Promise<AccessTokenClaims> {
  const check = await service.entra.verifyBearer(header, { audience: service.audience });
  if (check.ok) return check.claims;
  const codes = service.unauthorizedCodes;
  switch (check.reason) {
    case 'missing':
      throw ingestionErrors.missingToken(codes.missing);
    case 'expired':
    case 'not_yet_valid':
      throw ingestionErrors.expiredToken(now, codes.expired);
    case 'wrong_audience':
      throw ingestionErrors.wrongAudience(service.audience, codes.audience);
    default:
      throw ingestionErrors.invalidToken(codes.invalid);
  }
}

/** The app behind the token must hold the ingestion role on the DCR → else 403 OperationFailed. */
export function authorizeDcr(service: LogsIngestionService, claims: AccessTokenClaims, dcr: DataCollectionRule): void {
  const appId = String(claims.appid ?? claims.azp ?? '');
  if (service.entra.apps.canIngest(appId, dcr.immutableId)) return;
  throw forbiddenFor(claims, dcr);
}

/** The 403 `OperationFailed` the service answers an app without the role on the DCR (spec B5). */
export function forbiddenFor(claims: AccessTokenClaims, dcr: DataCollectionRule) {
  const appId = String(claims.appid ?? claims.azp ?? '');
  return ingestionErrors.forbidden({
    dcrImmutableId: dcr.immutableId,
    dcrArmId: dcr.armId,
    tenantId: String(claims.tid),
    objectId: String(claims.oid ?? servicePrincipalObjectId(appId)),
  });
}
