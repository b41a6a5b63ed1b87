// assertLanded(): nock-style expectations on what reached the mock workspace. A failure says what is
// missing and why: the expected rows no landed row matches (with the closest row's differences) and
// the requests for the table the mock refused, with their status and error.
import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import type { AuditEntry } from '../../mock-sentinel/index.ts';

export interface LandedExpectation {
  /** The Log Analytics table: `<Log-Type>_CL` for the Data Collector API, the DCR's output table for Logs Ingestion. */
  table: string;
  /** Exactly this many rows in the table. */
  count?: number;
  /** Each must match its own landed row on the columns it names (values as the rows hold them: `pbid_d: 7`). */
  rows?: Record<string, unknown>[];
}

const SHOWN_REQUESTS = 10;

export function assertRowsLanded(expectation: LandedExpectation, landed: Record<string, unknown>[], requests: AuditEntry[], tables: string[]): void {
  const { table, count, rows: expected = [] } = expectation;
  if (count === undefined && expected.length === 0) throw new TypeError('assertLanded: give count, rows, or both');
  const problems: string[] = [];
  if (count !== undefined && landed.length !== count) {
    problems.push(`${table} has ${plural(landed.length, 'row')}, expected ${count}.`);
  }
  const missing = unmatched(expected, landed);
  if (missing.length > 0) {
    problems.push(`${missing.length} of ${plural(expected.length, 'expected row')} did not land in ${table}:`);
    for (const row of missing) problems.push(`  ${JSON.stringify(row)}${closest(row, landed)}`);
  }
  if (problems.length === 0) return;
  if (!tables.includes(table)) problems.push(`There is no table ${table}; tables: ${tables.length ? tables.join(', ') : 'none'}.`);
  problems.push(...refusals(table, requests));
  throw new AssertionError({
    message: `assertLanded: ${problems.join('\n')}`,
    actual: { count: landed.length, rows: landed.map((row) => pick(row, expected)) },
    expected: { count: count ?? landed.length, rows: expected },
    operator: 'assertLanded',
  });
}

/** The expected rows that no distinct landed row matches. */
function unmatched(expected: Record<string, unknown>[], landed: Record<string, unknown>[]): Record<string, unknown>[] {
  const used = new Set<number>();
  return expected.filter((want) => {
    const at = landed.findIndex((row, i) => !used.has(i) && differences(want, row).length === 0);
    if (at < 0) return true;
    used.add(at);
    return false;
  });
}

function differences(want: Record<string, unknown>, row: Record<string, unknown>): string[] {
  return Object.entries(want)
    .filter(([column, value]) => !isDeepStrictEqual(row[column], value))
    .map(([column, value]) => (column in row ? `${column}: ${JSON.stringify(row[column])} (expected ${JSON.stringify(value)})` : `${column}: no such column`));
}

function closest(want: Record<string, unknown>, landed: Record<string, unknown>[]): string {
  let best: string[] | undefined;
  for (const row of landed) {
    const diff = differences(want, row);
    if (!best || diff.length < best.length) best = diff;
  }
  return best ? `\n    closest landed row differs in ${best.join(', ')}` : '';
}

/** The mock's refusals that concern the table (or came before a table was known: tokens, auth). */
function refusals(table: string, requests: AuditEntry[]): string[] {
  const relevant = requests.filter((r) => r.table === table || r.table === null);
  const refused = relevant.filter((r) => r.status >= 400 || r.injectedFault !== null);
  const accepted = relevant.filter((r) => r.table === table && r.status < 300).length;
  const lines = [`Requests for ${table}: ${accepted} accepted, ${refused.length} refused${refused.length ? ':' : '.'}`];
  for (const r of refused.slice(-SHOWN_REQUESTS)) {
    const why = [r.errorCode, r.message, r.injectedFault && `injected ${r.injectedFault}`].filter(Boolean).join(' — ');
    lines.push(`  ${r.time} ${r.method} ${r.path} → ${r.status}${why ? ` ${why}` : ''}`);
  }
  if (refused.length > SHOWN_REQUESTS) lines.push(`  (${refused.length - SHOWN_REQUESTS} earlier refusals not shown; see requests())`);
  return lines;
}

function pick(row: Record<string, unknown>, expected: Record<string, unknown>[]): Record<string, unknown> {
  const columns = new Set(expected.flatMap((e) => Object.keys(e)));
  if (columns.size === 0) return row;
  return Object.fromEntries([...columns].filter((c) => c in row).map((c) => [c, row[c]]));
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
