// The Logs Ingestion surface of the mock workspace (azure-ingestion.md part B).
export { logsIngestionRouter } from './handlers/upload.ts';
export { dcrAdminRouter } from './handlers/dcrs.ts';
export { logsIngestionFor, LOGS_INGESTION_ROUTE, type LogsIngestionService } from './logs-ingestion-service.ts';
export type { LogsIngestionOptions } from './options.ts';
export { DEFAULT_DCR_FILE, DEFAULT_DCR_IMMUTABLE_ID, DcrRegistry } from './dcr/dcr-registry.ts';
export { DcrValidationError } from './dcr/load-dcr.ts';
export type { DcrSummary } from './dcr/dcr-model.ts';
export { ingestionErrors, IngestionError, MAX_BODY_BYTES, SUPPORTED_API_VERSIONS } from './errors/ingestion-error.ts';
export { deployDcrTables } from './persistence/deploy-dcr-tables.ts';
