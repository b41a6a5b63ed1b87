// The mock Entra tenant of one mock instance, built once from its options and shared by every route
// that checks tokens (Logs Ingestion, query). The token route is tracked in the audit log (route
// `token`) and can be faulted like any other route.
import type { RequestHandler, Response, Router } from 'express';
import type { LabContext } from '../labContext.ts';
import { injectFaults } from '../middlewares/injectFaults.ts';
import { trackRequest, trackerOf } from '../middlewares/requestTracking.ts';
import type { LogsIngestionOptions } from '../logs-ingestion/options.ts';
import { ServiceError, type InjectedErrorSpec } from '../errors/serviceError.ts';
import { EntraError } from './errors.ts';
import { createMockEntra, type MockEntra } from './mock-entra.ts';
import type { AppSpec } from './apps.ts';

export const TOKEN_ROUTE = 'token';

const instances = new WeakMap<LabContext, MockEntra>();

/** The lab's Entra tenant (created on first use). */
export function entraFor(lab: LabContext): MockEntra {
  let entra = instances.get(lab);
  if (!entra) {
    const li = ((lab.options as { logsIngestion?: LogsIngestionOptions }).logsIngestion ?? {}) as LogsIngestionOptions;
    const apps = (lab.options as { apps?: AppSpec[] }).apps;
    entra = createMockEntra({
      tenantId: li.tenantId,
      apps: apps && apps.length > 0 ? apps : undefined,
      tokenLifetimeSeconds: li.tokenLifetimeSeconds,
      clockToleranceSeconds: li.clockToleranceSeconds,
      errorPolicy: li.entraErrors,
      now: lab.now,
      tokenMiddlewares: [trackRequest(lab, TOKEN_ROUTE), injectFaults(lab, TOKEN_ROUTE, entraFaultError) as RequestHandler],
      onTokenRequest: (outcome, res: Response) => {
        const tracker = trackerOf(res);
        if (!tracker) return;
        if (outcome.errorCode) {
          tracker.errorCode = outcome.errorCode;
          tracker.message = outcome.message;
        }
        if (outcome.clientId) tracker.flags.push(`client_id ${outcome.clientId}`);
      },
    });
    instances.set(lab, entra);
  }
  return entra;
}

/** Discovery, JWKS and token routes, mounted at the root. */
export function entraRouter(lab: LabContext): Router {
  return entraFor(lab).router;
}

/** A fault on the token route answers in Entra's shape. */
class EntraFaultError extends ServiceError {
  readonly code: string;
  override readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    private readonly entraError: EntraError,
    retryAfterSeconds?: number,
  ) {
    super(entraError.message);
    this.code = `AADSTS${entraError.aadsts}`;
    this.headers = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  }
  body(): unknown {
    return this.entraError.body('https://login.dtlab.invalid');
  }
}

function entraFaultError(spec: InjectedErrorSpec): ServiceError {
  const err =
    spec.status === 500
      ? new EntraError(90033, 'invalid_request', 'A transient error has occurred. Please try again.')
      : new EntraError(50196, 'temporarily_unavailable', 'The server terminated an operation because it encountered a client request loop or too many requests. Please try again later.');
  return new EntraFaultError(spec.status, err, spec.retryAfterSeconds);
}
