// Documented test-only defaults (docs/decisions/0001). Never real credentials.
export const DEFAULT_TENANT_ID = 'd7a1b000-0000-4000-8000-000000000001';
export const DEFAULT_CLIENT_ID = 'd7a1b000-0000-4000-8000-000000000002';
export const DEFAULT_CLIENT_SECRET = 'dtlab-test-secret';

/** Resources a token may be requested for (`<resource>/.default`), i.e. the possible `aud` values. */
export const MONITOR_AUDIENCE = 'https://monitor.azure.com';
export const LOG_ANALYTICS_AUDIENCE = 'https://api.loganalytics.io';
export const DEFAULT_RESOURCES = [MONITOR_AUDIENCE, LOG_ANALYTICS_AUDIENCE];

/** Access-token lifetime Entra usually grants to client-credentials tokens (60–90 min; it answers 3599). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;
