// The mock workspace's KQL query surface.
export { runKql, translateKql, type QueryRequest, type QueryOptions, type QueryResponse, type TranslatedQuery } from './engine.ts';
export { QueryError } from './errors.ts';
export { readCatalog } from './catalog.ts';
export { warmUp, type TableSchema } from './parser.ts';
export type { KustoType } from './types.ts';
