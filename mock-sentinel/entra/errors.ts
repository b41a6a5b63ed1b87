// Microsoft Entra (AADSTS) error responses, one factory per code the lab uses.
// Shape: https://learn.microsoft.com/entra/identity-platform/reference-error-codes —
// {error, error_description: "AADSTSnnn: text\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …", error_codes, timestamp, trace_id, correlation_id, error_uri}.
import { randomUUID } from 'node:crypto';

export type OAuthErrorName =
  | 'temporarily_unavailable'
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'invalid_tenant'
  | 'unsupported_grant_type';

export interface EntraErrorPolicy {
  /** HTTP status for `invalid_client` (RFC 6749 §5.2 allows 400 or 401; spec B2 default 401). */
  invalidClientStatus: 400 | 401;
}

export const DEFAULT_ENTRA_ERROR_POLICY: EntraErrorPolicy = { invalidClientStatus: 401 };

export interface EntraErrorBody {
  error: OAuthErrorName;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** A token-endpoint failure that knows its status and body. */
export class EntraError extends Error {
  constructor(
    readonly aadsts: number,
    readonly error: OAuthErrorName,
    readonly text: string,
  ) {
    super(`AADSTS${aadsts}: ${text}`);
    this.name = 'EntraError';
  }

  status(policy: EntraErrorPolicy = DEFAULT_ENTRA_ERROR_POLICY): number {
    return this.error === 'invalid_client' ? policy.invalidClientStatus : 400;
  }

  body(origin: string, correlationId?: string, now = new Date()): EntraErrorBody {
    const traceId = randomUUID();
    const correlation = correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : randomUUID();
    const stamp = now.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z'); // 2016-01-09 02:02:12Z
    return {
      error: this.error,
      error_description: `AADSTS${this.aadsts}: ${this.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${stamp}`,
      error_codes: [this.aadsts],
      timestamp: stamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${origin}/error?code=${this.aadsts}`,
    };
  }
}

export const entraErrors = {
  invalidClientSecret: (clientId: string) =>
    new EntraError(
      7000215,
      'invalid_client',
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  applicationNotFound: (clientId: string, tenant: string) =>
    new EntraError(
      700016,
      'unauthorized_client',
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidScope: (scope: string) =>
    new EntraError(70011, 'invalid_scope', `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`),
  scopeNotDefault: (scope: string) =>
    new EntraError(
      1002012,
      'invalid_scope',
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    new EntraError(
      500011,
      'invalid_resource',
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  /** `invalid_request` at the token endpoint, `invalid_tenant` for the discovery document. */
  tenantNotFound: (tenant: string, error: 'invalid_request' | 'invalid_tenant' = 'invalid_request') =>
    new EntraError(
      90002,
      error,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  missingParameter: (name: string) =>
    new EntraError(900144, 'invalid_request', `The request body must contain the following parameter: '${name}'.`),
  missingClientSecret: () =>
    new EntraError(7000216, 'invalid_client', `'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.`),
  /** Observed wording (AADSTS9000411, InvalidRequestFormatDuplicatedParameter; RFC 6749 §3.2: no parameter twice). */
  duplicatedParameter: (name: string) =>
    new EntraError(9000411, 'invalid_request', `The request is not properly formatted. The parameter '${name}' is duplicated.`),
  /**
   * Observed wording of AADSTS9002313; the mock's answer to a request it cannot read (a form body over
   * its limits, an unsupported charset, Basic credentials that are not base64 `id:secret` with valid
   * percent-encoding, or credentials sent both ways). Which cases Entra answers with it is undocumented.
   */
  malformedRequest: () => new EntraError(9002313, 'invalid_request', 'Invalid request. Request is malformed or invalid.'),
  unsupportedGrantType: (grantType: string) =>
    new EntraError(70003, 'unsupported_grant_type', `The app requested an unsupported grant type '${grantType}'.`),
};
