// The default column expectation: every column of darktrace_model_alerts_CL that the Sentinel content
// relies on, with its type (sentinel-table.md §4; darktrace-columns.json is a verbatim copy of the
// spec's machine-readable list, checked against the spec by test/harness/columns.test.ts).
import { readFileSync } from 'node:fs';
import type { ColumnType } from '../scenario/types.ts';

interface SpecColumn {
  column: string;
  type: ColumnType;
  reliedOnByContent: boolean;
}

export const SPEC_COLUMNS_FILE = new URL('./darktrace-columns.json', import.meta.url);

export function reliedOnColumns(): Record<string, ColumnType> {
  const list = JSON.parse(readFileSync(SPEC_COLUMNS_FILE, 'utf8')) as SpecColumn[];
  return Object.fromEntries(list.filter((c) => c.reliedOnByContent).map((c) => [c.column, c.type]));
}

/** Columns that must never appear: the suffixed forms of the unsuffixed standard columns (§7 item 2). */
export const FORBIDDEN_SUFFIXED = ['SourceIP_s', 'Message_s', 'Category_s', 'Severity_d', 'sourceIP_s', 'message_s', 'category_s', 'severity_d'];
