// A typed error that knows its HTTP status, headers and body, so each route answers in its own
// service's shape: `{"Error","Message"}` for /api/logs, Azure.Core `{"error":{…}}` for Logs Ingestion.

export abstract class ServiceError extends Error {
  abstract readonly status: number;
  abstract readonly code: string | undefined;
  readonly headers: Record<string, string> = {};
  abstract body(): unknown;
}

/** What a fault rule asks a route to answer with; the route's factory shapes the error. */
export interface InjectedErrorSpec {
  status: 429 | 500 | 503;
  retryAfterSeconds?: number;
}

export type FaultErrorFactory = (spec: InjectedErrorSpec) => ServiceError;
