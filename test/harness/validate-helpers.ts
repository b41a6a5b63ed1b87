// Shared by the dtlab validate tests: the findings of a scenario text, formatted as the CLI prints them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { parseScenario, formatError, isWarning } from '../../harness/scenario/load.ts';

/** Every finding (errors and warnings) of `text`, as `FILE:LINE:COL  KEY.PATH  REASON` lines. */
export function findings(text: string, options: { strict?: boolean } = {}): string[] {
  const r = parseScenario(text, 'x.yaml', options);
  return (r.ok ? r.warnings : r.errors).map(formatError);
}

/** The errors only. */
export function errorsOf(text: string): string[] {
  const r = parseScenario(text, 'x.yaml');
  return r.ok ? [] : r.errors.filter((e) => !isWarning(e)).map(formatError);
}

/** The warnings only; the file must otherwise be valid. */
export function warningsOf(text: string): string[] {
  const r = parseScenario(text, 'x.yaml');
  if (!r.ok) throw new Error(`expected a valid file:\n${r.errors.map(formatError).join('\n')}`);
  return r.warnings.map(formatError);
}

/** Writes scenario files into a fresh temporary folder; returns their paths, by name. */
export function scenarioFiles(files: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'dtlab-validate-'));
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, (writeFileSync(join(dir, name), text), join(dir, name))]));
}

/** What a CLI command writes to stdout and stderr from now on (undone by vi.restoreAllMocks()). */
export function captureOutput(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}
