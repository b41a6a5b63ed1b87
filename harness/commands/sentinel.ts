// dtlab sentinel — run the mock Log Analytics workspace (HTTP Data Collector API + /_lab admin API).
import process from 'node:process';
import type { Command } from '../cli.ts';
import { durationMs } from '../scenario/units.ts';
import { ADMIN_FLAGS, UsageError, adminAccessFrom, environmentHelp, numberFlag, oneOf, parseFlags, serveUntilStopped, type FlagSpec } from './cli-args.ts';
import {
  DEFAULT_WORKSPACE,
  createMockSentinel,
  loadFaultFile,
  type DataCollectorPolicy,
  type FaultConfig,
  type MockSentinelOptions,
  type WorkspaceConfig,
  DEFAULT_CLIENT_ID,
  DEFAULT_DCR_IMMUTABLE_ID,
  DEFAULT_TENANT_ID,
  parseAppSpec,
  DARKTRACE_RULES_DIR,
  loadRuleFiles,
  RuleLoadError,
  type AnalyticRule,
} from '../../mock-sentinel/index.ts';

const DEFAULT_PORT = 4780;
const DEFAULT_HTTPS_PORT = 4781;

export const SENTINEL_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  db: { type: 'string' },
  workspace: { type: 'string', multiple: true },
  faults: { type: 'string' },
  'prefer-faults': { type: 'boolean' },
  'clock-skew': { type: 'string' },
  nested: { type: 'string' },
  'invalid-log-type': { type: 'string' },
  'content-type-params': { type: 'string' },
  'max-json-depth': { type: 'string' },
  'log-level': { type: 'string' },
  'https-port': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-dir': { type: 'string' },
  app: { type: 'string', multiple: true },
  dcr: { type: 'string', multiple: true },
  'no-query-auth': { type: 'boolean' },
  ...ADMIN_FLAGS,
  rules: { type: 'string', multiple: true },
  'no-default-rules': { type: 'boolean' },
  retention: { type: 'string' },
} satisfies FlagSpec;

const help = `usage: dtlab sentinel [options]

Runs a mock Azure Log Analytics workspace: POST /api/logs?api-version=2016-04-01 (HTTP Data
Collector API, SharedKey) into an embedded DuckDB store, plus the /_lab admin API on the same port.
Prints "mock-sentinel listening on http://HOST:PORT" once ready; stops on SIGINT/SIGTERM.

options:
  --host HOST                    interface to bind (default 127.0.0.1)
  --port N                       port (default ${DEFAULT_PORT}; 0 picks a free one)
  --db PATH                      keep the workspace in a DuckDB file (default: in memory)
  --retention DURATION           delete rows ingested longer ago than this, e.g. 30d or 2h, so a long
                                 run's memory stays flat (default: keep everything)
  --workspace ID=PRIMARY[,SECONDARY]
                                 a workspace and its base64 keys; repeat for several
                                 (default: the documented test-only workspace
                                 ${DEFAULT_WORKSPACE.id})
  --faults FILE                  fault rules to start with (JSON or YAML)
  --prefer-faults                honour per-request "Prefer: code=429" style headers
  --clock-skew MINUTES           allowed x-ms-date skew (default 15)
  --nested json-string|flatten   nested objects/arrays policy (default json-string)
  --invalid-log-type reject|drop Log-Type with bad characters: 400 or silent drop (default reject)
  --content-type-params accept|reject
                                 "application/json; charset=utf-8" signed as sent (default accept)
  --max-json-depth N             deepest nesting of objects/arrays a body may have on both ingestion routes
                                 (default 64; deeper → 400)
  --https-port N                 HTTPS listener for Logs Ingestion and the mock Entra (default ${DEFAULT_HTTPS_PORT},
                                 or 0 when --port is 0; 0 picks a free one)
  --tls-cert FILE --tls-key FILE serve this certificate (default: a CA + certificate generated at start,
                                 removed at stop)
  --tls-dir PATH                 keep the generated CA and certificate in PATH and reuse them on every
                                 start, so clients trust the CA once (PATH/ca.pem for NODE_EXTRA_CA_CERTS)
  --app CLIENT_ID=SECRET[@DCR,…] an Entra app the token endpoint accepts; repeat for several; "@…" limits
                                 the DCRs it may ingest into (default: the documented test app
                                 ${DEFAULT_CLIENT_ID}, every DCR)
  --dcr FILE                     a data collection rule (ARM JSON) to load besides the shipped Darktrace DCR
                                 ${DEFAULT_DCR_IMMUTABLE_ID}; repeat for several
  --no-query-auth                leave the KQL query API (/v1/workspaces/:id/query) open: no bearer token
                                 needed (default: a token of the mock Entra, aud https://api.loganalytics.io)
  --allowed-host NAME            also answer the /_lab admin API for this Host (besides loopback names and
                                 addresses, else 421); repeat for several
  --admin-token T                require "Authorization: Bearer T" on the /_lab admin API (else 401)
  --log-level LEVEL              pino level on stderr (default warn)
  --rules PATH                   analytic rules in the Azure-Sentinel YAML format (a file, or a folder of
                                 .yaml files), loaded unmodified; repeat for several. A key the lab does not
                                 support or a query that does not parse stops the start (file, key, reason)
  --no-default-rules             do not load the rules shipped for the Darktrace tables
                                 (mock-sentinel/analytics/rules/darktrace/)
  -h, --help                     this text

Documented policies, the fault file format and the admin API: docs/reference/mock-sentinel.md
Logs Ingestion, the mock Entra and trusting the CA: docs/reference/logs-ingestion.md

${environmentHelp('sentinel', SENTINEL_FLAGS)}`;


function parseWorkspace(value: string, index: number): WorkspaceConfig {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`--workspace #${index + 1}: expected ID=PRIMARY[,SECONDARY]`);
  const [primaryKey, secondaryKey, ...rest] = value.slice(eq + 1).split(',');
  if (!primaryKey || rest.length > 0) throw new UsageError(`--workspace #${index + 1}: expected ID=PRIMARY[,SECONDARY]`);
  return { id: value.slice(0, eq), primaryKey, ...(secondaryKey ? { secondaryKey } : {}) };
}


/** The shipped Darktrace rules (unless turned off) and the rules of `paths`; a bad rule is a usage error. */
export function analyticRules(paths: readonly string[], noDefaults: boolean): AnalyticRule[] {
  try {
    return loadRuleFiles([...(noDefaults ? [] : [DARKTRACE_RULES_DIR]), ...paths]);
  } catch (err) {
    if (err instanceof RuleLoadError) throw new UsageError(`analytic rules refused:\n${err.message}`);
    throw err;
  }
}

/** The mock's options from `dtlab sentinel` flags, then DTLAB_SENTINEL_* variables, then the defaults. */
export async function optionsFrom(argv: string[]): Promise<MockSentinelOptions> {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: SENTINEL_FLAGS,
  }, { command: 'sentinel' });
  const policy: Partial<DataCollectorPolicy> = {};
  if (values['clock-skew'] !== undefined) policy.clockSkewMinutes = numberFlag('--clock-skew', values['clock-skew'], 0, 10_080);
  const nested = oneOf('--nested', values.nested, ['json-string', 'flatten'] as const);
  if (nested) policy.nested = nested;
  const invalidLogType = oneOf('--invalid-log-type', values['invalid-log-type'], ['reject', 'drop'] as const);
  if (invalidLogType) policy.invalidLogType = invalidLogType;
  const contentTypeParameters = oneOf('--content-type-params', values['content-type-params'], ['accept', 'reject'] as const);
  if (contentTypeParameters) policy.contentTypeParameters = contentTypeParameters;
  const maxJsonDepth = values['max-json-depth'] === undefined ? undefined : numberFlag('--max-json-depth', values['max-json-depth'], 1, 10_000);
  if (maxJsonDepth !== undefined) policy.maxJsonDepth = maxJsonDepth;
  let faults: FaultConfig | undefined;
  if (values.faults !== undefined) faults = await loadFaultFile(values.faults);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key must be given together');
  if (values['tls-dir'] !== undefined && values['tls-cert'] !== undefined) throw new UsageError('--tls-dir keeps a generated CA: not with --tls-cert/--tls-key');
  let apps;
  try {
    apps = values.app?.map(parseAppSpec);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const port = values.port === undefined ? DEFAULT_PORT : numberFlag('--port', values.port, 0, 65_535);
  const rules = analyticRules(values.rules ?? [], values['no-default-rules'] ?? false);
  let retentionMs: number | undefined;
  if (values.retention !== undefined) {
    try {
      retentionMs = durationMs(values.retention === '0' ? 0 : values.retention);
    } catch {
      throw new UsageError(`--retention: expected a duration such as 30d, 2h or 0, got '${values.retention}'`);
    }
  }
  return {
    ...(retentionMs === undefined ? {} : { retentionMs }),
    host: values.host ?? '127.0.0.1',
    port,
    dbPath: values.db,
    workspaces: values.workspace?.map(parseWorkspace),
    dataCollector: policy,
    faults,
    preferHeaderFaults: values['prefer-faults'] ?? false,
    logLevel: values['log-level'] ?? 'warn',
    tls: { certPath: values['tls-cert'], keyPath: values['tls-key'], dir: values['tls-dir'] },
    httpsPort: values['https-port'] === undefined ? (port === 0 ? 0 : DEFAULT_HTTPS_PORT) : numberFlag('--https-port', values['https-port'], 0, 65_535),
    apps,
    dcrFiles: values.dcr,
    noQueryAuth: values['no-query-auth'] ?? false,
    admin: adminAccessFrom(values),
    analytics: { rules, clock: 'auto' },
    ...(maxJsonDepth === undefined ? {} : { logsIngestion: { maxJsonDepth } }),
  };
}

export const command: Command = {
  summary: 'run the mock Log Analytics workspace (HTTP Data Collector API, /_lab admin API)',
  help,
  run(argv) {
    let options!: MockSentinelOptions;
    return serveUntilStopped(
      'sentinel',
      async () => createMockSentinel((options = await optionsFrom(argv))),
      (mock) => mock.listen(),
      (_mock, { url, httpsUrl, caPath }) => {
        const workspaceIds = (options.workspaces ?? [DEFAULT_WORKSPACE]).map((w) => w.id.toLowerCase());
        const lines = [
          `mock-sentinel listening on ${url}`,
          `  post:   POST ${url}/api/logs?api-version=2016-04-01  (SharedKey; headers Log-Type, x-ms-date)`,
          `  workspace${workspaceIds.length > 1 ? 's' : ''}: ${workspaceIds.join(', ')}${options.workspaces ? '' : '  (documented test-only keys: see docs/reference/mock-sentinel.md)'}`,
          `  tables: ${url}/_lab/tables   audit: ${url}/_lab/requests`,
          `  store:  ${options.dbPath ?? 'in memory (--db PATH to keep it)'}`,
          `  https:  ${httpsUrl}  (Logs Ingestion and the mock Entra; same app as HTTP)`,
          `  trust:  ${caPath}  (NODE_EXTRA_CA_CERTS=${caPath})`,
          `  entra:  authorityHost ${httpsUrl}  tenant ${DEFAULT_TENANT_ID}${options.apps ? '' : `  client ${DEFAULT_CLIENT_ID} (documented test-only secret)`}`,
          `  ingest: POST ${httpsUrl}/dataCollectionRules/${DEFAULT_DCR_IMMUTABLE_ID}/streams/Custom-DarktraceModelAlerts?api-version=2023-01-01`,
          `  dcrs:   ${url}/_lab/dcrs`,
          `  rules:  ${options.analytics?.rules?.length ?? 0} analytic rules on the mock's clock  ${url}/_lab/rules  alerts: ${url}/_lab/alerts  incidents: ${url}/_lab/incidents`,
          `  query:  POST ${url}/v1/workspaces/${workspaceIds[0]}/query  (${options.noQueryAuth ? 'open: --no-query-auth' : 'bearer token of the mock Entra, aud https://api.loganalytics.io'})`,
        ];
        process.stdout.write(lines.join('\n') + '\n');
      },
    );
  },
};
