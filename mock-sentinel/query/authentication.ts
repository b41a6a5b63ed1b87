// Who may query: by default a bearer token of this mock's Entra tenant issued for the Log
// Analytics API (aud https://api.loganalytics.io); `noQueryAuth` leaves the route open.
// Failures answer as the Query API documents: 401 without a token, 403 for a bad one.
import type { Request } from 'express';
import { LOG_ANALYTICS_AUDIENCE } from '../entra/defaults.ts';
import { entraFor } from '../entra/lab-entra.ts';
import type { LabContext } from '../labContext.ts';
import { queryRouteErrors, type QueryError } from './errors.ts';

/** Resolves to the error to answer with, or undefined when the request may query. */
export type QueryAuthorizer = (req: Request) => Promise<QueryError | undefined> | QueryError | undefined;

export const openAccess: QueryAuthorizer = () => undefined;

export function bearerAuthorizer(lab: LabContext, audience: string = LOG_ANALYTICS_AUDIENCE): QueryAuthorizer {
  return async (req) => {
    const check = await entraFor(lab).verifyBearer(req.get('authorization'), { audience });
    if (check.ok) return undefined;
    switch (check.reason) {
      case 'missing':
        return queryRouteErrors.missingToken();
      case 'wrong_audience':
        return queryRouteErrors.wrongAudience(audience);
      default:
        return queryRouteErrors.invalidToken(check.detail);
    }
  };
}

/** The authorizer a mock instance uses: open with `noQueryAuth`, else bearer. */
export function defaultAuthorizer(lab: LabContext): QueryAuthorizer {
  return lab.options.noQueryAuth ? openAccess : bearerAuthorizer(lab);
}
