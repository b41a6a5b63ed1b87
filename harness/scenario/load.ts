// Reads a scenario file: YAML with node ranges kept, validated against scenarios/scenario.schema.json
// and by the checks the schema cannot express (check-scenario.ts), every finding pointed at
// file:line:col and the key path, all in one pass — then normalised for the engine.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, visit, type Document, type Node } from 'yaml';
import { durationMs, ratePerSecond } from './units.ts';
import type { Scenario, ScenarioInput, Fault, Inject, InjectInput } from './types.ts';
import { formatError, isWarning, keyPath, show, type Findings, type KeyPath, type ScenarioError } from './diagnostics.ts';
import { checkScenario } from './check-scenario.ts';

export { formatError, keyPath, isWarning, type ScenarioError } from './diagnostics.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));

/**
 * ok: the scenario, with any warnings. Not ok: every finding of the file in line order, errors and
 * warnings alike (with `strict`, a warning alone makes the file invalid).
 */
export type LoadResult = { ok: true; scenario: Scenario; warnings: ScenarioError[] } | { ok: false; errors: ScenarioError[] };

export interface LoadOptions {
  /** Warnings make the file invalid (`dtlab validate --strict`, `dtlab run --strict`). */
  strict?: boolean;
}

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    // strictRequired/strictTypes off: the schema requires keys defined in sibling branches (if/then).
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, verbose: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return compiled;
}

export function loadScenarioFile(file: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: '(root)', reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
  return parseScenario(text, file, options);
}

export function parseScenario(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, col: pos.col, path: pathAtOffset(doc, e.pos[0]), reason: `YAML: ${firstLine(e.message)}` };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // Aliases that expand past the limit (a "billion laughs" file): an error at the first alias,
    // not an exception out of `dtlab validate`.
    const pos = lines.linePos(firstAliasOffset(doc));
    return { ok: false, errors: [{ file, line: pos.line, col: pos.col, path: pathAtOffset(doc, firstAliasOffset(doc)), reason: `YAML: ${firstLine((err as Error).message)} (at most ${MAX_ALIAS_COUNT} alias expansions)` }] };
  }
  const at = (segments: (string | number)[], keyOf?: string): { line: number; col: number } => {
    const offset = offsetOf(doc, segments, keyOf);
    const pos = lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
  const validate = validator();
  const findings: ScenarioError[] = validate(value) ? [] : schemaErrors(validate.errors ?? [], file, at);
  const place = (severity: 'error' | 'warning') => (segs: KeyPath, reason: string, keyOf?: string) => {
    findings.push({ file, ...at(segs, keyOf), path: keyPath(keyOf === undefined ? segs : [...segs, keyOf]), reason, severity });
  };
  const out: Findings = { error: place('error'), warn: place('warning') };
  checkScenario(value, out);
  const sorted = sortErrors(findings);
  if (sorted.some((f) => options.strict || !isWarning(f))) return { ok: false, errors: sorted };
  return { ok: true, scenario: normalise(value as ScenarioInput, file), warnings: sorted };
}

/** Alias expansions a scenario file may use (the yaml package's resource-exhaustion guard). */
const MAX_ALIAS_COUNT = 100;

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function sortErrors(errors: ScenarioError[]): ScenarioError[] {
  const seen = new Set<string>();
  return errors
    .filter((e) => {
      const k = formatError(e);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

// ---- positions -------------------------------------------------------------------------------

function segmentsOf(pointer: string): KeyPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** Offset of the deepest existing node on the path (or of the key `keyOf` inside it). */
function offsetOf(doc: Document, segments: (string | number)[], keyOf?: string): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  const all = keyOf === undefined ? segments : [...segments, keyOf];
  for (let i = 0; i < all.length; i++) {
    const seg = all[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const isLastAndKey = keyOf !== undefined && i === all.length - 1;
      const keyNode = pair.key as Node;
      if (isLastAndKey || !pair.value) {
        offset = keyNode.range?.[0] ?? offset;
        node = undefined;
        break;
      }
      node = pair.value;
      offset = (pair.value as Node).range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else break;
  }
  return offset;
}

/** The key path of the innermost node containing an offset (for YAML syntax errors). */
function pathAtOffset(doc: Document, offset: number): string {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const k = p.key as Node | null;
        const v = p.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[1] ?? k?.range?.[1];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!pair || !isScalar(pair.key)) break;
      path.push(String(pair.key.value));
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => {
        const r = (it as Node).range;
        return r && offset >= r[0] && offset <= r[1];
      });
      if (i < 0) break;
      path.push(i);
      node = node.items[i];
    } else break;
  }
  return keyPath(path);
}

// ---- schema errors -> readable reasons ------------------------------------------------------------

type At = (segments: (string | number)[], keyOf?: string) => { line: number; col: number };

function schemaErrors(errors: ErrorObject[], file: string, at: At): ScenarioError[] {
  // Errors from the branches of a failed oneOf/anyOf: keep the deeper ones when the value's shape
  // matched a branch; otherwise say once what the value must be.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const dropped = new Set<ErrorObject>();
  const extra: ScenarioError[] = [];
  for (const c of combinators) {
    const branch = errors.filter((e) => e !== c && e.schemaPath.startsWith(c.schemaPath + '/'));
    // Deeper errors may come through a $ref (their schemaPath then starts at #/$defs), so match by instance path.
    const deeper = errors.filter((e) => e.instancePath.startsWith(c.instancePath + '/'));
    // For `anyOf: [required a, required b]` style checks, the branch errors are "missing" ones.
    const allMissing = branch.length > 0 && branch.every((e) => e.keyword === 'required' && e.instancePath === c.instancePath);
    if (deeper.length && !allMissing) {
      for (const e of branch) if (e.instancePath === c.instancePath) dropped.add(e);
      dropped.add(c);
    } else {
      for (const e of branch) dropped.add(e);
      dropped.add(c);
      const segs = segmentsOf(c.instancePath);
      const describe = (c.parentSchema as { description?: string } | undefined)?.description;
      const unitless = typeof c.data === 'number' && describe?.startsWith('A duration');
      const reason = allMissing
        ? `needs one of: ${branch.map((e) => (e.params as { missingProperty: string }).missingProperty).join(', ')}`
        : unitless
          ? `is a duration without a unit: write ${String(c.data)}s, ${String(c.data)}ms or ${String(c.data)}m`
          : describe
          ? `must be ${lowerFirst(describe)}`
          : `does not match any allowed form (${branch.map((e) => e.message).filter(Boolean).join('; ')})`;
      extra.push({ file, ...at(segs), path: keyPath(segs), reason: `${reason} (got ${show(c.data)})` });
    }
  }
  const out: ScenarioError[] = [...extra];
  for (const e of errors) {
    if (dropped.has(e) || e.keyword === 'if') continue;
    const segs = segmentsOf(e.instancePath);
    switch (e.keyword) {
      case 'required': {
        const missing = (e.params as { missingProperty: string }).missingProperty;
        out.push({ file, ...at(segs), path: keyPath([...segs, missing]), reason: 'is required' });
        break;
      }
      case 'additionalProperties':
      case 'unevaluatedProperties': {
        const key = (e.params as { additionalProperty?: string; unevaluatedProperty?: string }).additionalProperty ??
          (e.params as { unevaluatedProperty: string }).unevaluatedProperty;
        const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter(
          (k) => k !== 'at' && k !== 'fault',
        );
        const hint = allowed.length ? ` (allowed here: ${allowed.join(', ')})` : '';
        out.push({ file, ...at(segs, key), path: keyPath([...segs, key]), reason: `unknown key${hint}` });
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue];
        out.push({ file, ...at(segs), path: keyPath(segs), reason: `must be one of ${allowed.map(show).join(', ')} (got ${show(e.data)})` });
        break;
      }
      case 'not': {
        out.push({ file, ...at(segs), path: keyPath(segs), reason: notReason(e) });
        break;
      }
      default:
        out.push({ file, ...at(segs), path: keyPath(segs), reason: `${e.message ?? e.keyword} (got ${show(e.data)})` });
    }
  }
  return out;
}

function notReason(e: ErrorObject): string {
  const s = JSON.stringify(e.schema);
  if (s.includes('"where"') && s.includes('"kql"')) return 'use either where or kql, not both';
  if (s.includes('"speed"')) return 'clock mode real takes neither speed nor step';
  return e.message ?? 'is not allowed';
}

function lowerFirst(s: string): string {
  const first = s.split(/(?<=\.)\s/)[0]!.replace(/\.$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

// ---- normalised form ------------------------------------------------------------------------------

export const STANDARD_EXPECTATIONS = {
  landed: 'all',
  duplicates: { max: 0 },
  rejected: 'injectedOnly',
  columns: 'default',
} as const;

function normaliseInject(i: InjectInput): Inject {
  const atMs = durationMs(i.at);
  const count = i.count ?? 1;
  if (i.to !== 'mock') return { atMs, to: 'simulator', type: i.type!, count, set: i.set ?? {}, remove: i.remove ?? [] };
  return {
    atMs,
    to: 'mock',
    api: i.logType !== undefined ? { kind: 'dataCollector', logType: i.logType } : { kind: 'logsIngestion', stream: i.stream!, dcr: i.dcr },
    records: i.records ?? [i.record],
    single: i.records === undefined,
    count,
    headers: i.headers ?? {},
    auth: i.auth ?? 'valid',
  };
}

function normalise(s: ScenarioInput, file: string): Scenario {
  const clock = s.clock ?? { mode: 'stepped' as const, step: '1s' };
  const faults: Fault[] = (s.faults ?? []).map((f) => ({
    atMs: durationMs(f.at),
    fault: f.fault,
    forMs: f.for === undefined ? undefined : durationMs(f.for),
    count: f.count,
    status: f.status,
    probability: f.probability,
    retryAfter: f.retryAfter,
    route: f.route ?? 'any',
    latencyMs: f.latency === undefined ? undefined : durationMs(f.latency),
    restartAfterMs: f.restartAfter === undefined ? 0 : durationMs(f.restartAfter),
    skewMs: f.skew === undefined ? undefined : durationMs(f.skew),
    ...(f.sink !== undefined ? { sink: f.sink } : {}),
    ...(f.enabled !== undefined ? { enabled: f.enabled } : {}),
  }));
  const needsProcess = faults.some((f) => f.fault === 'connector.kill' || f.fault === 'connector.pause');
  const topology = s.topology ?? {};
  return {
    file,
    name: s.name,
    description: s.description ?? '',
    seed: s.seed ?? 1,
    world: s.world ?? {},
    clock: {
      mode: clock.mode,
      speed: clock.mode === 'accelerated' ? clock.speed! : 1,
      stepMs: clock.step === undefined ? 1000 : durationMs(clock.step),
      intervalMs: clock.interval === undefined ? 100 : durationMs(clock.interval),
      start: clock.start,
    },
    durationMs: durationMs(s.duration),
    drainTimeoutMs: s.drainTimeout === undefined ? 60_000 : durationMs(s.drainTimeout),
    rates: Object.fromEntries(Object.entries(s.traffic?.rates ?? {}).map(([k, v]) => [k, ratePerSecond(v)])),
    ...(s.traffic?.asmFindings === undefined ? {} : { asmFindings: ratePerSecond(s.traffic.asmFindings) }),
    bursts: (s.traffic?.bursts ?? []).map((b) => ({ atMs: durationMs(b.at), type: b.type, count: b.count })),
    stories: (s.traffic?.stories ?? []).map((b) => ({ atMs: durationMs(b.at), story: b.story, params: b.params ?? {} })),
    malformed: (s.traffic?.malformed ?? []).map((b) => ({ atMs: durationMs(b.at), count: b.count, kind: b.kind ?? 'bad-types' })),
    injects: (s.traffic?.inject ?? []).map(normaliseInject),
    topology: {
      simulator: topology.simulator ?? 'in-process',
      mock: topology.mock ?? 'in-process',
      connector: topology.connector ?? (needsProcess ? 'child-process' : 'in-process'),
      source: topology.source ?? 'both',
      sink: topology.sinks?.[0] ?? topology.sink ?? 'dataCollector',
      sinks: topology.sinks ?? [topology.sink ?? 'dataCollector'],
      connectorConfig: topology.connectorConfig ?? {},
      mockPolicy: topology.mockPolicy ?? {},
    },
    faults,
    analytics: s.analytics ?? {},
    expect: s.expect ?? { ...STANDARD_EXPECTATIONS },
    defaultExpectations: s.expect === undefined,
  };
}
