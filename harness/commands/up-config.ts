// The file `dtlab up --config FILE` reads (YAML or JSON): the flags of `dtlab sentinel` and
// `dtlab darktrace` by their long names, and connector config keys merged over the wired ones.
//
//   sentinel:  { port: 4780, workspace: ["ID=KEY"], no-query-auth: true }
//   darktrace: { seed: 7, rate: "modelBreach=600/h", backfill: 2h }
//   connector: { sentinel: { mode: logsIngestion }, poll: { interval: 30s } }
//   receiver-port: 4795
//   state: .state/dtlab-up
//   log-level: info
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './cli-args.ts';

export interface UpFile {
  /** `dtlab sentinel` / `dtlab darktrace` command lines built from the file's sections. */
  sentinelArgs: string[];
  darktraceArgs: string[];
  connector: Record<string, unknown>;
  /** `dtlab up`'s own flags set in the file (receiver-port, state, log-level), as a command line. */
  upArgs: string[];
}

const TOP_KEYS = ['sentinel', 'darktrace', 'connector', 'receiver-port', 'state', 'log-level'];

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A section of flags as a command line: `true` → `--flag`, `false` → nothing, a list → the flag repeated. */
export function sectionArgs(file: string, section: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value)) throw new UsageError(`${file}: ${section}: must be a mapping of ${section === '(top level)' ? 'keys' : `dtlab ${section} flags`}`);
  const args: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const path = section === '(top level)' ? key : `${section}.${key}`;
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === true) args.push(`--${key}`);
      else if (item === false) continue;
      else if (typeof item === 'string' || typeof item === 'number') args.push(`--${key}=${item}`);
      else throw new UsageError(`${file}: ${path}: must be a string, a number, a boolean or a list of them`);
    }
  }
  return args;
}

export function loadUpFile(file: string): UpFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--config: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  doc ??= {};
  if (!isMapping(doc)) throw new UsageError(`${file}: (top level): must be a mapping of keys (${TOP_KEYS.join(', ')})`);
  const unknown = Object.keys(doc).find((k) => !TOP_KEYS.includes(k));
  if (unknown !== undefined) throw new UsageError(`${file}: ${unknown}: unknown key (expected ${TOP_KEYS.join(', ')})`);
  if (doc.connector !== undefined && !isMapping(doc.connector)) throw new UsageError(`${file}: connector: must be a mapping of connector config keys`);
  const own = Object.fromEntries(Object.entries(doc).filter(([k]) => !['sentinel', 'darktrace', 'connector'].includes(k)));
  return {
    sentinelArgs: sectionArgs(file, 'sentinel', doc.sentinel),
    darktraceArgs: sectionArgs(file, 'darktrace', doc.darktrace),
    connector: (doc.connector as Record<string, unknown> | undefined) ?? {},
    upArgs: sectionArgs(file, '(top level)', own),
  };
}
