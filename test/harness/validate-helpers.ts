// Shared by the dtlab validate tests: the findings of a scenario text, formatted as the CLI prints them.
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
