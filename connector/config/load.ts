// Loads, substitutes, validates and resolves a connector config.
// Errors name the key path (`sentinel.workspaceId`) and the reason; secret values never appear in them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { configSchema } from './schema.ts';
import { parseDuration, parseSize } from '../util/duration.ts';
import { ALERT_TYPES, DEFAULT_STREAMS, LEGACY_TYPES, type AlertType, type ConnectorConfig, type LogsIngestionSinkConfig, type RetryConfig, type SinkConfig } from './types.ts';

export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid connector config:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const MAX_BATCH_BYTES = 30 * 1024 * 1024; // the Data Collector API's per-post limit (A5)
/** How many alerts Darktrace puts in one push is undocumented (the simulator sends one); a batching forwarder stays below this. */
const DEFAULT_MAX_ALERTS_PER_PUSH = 10_000;
/** Darktrace alerts nest about 8 levels (AI Analyst `details`); JSON.stringify fails near 5,000. */
const DEFAULT_MAX_DEPTH = 64;

// ajv-formats ships CJS; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(configSchema as object);

/** `a.b.0`; a key that is not a plain name (empty, spaces, dots, colons) is quoted: `a."b c"`. */
function keyPath(parts: Array<string | number>): string {
  return parts.length ? parts.map((p) => (/^[A-Za-z0-9_$-]+$/.test(String(p)) ? String(p) : JSON.stringify(String(p)))).join('.') : '(top level)';
}

/** Replaces `${VAR}` with the environment variable and `${file:PATH}` with the file's trimmed content. */
function substitute(value: unknown, at: Array<string | number>, env: NodeJS.ProcessEnv, baseDir: string, issues: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
      if (ref.startsWith('file:')) {
        const file = path.resolve(baseDir, ref.slice(5));
        try {
          return readFileSync(file, 'utf8').trim();
        } catch (err) {
          issues.push(`${keyPath(at)}: cannot read secret file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
          return '';
        }
      }
      const v = env[ref];
      if (v === undefined || v === '') {
        issues.push(`${keyPath(at)}: environment variable ${ref} is not set`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, [...at, i], env, baseDir, issues));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, [...at, k], env, baseDir, issues);
    return out;
  }
  return value;
}

function describe(err: ErrorObject): string {
  const parts = err.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  switch (err.keyword) {
    case 'required':
      return `${keyPath([...parts, (err.params as { missingProperty: string }).missingProperty])}: is required`;
    case 'additionalProperties':
      return `${keyPath([...parts, (err.params as { additionalProperty: string }).additionalProperty])}: unknown key`;
    case 'format':
      return `${keyPath(parts)}: must be a valid ${(err.params as { format: string }).format === 'uuid' ? 'GUID' : (err.params as { format: string }).format}`;
    case 'pattern':
      return `${keyPath(parts)}: has an invalid form (expected ${patternHint(parts)})`;
    case 'enum':
      return `${keyPath(parts)}: must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${keyPath(parts)}: must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}`;
    case 'discriminator':
      return `${keyPath([...parts, 'mode'])}: must be "dataCollector" or "logsIngestion"`;
    default:
      return `${keyPath(parts)}: ${err.message ?? 'is invalid'}`;
  }
}

function patternHint(parts: string[]): string {
  const last = parts[parts.length - 1] ?? '';
  if (/Key$/.test(last)) return 'a base64 workspace key';
  if (last === 'logType') return 'letters, digits and _ only, at most 100 characters';
  if (last === 'listen') return '"PORT" or "HOST:PORT"';
  if (last === 'dcrImmutableId') return 'dcr- and 32 lower-case hex digits';
  if (parts[parts.length - 2] === 'streams') return 'a stream name Custom-<name>';
  if (/^(url|endpoint|linkBase)$/.test(last)) return 'an http:// or https:// URL';
  if (/maxBytes|segmentBytes|maxBodyBytes/.test(last)) return 'a size such as 5MB';
  return 'a duration such as 30s or 5m, or the documented form';
}

function dedupeIssues(errors: ErrorObject[]): string[] {
  // anyOf produces one error per branch plus an umbrella one: report each key path once.
  const byPath = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const msg = describe(e);
    const p = msg.slice(0, msg.indexOf(':'));
    if (e.keyword === 'type' && byPath.has(p)) continue;
    if (!byPath.has(p) || e.keyword === 'pattern') byPath.set(p, msg);
  }
  return [...byPath.values()];
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory that relative `state` paths and `${file:}` references resolve against. */
  baseDir?: string;
}

/** Validates and resolves an already-parsed config object. */
export function resolveConfig(raw: unknown, opts: LoadOptions = {}): ConnectorConfig {
  const env = opts.env ?? process.env;
  const baseDir = opts.baseDir ?? process.cwd();
  const issues: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(['(top level): must be a mapping of keys']);
  const obj = substitute(raw, [], env, baseDir, issues) as Record<string, any>;
  if (issues.length) throw new ConfigError(issues);
  if (obj.sentinel && typeof obj.sentinel === 'object' && obj.sentinel.mode === undefined) obj.sentinel.mode = 'dataCollector';
  if (Array.isArray(obj.sinks)) for (const e of obj.sinks) if (e && typeof e === 'object' && e.mode === undefined) e.mode = 'dataCollector';
  const noSink = obj.sentinel === undefined && obj.sinks === undefined ? ['sentinel: is required (or sinks:, a list of sinks)'] : [];
  if (!validate(obj)) throw new ConfigError([...dedupeIssues(validate.errors ?? []), ...noSink]);
  if (noSink.length) throw new ConfigError(noSink);
  if (obj.sentinel !== undefined && obj.sinks !== undefined) throw new ConfigError(['sinks: give either sentinel: (one sink) or sinks: (a list), not both']);
  // The single `sentinel:` is one sink named after its mode (its metrics label and dead letters as before).
  const entries: Array<{ at: string; raw: Record<string, any> }> = obj.sinks
    ? (obj.sinks as Record<string, any>[]).map((raw, i) => ({ at: `sinks.${i}`, raw }))
    : [{ at: 'sentinel', raw: { ...obj.sentinel, name: obj.sentinel.mode } }];
  const seen = new Map<string, string>();
  for (const { at, raw } of entries) {
    if (seen.has(raw.name)) throw new ConfigError([`${at}.name: '${raw.name}' is already the name of ${seen.get(raw.name)}; each sink needs its own (it names its cursor)`]);
    seen.set(raw.name, at);
  }
  const debug = { enabled: obj.debug?.enabled ?? false, clockSkewMs: obj.debug?.clockSkewMs ?? 0 };
  if (debug.clockSkewMs !== 0 && !debug.enabled) throw new ConfigError(['debug.clockSkewMs: is a test hook; set debug.enabled: true to use it']);
  // The activity streams have no place in darktrace_model_alerts_CL: only their Custom-Darktrace* streams
  // take them. One Logs Ingestion sink (enabled or not) is enough; Data Collector sinks skip them.
  const activity = ['responseActions', 'asm', 'emailRelease'].filter((k) => obj.poll?.sources?.[k] === true);
  if (activity.length && !entries.some((e) => e.raw.mode === 'logsIngestion')) {
    const needs = obj.sinks ? 'a sink in mode logsIngestion (every sink in sinks: is dataCollector; ' : 'sentinel.mode logsIngestion (';
    throw new ConfigError(activity.map((k) => `poll.sources.${k}: needs ${needs}its records go to a Custom-Darktrace* stream; the Data Collector table has no place for them)`));
  }
  const sinks = entries.map(({ at, raw }) => resolveSink(raw, at, baseDir));
  // One spool format for every sink: the alert time is spooled under one field name, which each sink reads.
  const odd = sinks.findIndex((k) => k.timeGeneratedField !== sinks[0]!.timeGeneratedField);
  if (odd > 0) {
    throw new ConfigError([`sinks.${odd}.timeGeneratedField: '${sinks[odd]!.timeGeneratedField}' differs from sinks.0's '${sinks[0]!.timeGeneratedField}'; the sinks share one spool, so they need the same one (a logsIngestion sink reads alertTime)`]);
  }
  const f = obj.filters ?? {};
  const p = obj.poll ?? {};
  const r = obj.receiver;
  const dtUrl = String(obj.darktrace.url).replace(/\/+$/, '');
  const resolved: ConnectorConfig = {
    darktrace: {
      url: dtUrl,
      publicToken: obj.darktrace.publicToken,
      privateToken: obj.darktrace.privateToken,
      linkBase: String(obj.darktrace.linkBase ?? dtUrl).replace(/\/+$/, ''),
      timeoutMs: parseDuration(obj.darktrace.timeout ?? '30s'),
      emailPathPrefix: String(obj.darktrace.emailPathPrefix ?? '/agemail/api/v1.0').replace(/\/+$/, ''),
    },
    sinks,
    sentinel: sinks[0]!,
    receiver: r
      ? {
          listen: String(r.listen),
          token: r.token,
          path: r.path ?? '/push',
          maxBodyBytes: parseSize(r.maxBodyBytes ?? '10MB'),
          maxAlerts: r.maxAlertsPerPush ?? DEFAULT_MAX_ALERTS_PER_PUSH,
          maxDepth: r.maxDepth ?? DEFAULT_MAX_DEPTH,
          spoolWaitMs: parseDuration(r.spoolWait ?? '10s'),
        }
      : undefined,
    monitoring: obj.monitoring ? { listen: String(obj.monitoring.listen) } : undefined,
    admin: { ...(obj.admin?.token !== undefined ? { token: obj.admin.token } : {}), allowedHosts: obj.admin?.allowedHosts ?? [] },
    state: path.resolve(baseDir, obj.state),
    spool: {
      maxBytes: parseSize(obj.spool?.maxBytes ?? '1GB'),
      segmentBytes: parseSize(obj.spool?.segmentBytes ?? '16MB'),
    },
    poll: {
      enabled: p.enabled ?? true,
      intervalMs: parseDuration(p.interval ?? '60s'),
      overlapMs: parseDuration(p.overlap ?? '10m'),
      initialLookbackMs: parseDuration(p.initialLookback ?? '24h'),
      lookaheadMs: parseDuration(p.lookahead ?? 0),
      clock: p.clock ?? 'local',
      backoffMaxMs: parseDuration(p.backoffMax ?? '5m'),
      sources: {
        modelBreaches: p.sources?.modelBreaches ?? true,
        aiAnalyst: p.sources?.aiAnalyst ?? true,
        email: p.sources?.email ?? true,
        responseActions: p.sources?.responseActions ?? false,
        asm: p.sources?.asm ?? false,
        emailRelease: p.sources?.emailRelease ?? false,
      },
      emailItemsPerPage: p.emailItemsPerPage ?? 100,
    },
    filters: {
      alertTypes: (f.alertTypes ?? ALERT_TYPES) as AlertType[],
      minScore: f.minScore ?? 0,
      modelNames: { include: f.modelNames?.include ?? [], exclude: f.modelNames?.exclude ?? [] },
      minAiAnalystGroupScore: f.minAiAnalystGroupScore ?? 0,
    },
    mapping: {
      modelNameSeparator: obj.mapping?.modelNameSeparator ?? '::',
      breachTimeField: obj.mapping?.breachTimeField ?? 'time',
    },
    log: { level: obj.log?.level ?? 'info', summaryIntervalMs: parseDuration(obj.log?.summaryInterval ?? '60s') },
    debug,
  };
  for (const li of resolved.sinks) {
    if (li.mode !== 'logsIngestion') continue;
    const on = resolved.poll.sources;
    const types: AlertType[] = [...LEGACY_TYPES, ...(on.responseActions ? ['Response Action' as const] : []), ...(on.asm ? ['ASM' as const] : []), ...(on.emailRelease ? ['Email Release' as const] : [])];
    li.probeStreams = types.map((t) => li.streams[t]);
  }
  return resolved;
}

/** One sink (already schema-validated); `at` is its key path in errors (`sentinel`, `sinks.1`). */
function resolveSink(s: Record<string, any>, at: string, baseDir: string): SinkConfig {
  const batchBytes = parseSize(s.batch?.maxBytes ?? '5MB');
  if (s.mode === 'dataCollector' && batchBytes > MAX_BATCH_BYTES) throw new ConfigError([`${at}.batch.maxBytes: must not exceed 30MB (the Data Collector API limit per post)`]);
  if (/^(timegenerated|tenant|rawdata)$/i.test(s.timeGeneratedField ?? '')) {
    // azure-ingestion.md A5: the service refuses a record carrying a reserved property.
    throw new ConfigError([`${at}.timeGeneratedField: '${s.timeGeneratedField}' is a reserved property; every record would be refused (400 InvalidDataFormat)`]);
  }
  const retry = {
    maxAttempts: s.retry?.maxAttempts ?? 8,
    baseDelayMs: parseDuration(s.retry?.baseDelay ?? '500ms'),
    maxDelayMs: parseDuration(s.retry?.maxDelay ?? '30s'),
    pauseMs: parseDuration(s.retry?.pause ?? '30s'),
  };
  const named = { name: String(s.name), enabled: s.enabled ?? true };
  if (s.mode === 'logsIngestion') return { ...resolveLogsIngestion(s, baseDir, batchBytes, retry), ...named };
  return {
    mode: 'dataCollector',
    workspaceId: s.workspaceId,
    sharedKey: s.sharedKey,
    secondaryKey: s.secondaryKey,
    endpoint: String(s.endpoint ?? `https://${s.workspaceId}.ods.opinsights.azure.com`).replace(/\/+$/, ''),
    logType: s.logType ?? 'darktrace_model_alerts',
    timeGeneratedField: s.timeGeneratedField ?? 'alertTime',
    azureResourceId: s.azureResourceId,
    timeoutMs: parseDuration(s.timeout ?? '60s'),
    batch: { maxBytes: batchBytes, maxRecords: s.batch?.maxRecords ?? 10_000 },
    retry,
    stuckAfterMs: parseDuration(s.stuckAfter ?? '10m'),
    ...named,
  };
}

/** The `mode: logsIngestion` branch (already schema-validated). */
function resolveLogsIngestion(s: Record<string, any>, baseDir: string, batchBytes: number, retry: RetryConfig): LogsIngestionSinkConfig {
  const streams = { ...DEFAULT_STREAMS };
  const keys: Record<string, AlertType> = {
    policyBreach: 'Policy Breach',
    aiAnalyst: 'AI Analyst',
    systemAlert: 'System Alert',
    antigenaEmail: 'Antigena Email',
    responseActions: 'Response Action',
    asm: 'ASM',
    emailRelease: 'Email Release',
  };
  for (const [k, type] of Object.entries(keys)) if (s.streams?.[k]) streams[type] = s.streams[k];
  return {
    mode: 'logsIngestion',
    endpoint: String(s.endpoint).replace(/\/+$/, ''),
    dcrImmutableId: s.dcrImmutableId,
    tenantId: s.tenantId,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    authorityHost: s.authorityHost ? String(s.authorityHost).replace(/\/+$/, '') : undefined,
    caFile: s.caFile ? path.resolve(baseDir, s.caFile) : undefined,
    streams,
    customLabel: s.customLabel ?? '',
    maxConcurrency: s.maxConcurrency ?? 5,
    timeGeneratedField: 'alertTime',
    timeoutMs: parseDuration(s.timeout ?? '60s'),
    batch: { maxBytes: batchBytes, maxRecords: s.batch?.maxRecords ?? 10_000 },
    retry,
    stuckAfterMs: parseDuration(s.stuckAfter ?? '10m'),
  };
}

/** Reads a YAML or JSON file (YAML is a superset of JSON) and resolves it. */
export function loadConfigFile(file: string, opts: LoadOptions = {}): ConnectorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`(file): cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`(file): ${file} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`]);
  }
  return resolveConfig(raw, { ...opts, baseDir: opts.baseDir ?? path.dirname(path.resolve(file)) });
}
