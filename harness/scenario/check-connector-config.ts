// `topology.connectorConfig`, checked against the connector's own config schema before the run (it is
// merged over the harness's defaults, so nothing in it is required), and its durations held to the
// scenario's rule: a unit always. The connector reads a bare number as milliseconds while the
// scenario format used to read one as seconds, so `poll: { interval: 10 }` silently meant 10 ms.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { configSchema } from '../../connector/config/schema.ts';
import { DURATION_PATTERN } from '../../connector/util/duration.ts';
import { isObject, show, type Findings, type KeyPath } from './diagnostics.ts';

type Sink = 'dataCollector' | 'logsIngestion';
type SchemaNode = Record<string, unknown>;

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

const AT: KeyPath = ['topology', 'connectorConfig'];

/** The connector schema with nothing required, and `sentinel` as the branch of the run's sink. */
function relaxed(node: unknown, sink: Sink): unknown {
  if (Array.isArray(node)) return node.map((n) => relaxed(n, sink));
  if (!isObject(node)) return node;
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'required' || k === 'discriminator') continue;
    out[k] = relaxed(v, sink);
  }
  return out;
}

function sentinelBranch(sink: Sink): unknown {
  const branches = (configSchema.properties.sentinel as unknown as { oneOf: SchemaNode[] }).oneOf;
  return branches.find((b) => (b.properties as { mode: { const: string } }).mode.const === sink);
}

const compiled = new Map<Sink, { validate: ValidateFunction; schema: SchemaNode }>();
function schemaFor(sink: Sink): { validate: ValidateFunction; schema: SchemaNode } {
  let c = compiled.get(sink);
  if (!c) {
    const schema = relaxed(configSchema, sink) as SchemaNode;
    (schema.properties as SchemaNode).sentinel = relaxed(sentinelBranch(sink), sink);
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
    c = { validate: ajv.compile(schema), schema };
    compiled.set(sink, c);
  }
  return c;
}

function segments(pointer: string): KeyPath {
  return pointer
    ? pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s))
    : [];
}

function isDurationSchema(node: unknown): boolean {
  return isObject(node) && Array.isArray(node.anyOf) && node.anyOf.some((b) => isObject(b) && b.pattern === DURATION_PATTERN);
}

export function checkConnectorConfig(config: unknown, sinkInput: unknown, out: Findings): void {
  if (!isObject(config)) return;
  const modeGiven = isObject(config.sentinel) ? config.sentinel.mode : undefined;
  const sink: Sink = modeGiven === 'logsIngestion' || (modeGiven === undefined && sinkInput === 'logsIngestion') ? 'logsIngestion' : 'dataCollector';
  const { validate, schema } = schemaFor(sink);
  const unitless = new Set<string>();
  walkDurations(config, schema, [], (path, value) => {
    unitless.add(JSON.stringify(path));
    out.error([...AT, ...path], `is a duration without a unit (got ${value}): the connector reads a bare number as milliseconds; write ${value}ms or ${value}s`);
  });
  if (validate(config)) return;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const path = segments(e.instancePath);
    if (unitless.has(JSON.stringify(path))) continue;
    const reported = report(e, path);
    if (!reported) continue;
    const key = JSON.stringify(reported.path);
    if (seen.has(key)) continue;
    seen.add(key);
    out.error([...AT, ...reported.path], reported.reason, reported.keyOf);
  }
}

function report(e: ErrorObject, path: KeyPath): { path: KeyPath; reason: string; keyOf?: string } | undefined {
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { path, keyOf: key, reason: `unknown connector config key${allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}` };
    }
    case 'anyOf':
    case 'oneOf':
      return {
        path,
        reason: isDurationSchema(e.parentSchema)
          ? `must be a duration with its unit, such as 500ms, 30s or 5m (got ${show(e.data)})`
          : `is not a valid connector config value (got ${show(e.data)}; docs/reference/connector.md)`,
      };
    case 'type':
    case 'pattern':
      // The anyOf of durations and sizes says it once.
      return e.schemaPath.includes('/anyOf/') ? undefined : { path, reason: `${e.message ?? 'is invalid'} (got ${show(e.data)})` };
    case 'enum':
      return { path, reason: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(show).join(', ')} (got ${show(e.data)})` };
    default:
      return { path, reason: `${e.message ?? e.keyword} (got ${show(e.data)})` };
  }
}

/** Calls `found` for each number other than 0 where the connector's schema expects a duration. */
function walkDurations(value: unknown, schema: unknown, path: KeyPath, found: (path: KeyPath, value: number) => void): void {
  if (isDurationSchema(schema)) {
    if (typeof value === 'number' && value !== 0) found(path, value);
    return;
  }
  if (!isObject(value) || !isObject(schema) || !isObject(schema.properties)) return;
  for (const [k, v] of Object.entries(value)) walkDurations(v, schema.properties[k], [...path, k], found);
}
