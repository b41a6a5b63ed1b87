// darktrace-sentinel-lab/nock: nock 14 interceptors that route the real Azure and Darktrace hostnames
// to in-process mocks, for unit tests with no ports and no certificates. nock is a peer dependency:
// the interceptors register on the test's own nock, so nock.disableNetConnect() and friends apply.
export {
  interceptSentinel,
  ENTRA_AUTHORITY_HOST,
  LOG_ANALYTICS_QUERY_ORIGIN,
  LOGS_INGESTION_ORIGIN,
  type InjectedFault,
  type InterceptSentinelOptions,
  type SentinelFaults,
  type SentinelInterception,
} from './intercept-sentinel.ts';
export { interceptDarktrace, type DarktraceInterception, type DarktraceRequest, type InterceptDarktraceOptions } from './intercept-darktrace.ts';
export type { LandedExpectation } from './landed-assertion.ts';
export { ConnectionResetError } from './in-memory-http.ts';
