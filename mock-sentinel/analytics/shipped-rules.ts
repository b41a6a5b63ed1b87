// The rule files the project ships for the Darktrace tables (one per alert type, legacy table and
// Logs Ingestion tables): data the mock loads, like the shipped DCR. `dtlab sentinel` and scenario
// runs load them unless told not to.
import { fileURLToPath } from 'node:url';

export const DARKTRACE_RULES_DIR = fileURLToPath(new URL('./rules/darktrace/', import.meta.url));
