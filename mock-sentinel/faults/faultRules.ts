// The fault rule format, shared by `--faults FILE` (JSON or YAML), `PUT /_lab/faults` and tests.
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';

/**
 * `drop`: the connection is destroyed before the request is handled (nothing stored).
 * `store-then-drop`: the request is handled and its rows stored, then the connection is destroyed
 * instead of the answer (the client sees a network error for data that landed).
 * `role-missing`: Logs Ingestion answers 403 as for an app without a role assignment on the DCR.
 */
export type FaultKind = 429 | 500 | 503 | 'latency' | 'drop' | 'store-then-drop' | 'role-missing';

export interface FaultRuleInput {
  /** Optional name, shown in the audit log; defaults to `rule-<n>`. */
  id?: string;
  /** Route name (`dataCollector`, `logsIngestion`, `query`, `token`, …) or `*` for every route. */
  route?: string;
  fault: FaultKind;
  /** Chance that a matching request is faulted (seeded, so a run reproduces). Default 1. */
  probability?: number;
  /** Matching requests let through before the rule starts firing (per window). Default 0. */
  after?: number;
  /** Most requests faulted (per window). Default: no limit. */
  count?: number;
  /** When set, `after` and `count` restart every `windowMs` milliseconds. */
  windowMs?: number;
  /** 429 and 503: a `Retry-After` header in seconds. */
  retryAfter?: number;
  /** `latency`: milliseconds added before the request is handled normally. */
  latencyMs?: number;
  /** `role-missing`: only this app (client id); default every app. */
  appId?: string;
  /** `role-missing`: only this DCR (immutable id); default every DCR. */
  dcr?: string;
  /** `role-missing`: the role assignment arrives this many milliseconds after the rules were set (propagation). */
  liftAfterMs?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRuleInput[];
}

const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fault'],
  properties: {
    id: { type: 'string', minLength: 1 },
    route: { type: 'string', minLength: 1 },
    fault: { enum: [429, 500, 503, 'latency', 'drop', 'store-then-drop', 'role-missing'] },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    after: { type: 'integer', minimum: 0 },
    count: { type: 'integer', minimum: 1 },
    windowMs: { type: 'integer', minimum: 1 },
    retryAfter: { type: 'integer', minimum: 0 },
    latencyMs: { type: 'integer', minimum: 0 },
    appId: { type: 'string', minLength: 1 },
    dcr: { type: 'string', minLength: 1 },
    liftAfterMs: { type: 'integer', minimum: 0 },
  },
  allOf: [
    { if: { properties: { fault: { const: 'latency' } } }, then: { required: ['latencyMs'] } },
    // A role assignment is per app and DCR, so only the Logs Ingestion route can miss one.
    { if: { properties: { fault: { const: 'role-missing' } } }, then: { properties: { route: { enum: ['logsIngestion', '*'] } } } },
    { if: { properties: { fault: { not: { const: 'role-missing' } } } }, then: { not: { anyOf: [{ required: ['appId'] }, { required: ['dcr'] }, { required: ['liftAfterMs'] }] } } },
  ],
} as const;

const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    seed: { type: 'integer' },
    rules: { type: 'array', items: ruleSchema },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateConfig = ajv.compile(configSchema);

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';
      const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
      const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : '';
      return `${path}: ${e.message}${extra}${allowed}`;
    })
    .join('; ');
}

/** Validates a fault configuration: `{ seed?, rules: [...] }` or a bare array of rules. */
export function parseFaultConfig(input: unknown): FaultConfig {
  const config = Array.isArray(input) ? { rules: input } : input;
  if (!validateConfig(config)) throw new Error(`invalid fault rules: ${describe(validateConfig.errors)}`);
  return config as FaultConfig;
}

/** Reads a fault file (JSON or YAML; JSON is YAML). Errors name the file and the key path. */
export async function loadFaultFile(path: string): Promise<FaultConfig> {
  const text = await readFile(path, 'utf8');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  try {
    return parseFaultConfig(data);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}
