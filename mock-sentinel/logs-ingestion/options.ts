// Options of the Logs Ingestion surface and its mock Entra tenant (MockSentinelOptions.logsIngestion).
import type { EntraErrorPolicy } from '../entra/errors.ts';

export interface LogsIngestionOptions {
  /** Entra tenant that exists even without apps. Default the documented test tenant. */
  tenantId?: string;
  /** Load the shipped Darktrace DCR (mock-sentinel/dcr/darktrace.json) besides `dcrFiles`. Default true. */
  defaultDcr?: boolean;
  /** Lifetime of issued tokens (default 3599 s). */
  tokenLifetimeSeconds?: number;
  /** Leeway on exp/nbf when checking tokens (default 300 s). */
  clockToleranceSeconds?: number;
  /** HTTP status of AADSTS invalid_client errors (default 401). */
  entraErrors?: Partial<EntraErrorPolicy>;
  /** Error codes of the 401 answers (spec B8: configurable). */
  unauthorizedCodes?: Partial<Record<'missing' | 'invalid' | 'expired' | 'audience', string>>;
  /** The `aud` ingestion tokens must carry (default https://monitor.azure.com). */
  audience?: string;
  /** Deepest nesting of objects and arrays an upload may have (`[{}]` is 2); deeper → 400 InvalidJson. Default 64 (policy). */
  maxJsonDepth?: number;
}
