// dtlab darktrace — run the Darktrace simulator (fake Threat Visualizer + Darktrace/Email API,
// seeded alerts, push mode, /_lab admin API).
import process from 'node:process';
import type { Command } from '../cli.ts';
import { ADMIN_FLAGS, ADMIN_FLAGS_HELP, UsageError, adminAccessFrom, environmentHelp, numberFlag, oneOf, parseFlags, serveUntilStopped, type FlagSpec } from './cli-args.ts';
import { isLoopbackHost } from '../../shared-lib/admin-guard.ts';
import { ALERT_TYPES, DEFAULT_TOKENS, createSimulator, type AlertType, type ApiPolicy, type PushTarget, type Simulator, type SimulatorOptions, type TokenPair } from '../../simulator/index.ts';

const DEFAULT_PORT = 4790;
const DEFAULT_PUSH_TOKEN = 'dtlab-push-token';

export const DARKTRACE_FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  seed: { type: 'string' },
  'clock-start': { type: 'string' },
  backfill: { type: 'string' },
  retention: { type: 'string' },
  speed: { type: 'string' },
  rate: { type: 'string', multiple: true },
  'public-token': { type: 'string' },
  'private-token': { type: 'string' },
  token: { type: 'string', multiple: true },
  push: { type: 'string', multiple: true },
  'push-token': { type: 'string' },
  'push-types': { type: 'string' },
  'push-format': { type: 'string' },
  'instance-url': { type: 'string' },
  'date-reference': { type: 'string' },
  'max-skew': { type: 'string' },
  'accept-encoded-query': { type: 'boolean' },
  'post-signing': { type: 'string' },
  'error-key': { type: 'string' },
  'check-order': { type: 'string' },
  'unknown-params': { type: 'string' },
  ...ADMIN_FLAGS,
} satisfies FlagSpec;

const help = `usage: dtlab darktrace [options]

Runs the Darktrace simulator: a seeded company network raising model breaches, AI Analyst
incidents, system status alerts and Darktrace/Email alerts, served by a fake Threat Visualizer API
with DTAPI authentication (and /_lab admin routes without auth). Starts with a backfilled history.
Prints "darktrace simulator listening on http://HOST:PORT" once ready; stops on SIGINT/SIGTERM.

options:
  --host HOST               interface to bind (default 127.0.0.1)
  --port N                  port (default ${DEFAULT_PORT}; 0 picks a free one)
  --seed N                  world and alert seed (default 1)
  --clock-start ISO         simulated time at start (default: now)
  --backfill DURATION       history generated before the start, e.g. 24h, 90m, 0 (default 24h)
  --speed X                 1 real time (default), N accelerated, 0 stepped (POST /_lab/clock)
  --retention DURATION      forget alerts older than this (simulated time), e.g. 7d; memory stays
                            flat on long runs (default: keep everything)
  --rate SPEC               noise rates, e.g. modelBreach=600/h,email=2/m,story=0 (repeatable)
  --public-token T          DTAPI public token (default: the spec's test vector)
  --private-token K         DTAPI private token (default: the spec's test vector)
  --token PUBLIC:PRIVATE    an extra token pair; repeat for several
  --push URL                POST each new alert to URL; repeat for several
  --push-token T            bearer token for --push (default ${DEFAULT_PUSH_TOKEN})
  --push-types LIST         alert types to push, comma-separated (default all:
                            ${ALERT_TYPES.join(',')})
  --push-format F           envelope ({"type","alert"}, default) or raw (the alert JSON alone)
  --instance-url URL        base of breachUrl and other links (default https://darktrace-<master>)
  --date-reference R        check DTAPI-Date against the wall (default) or simulated clock
  --max-skew MINUTES        allowed DTAPI-Date skew (default 30)
  --accept-encoded-query    also accept signatures over the still-encoded query
  --post-signing P          POST with query and body signs: body (default), query, both
  --error-key K             key of auth-error bodies: first-segment (default) or a fixed key
  --check-order LIST        auth check order (default token,date,signature,endpoint)
  --unknown-params P        ignore (default) or reject unknown query parameters
${ADMIN_FLAGS_HELP}
  -h, --help                this text

Faults on demand (5xx, auth errors, latency per path): PUT /_lab/faults.
Rate SPEC, stories, the push body and the /_lab API: docs/reference/simulator.md

${environmentHelp('darktrace', DARKTRACE_FLAGS)}`;


/** The simulator's options from `dtlab darktrace` flags, then DTLAB_DARKTRACE_* variables, then the defaults. */
export function optionsFrom(argv: string[]): SimulatorOptions {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: DARKTRACE_FLAGS,
  }, { command: 'darktrace' });
  const base = DEFAULT_TOKENS[0]!;
  if ((values['public-token'] === undefined) !== (values['private-token'] === undefined)) throw new UsageError('--public-token and --private-token must be given together');
  const tokens: TokenPair[] = [{ public: values['public-token'] ?? base.public, private: values['private-token'] ?? base.private }];
  for (const [i, t] of (values.token ?? []).entries()) {
    const colon = t.indexOf(':');
    if (colon <= 0 || colon === t.length - 1) throw new UsageError(`--token #${i + 1}: expected PUBLIC:PRIVATE`);
    tokens.push({ public: t.slice(0, colon), private: t.slice(colon + 1) });
  }
  let pushTypes: AlertType[] | undefined;
  if (values['push-types'] !== undefined) {
    pushTypes = values['push-types'].split(',').map((s) => s.trim()).filter(Boolean) as AlertType[];
    const bad = pushTypes.find((t) => !ALERT_TYPES.includes(t));
    if (bad || pushTypes.length === 0) throw new UsageError(`--push-types: expected a comma-separated list of ${ALERT_TYPES.join(', ')}, got '${values['push-types']}'`);
  }
  const format = oneOf('--push-format', values['push-format'], ['envelope', 'raw'] as const);
  const push: PushTarget[] = (values.push ?? []).map((url) => {
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--push: invalid URL '${url}'`);
    }
    return { url, token: values['push-token'] ?? DEFAULT_PUSH_TOKEN, types: pushTypes, format };
  });
  const policy: Partial<Omit<ApiPolicy, 'tokens'>> = {};
  const dateReference = oneOf('--date-reference', values['date-reference'], ['wall', 'simulated'] as const);
  if (dateReference) policy.dateReference = dateReference;
  if (values['max-skew'] !== undefined) policy.maxSkewMs = numberFlag('--max-skew', values['max-skew'], 0, 525_600) * 60_000;
  if (values['accept-encoded-query']) policy.acceptEncodedQuery = true;
  const postSigning = oneOf('--post-signing', values['post-signing'], ['body', 'query', 'both'] as const);
  if (postSigning) policy.postSigning = postSigning;
  if (values['error-key'] !== undefined) policy.errorKey = values['error-key'];
  if (values['check-order'] !== undefined) {
    const order = values['check-order'].split(',').map((s) => s.trim());
    const allowed = ['token', 'date', 'signature', 'endpoint'];
    if (order.some((c) => !allowed.includes(c)) || new Set(order).size !== order.length) throw new UsageError(`--check-order: expected distinct items of ${allowed.join(',')}, got '${values['check-order']}'`);
    policy.checkOrder = order as ApiPolicy['checkOrder'];
  }
  const unknown = oneOf('--unknown-params', values['unknown-params'], ['ignore', 'reject'] as const);
  if (unknown) policy.unknownParameters = unknown;
  const options: SimulatorOptions = {
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? DEFAULT_PORT : numberFlag('--port', values.port, 0, 65_535),
    seed: values.seed === undefined ? 1 : numberFlag('--seed', values.seed, 0, 2 ** 31 - 1),
    speed: values.speed === undefined ? 1 : numberFlag('--speed', values.speed, 0, 1_000_000, false),
    tokens,
    push,
    policy,
    instanceUrl: values['instance-url'],
    admin: adminAccessFrom(values),
  };
  if (values['clock-start'] !== undefined) options.clockStart = values['clock-start'];
  if (values.backfill !== undefined) options.backfill = values.backfill;
  if (values.retention !== undefined) options.retention = values.retention;
  if (values.rate?.length) options.rates = values.rate.join(',');
  return options;
}

/**
 * A pushed alert the receiver refused for good, or one dropped from a full queue, is gone from the
 * connector's view: say so, or it would vanish without a trace.
 */
export function reportPushFailures(events: Simulator['events'], write: (line: string) => void): void {
  events.on('push:failed', (e: { url: string; type: string; id: string; status?: number; error?: string; attempts: number }) =>
    write(`push: ${e.type} ${e.id} refused by ${e.url} (${e.status ?? e.error}) after ${e.attempts} attempt(s); not retried`),
  );
  events.on('push:dropped', (e: { url: string; type: string; id: string }) => write(`push: ${e.type} ${e.id} dropped: the queue for ${e.url} is full`));
}

export const command: Command = {
  summary: 'run the Darktrace simulator (Threat Visualizer + Darktrace/Email API, push mode)',
  help,
  run: (argv) =>
    serveUntilStopped(
      'darktrace',
      () => createSimulator(optionsFrom(argv)),
      (sim) => sim.listen(),
      (sim, { url }) => {
        sim.start();
        const c = sim.engine.counts;
        const lines = [
          `darktrace simulator listening on ${url}`,
          `  clock:   ${new Date(sim.clock.now()).toISOString()} (${sim.clock.stepped ? 'stepped' : `×${sim.clock.speed}`}), seed ${sim.options.seed}`,
          `  history: ${c.modelBreach} model breaches, ${c.aiAnalyst} AI Analyst events, ${c.systemAlert} system alerts, ${c.email} emails`,
          `  tokens:  public ${sim.policy.tokens[0]!.public}${sim.policy.tokens[0]!.public === DEFAULT_TOKENS[0]!.public ? ' (documented test-only pair)' : ''}`,
          `  lab:     ${url}/_lab/generated   ${url}/_lab/health   ${url}/_lab/faults`,
          ...sim.pushers.map((p) => `  push:    ${p.target.url} (${(p.target.types ?? ALERT_TYPES).join(',')})`),
        ];
        process.stdout.write(lines.join('\n') + '\n');
        if (!isLoopbackHost(sim.options.host) && !sim.options.admin.token) {
          process.stderr.write(`warning: the /_lab API (emit, clock, faults) is reachable on ${sim.options.host} without an admin token; set one with --admin-token\n`);
        }
        reportPushFailures(sim.events, (line) => process.stderr.write(line + '\n'));
      },
    ),
};
