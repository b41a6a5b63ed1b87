// One factory per error the HTTP Data Collector API answers with (azure-ingestion.md A8), producing
// `{"Error":"<code>","Message":"<text>"}`. Messages for 403 are the ones users observed; the others
// paraphrase the documented meaning. Keys, signatures and strings to sign never appear here.
import { ServiceError, type InjectedErrorSpec } from './serviceError.ts';

export class DataCollectorError extends ServiceError {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataCollectorError';
    Object.assign(this.headers, headers);
  }

  body(): unknown {
    return { Error: this.code ?? String(this.status), Message: this.message };
  }
}

const e400 = (code: string, message: string) => new DataCollectorError(400, code, message);
const e403 = (message: string) => new DataCollectorError(403, 'InvalidAuthorization', message);

export const MESSAGES = {
  noAuthorization: 'No Authorization header was specified',
  invalidScheme: 'An invalid scheme was specified in the Authorization header',
  invalidSignature: 'An invalid signature was specified in the Authorization header',
} as const;

export const dataCollectorErrors = {
  missingApiVersion: () => e400('MissingApiVersion', "The API version wasn't specified."),
  invalidApiVersion: (version: string, supported: readonly string[]) =>
    e400('InvalidApiVersion', `The API version '${version}' wasn't recognized. Supported: ${supported.join(', ')}.`),
  invalidCustomerId: () => e400('InvalidCustomerId', 'The specified workspace ID is invalid.'),
  inactiveCustomer: () => e400('InactiveCustomer', 'The workspace has been closed.'),
  missingContentType: () => e400('MissingContentType', "The content type wasn't specified."),
  unsupportedContentType: () => e400('UnsupportedContentType', "The content type wasn't application/json."),
  missingLogType: () => e400('MissingLogType', "The log type wasn't specified."),
  invalidLogType: () =>
    e400(
      'InvalidLogType',
      "The log type can contain only letters, numbers, and the underscore (_) character, and it can't exceed 100 characters.",
    ),
  invalidJson: (detail: string) => e400('InvalidDataFormat', `Invalid JSON was submitted: ${detail}`),
  tooDeep: (limit: number) =>
    e400('InvalidDataFormat', `Invalid JSON was submitted: objects and arrays nest deeper than ${limit} levels.`),
  notARecord: (index: number) =>
    e400('InvalidDataFormat', `Record ${index} is not a JSON object: the body must be an object or an array of objects.`),
  reservedProperty: (name: string, index: number) =>
    e400('InvalidDataFormat', `Record ${index} contains the reserved property '${name}' (tenant, TimeGenerated and RawData are reserved).`),
  noAuthorization: () => e403(MESSAGES.noAuthorization),
  invalidScheme: () => e403(MESSAGES.invalidScheme),
  invalidSignature: () => e403(MESSAGES.invalidSignature),
  missingDate: () => e403('No x-ms-date header was specified'),
  invalidDate: () => e403("The x-ms-date header is not an RFC 1123 date ('Mon, 04 Apr 2016 08:00:00 GMT')"),
  dateOutsideSkew: (minutes: number) => e403(`The x-ms-date header is more than ${minutes} minutes away from the server time`),
  /** 404: the documented answer to a wrong URL or a body over the limit (no error code is documented). */
  notFound: () => new DataCollectorError(404, 'NotFound', 'Either the provided URL is incorrect or the request is too large.'),
  requestTooLarge: (limit: number) =>
    new DataCollectorError(404, 'NotFound', `Either the provided URL is incorrect or the request is too large (limit ${limit} bytes).`),
  tooManyRequests: (retryAfterSeconds?: number) =>
    new DataCollectorError(
      429,
      'TooManyRequests',
      'The request rate is too high; retry the request later.',
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  unspecifiedError: () => new DataCollectorError(500, 'UnspecifiedError', 'An internal error occurred; retry the request.'),
  serviceUnavailable: (retryAfterSeconds?: number) =>
    new DataCollectorError(
      503,
      'ServiceUnavailable',
      'The service is unavailable; retry the request.',
      retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) },
    ),
  /** The fault engine's error factory for this route. */
  fromFault: (spec: InjectedErrorSpec): DataCollectorError => {
    switch (spec.status) {
      case 429:
        return dataCollectorErrors.tooManyRequests(spec.retryAfterSeconds);
      case 500:
        return dataCollectorErrors.unspecifiedError();
      case 503:
        return dataCollectorErrors.serviceUnavailable(spec.retryAfterSeconds);
    }
  },
};
