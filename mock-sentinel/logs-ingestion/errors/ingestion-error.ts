// Logs Ingestion API errors: Azure.Core ErrorResponse `{"error":{"code","message"}}` plus the
// `x-ms-error-code` header (spec B5). One factory per code; observed messages are exact, the rest
// (marked "policy") are the mock's documented choices (spec B8, docs/reference/logs-ingestion.md).
import { ServiceError, type InjectedErrorSpec } from '../../errors/serviceError.ts';

export const SUPPORTED_API_VERSIONS = ['2023-01-01', '2021-11-01-preview', '2023-04-01-preview'] as const;
export const MAX_BODY_BYTES = 1_048_576;

export class IngestionError extends ServiceError {
  override readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'IngestionError';
    this.headers = { 'x-ms-error-code': code, ...headers };
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export interface ForbiddenContext {
  dcrImmutableId: string;
  dcrArmId: string;
  tenantId: string;
  objectId: string;
}

export const ingestionErrors = {
  /** Policy (ARM wording). */
  missingApiVersion: () =>
    new IngestionError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'),
  /** Policy (ARM wording). */
  invalidApiVersion: (version: string) =>
    new IngestionError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are '${SUPPORTED_API_VERSIONS.join(',')}'.`,
    ),
  /** 401, no token. Policy (ARM wording). */
  missingToken: (code = 'AuthenticationFailed') =>
    new IngestionError(401, code, "Authentication failed. The 'Authorization' header is missing.", { 'www-authenticate': 'Bearer' }),
  /** 401, not a valid token of this tenant (bad signature, malformed, another tenant). Policy. */
  invalidToken: (code = 'InvalidAuthenticationToken') =>
    new IngestionError(401, code, 'The access token is invalid.', { 'www-authenticate': 'Bearer error="invalid_token"' }),
  /** 401, expired or not yet valid. Policy (ARM wording). */
  expiredToken: (now: Date, code = 'ExpiredAuthenticationToken') =>
    new IngestionError(
      401,
      code,
      `The access token expiry UTC time is earlier than current UTC time '${now.toISOString()}'.`,
      { 'www-authenticate': 'Bearer error="invalid_token", error_description="The token is expired"' },
    ),
  /** 401, token for another resource. Policy (ARM wording). */
  wrongAudience: (audience: string, code = 'InvalidAuthenticationTokenAudience') =>
    new IngestionError(
      401,
      code,
      `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences '${audience}','${audience}/'.`,
      { 'www-authenticate': 'Bearer error="invalid_token"' },
    ),
  /** 403, observed (spec B5; azure-sdk-for-net PR #37173). */
  forbidden: (c: ForbiddenContext) =>
    new IngestionError(
      403,
      'OperationFailed',
      `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${c.dcrImmutableId}' PipelineAccessResult: AccessGranted: False, IsRbacPresent: False, IsDcrDceBindingValid: , DcrArmId: ${c.dcrArmId}, Message: Required authorization action was not found for tenantId ${c.tenantId} objectId ${c.objectId} on resourceId ${c.dcrArmId} ConfigurationId: ${c.dcrImmutableId}..`,
    ),
  /** 404, policy (spec B8). */
  dcrNotFound: (immutableId: string) =>
    new IngestionError(404, 'NotFound', `Data collection rule with immutable Id '${immutableId}' not found.`),
  /** 404, policy (spec B8). */
  streamNotFound: (stream: string, immutableId: string) =>
    new IngestionError(
      404,
      'NotFound',
      `Stream '${stream}' is not declared in the data collection rule with immutable Id '${immutableId}'.`,
    ),
  /** 413, observed (spec B5). */
  contentLengthLimitExceeded: (providedBytes: number) =>
    new IngestionError(
      413,
      'ContentLengthLimitExceeded',
      `Maximum allowed content length: ${MAX_BODY_BYTES} bytes (1 MB). Provided content length: ${providedBytes} bytes.`,
    ),
  /** 429, injected by a fault rule (spec B8: with Retry-After in seconds). */
  tooManyRequests: (retryAfterSeconds?: number) =>
    new IngestionError(
      429,
      'TooManyRequests',
      retryAfterSeconds === undefined
        ? 'Too many requests. The request rate limit for the data collection rule was exceeded.'
        : `Too many requests. The request rate limit for the data collection rule was exceeded. Retry after ${retryAfterSeconds} seconds.`,
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    ),
  /** 415, policy: the spec (B3) makes `Content-Type: application/json` required. */
  unsupportedContentType: (contentType: string | undefined) =>
    new IngestionError(
      415,
      'UnsupportedMediaType',
      contentType
        ? `The content type '${contentType}' is not supported. The request body must be 'application/json'.`
        : "The 'Content-Type' header is missing. The request body must be 'application/json'.",
    ),
  /** 400, policy: the only content encoding is gzip (spec B3). */
  unsupportedContentEncoding: (encoding: string) =>
    new IngestionError(400, 'InvalidContentEncoding', `The content encoding '${encoding}' is not supported. The only supported content encoding is 'gzip'.`),
  /** 400, policy. */
  invalidGzip: () => new IngestionError(400, 'InvalidContentEncoding', 'The request body could not be decompressed as gzip.'),
  /** 500, injected by a fault rule. */
  internalServerError: () =>
    new IngestionError(500, 'InternalServerError', 'An internal error occurred while processing the request.'),
  /** 503, injected by a fault rule; the tutorial also lists it for permission propagation. */
  serviceUnavailable: (retryAfterSeconds?: number) =>
    new IngestionError(
      503,
      'ServiceUnavailable',
      'The service is temporarily unavailable. Retry the request later.',
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    ),
  /** The answer to a fault rule on route `logsIngestion`. */
  fromFault: (spec: InjectedErrorSpec): IngestionError =>
    spec.status === 429
      ? ingestionErrors.tooManyRequests(spec.retryAfterSeconds)
      : spec.status === 503
        ? ingestionErrors.serviceUnavailable(spec.retryAfterSeconds)
        : ingestionErrors.internalServerError(),
  /** 400, policy. */
  invalidJson: (reason: string) => new IngestionError(400, 'InvalidJson', `The request body is not valid JSON: ${reason}`),
};
