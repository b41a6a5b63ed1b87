// Property-based fuzz of the connector's config loader (issue 14 "keep them fixed"): a valid config
// with one key deleted, replaced by any JSON value, or joined by an unknown sibling either resolves
// or fails with ConfigError whose every issue names a key path (in the mutated key's section) and a
// reason, and never shows a secret; no other exception escapes. Random YAML text fails as "(file)"
// or a key path. Fixed seed (FUZZ_SEED= replays another); fast-check prints the failing seed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, resolveConfig } from '../../connector/config/load.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1414);
const SECRETS = {
  publicToken: 'pub-SECRET-3f6b2c1a9e8d7f6a',
  privateToken: 'priv-SECRET-a1b2c3d4e5f60718',
  sharedKey: 'U0VDUkVULXNoYXJlZC1rZXktdmFsdWUtZm9yLXRoZS1mdXp6LXRlc3Q=',
  token: 'push-SECRET-token',
};

/** A valid config touching every section (the Data Collector mode). */
const base = () => ({
  darktrace: { url: 'http://127.0.0.1:4790', publicToken: SECRETS.publicToken, privateToken: SECRETS.privateToken, linkBase: 'https://dt', timeout: '30s', emailPathPrefix: '/agemail/api/v1.0' },
  sentinel: {
    mode: 'dataCollector', workspaceId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', sharedKey: SECRETS.sharedKey, endpoint: 'http://127.0.0.1:4780',
    logType: 'darktrace_model_alerts', timeGeneratedField: 'alertTime', timeout: '60s', batch: { maxBytes: '5MB', maxRecords: 100 },
    retry: { maxAttempts: 8, baseDelay: '500ms', maxDelay: '30s', pause: '30s' },
  },
  receiver: { listen: '127.0.0.1:0', token: SECRETS.token, path: '/push', maxBodyBytes: '10MB', maxAlertsPerPush: 100, maxDepth: 64, spoolWait: '10s' },
  state: '/tmp/dtlab-fuzz-state',
  spool: { maxBytes: '1GB', segmentBytes: '16MB' },
  poll: { enabled: true, interval: '60s', overlap: '10m', initialLookback: '24h', lookahead: 0, backoffMax: '5m', sources: { modelBreaches: true, aiAnalyst: true, email: false }, emailItemsPerPage: 100 },
  filters: { alertTypes: ['Policy Breach', 'AI Analyst'], minScore: 10, modelNames: { include: ['A*'], exclude: [] }, minAiAnalystGroupScore: 0 },
  mapping: { modelNameSeparator: '::', breachTimeField: 'time' },
  log: { level: 'info' },
  debug: { enabled: false, clockSkewMs: 0 },
});

/** Every key path of an object (objects and leaves; array items too). */
function paths(v: unknown, at: string[] = []): string[][] {
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, child]) => [[...at, k], ...paths(child, [...at, k])]);
}
const ALL_PATHS = paths(base());

type Mutation = { path: string[]; op: 'delete' } | { path: string[]; op: 'set'; value: unknown } | { path: string[]; op: 'unknown'; key: string };

function mutate(m: Mutation): Record<string, unknown> {
  const cfg = base() as Record<string, any>;
  let parent: any = cfg;
  for (const k of m.path.slice(0, -1)) parent = parent[k];
  const last = m.path[m.path.length - 1]!;
  if (m.op === 'delete') delete parent[last];
  else if (m.op === 'set') parent[last] = m.value;
  else if (parent && typeof parent === 'object' && !Array.isArray(parent) && !(m.key in parent)) parent[m.key] = 'x';
  return cfg;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ path: fc.constantFrom(...ALL_PATHS), op: fc.constant('delete' as const) }),
  fc.record({ path: fc.constantFrom(...ALL_PATHS), op: fc.constant('set' as const), value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('${DTLAB_FUZZ_UNSET}', '${file:/nonexistent/dtlab}', '5XB', '-1s', '', 'http://', 'Custom-')) }),
  fc.record({ path: fc.constantFrom(...ALL_PATHS), op: fc.constant('unknown' as const), key: fc.stringMatching(/^[a-z][A-Za-z]{0,10}$/) }),
);

// A key path: plain names, or JSON-quoted keys that are not (`a."b c".0`), joined by dots.
const SEGMENT = String.raw`(?:[A-Za-z0-9_$-]+|"(?:[^"\\]|\\.)*")`;
const ISSUE = new RegExp(String.raw`^(\(top level\)|\(file\)|${SEGMENT}(?:\.${SEGMENT})*): \S`);
const sectionOf = (issue: string) => /^("(?:[^"\\]|\\.)*"|[^.:]+)/.exec(issue)![1];

/** The outcome the loader documents: a config, or ConfigError with key-path issues and no secret. */
function checkOutcome(run: () => unknown, section?: string): void {
  let err: unknown;
  try {
    run();
    return;
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const issues = (err as ConfigError).issues;
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue).toMatch(ISSUE);
    for (const s of Object.values(SECRETS)) expect(issue).not.toContain(s);
    if (section !== undefined && !issue.startsWith('(')) expect(sectionOf(issue)).toBe(/^[A-Za-z0-9_$-]+$/.test(section) ? section : JSON.stringify(section));
  }
}

describe('config loader fuzz', () => {
  it('the base config is valid', () => {
    expect(resolveConfig(base(), { env: {} }).receiver?.maxAlerts).toBe(100);
  });

  it('one mutated key: resolved, or ConfigError naming that section’s key path and a reason', () => {
    fc.assert(
      // An unknown key added beside a top-level key is its own section.
      fc.property(mutation, (m) => checkOutcome(() => resolveConfig(mutate(m), { env: {} }), m.op === 'unknown' && m.path.length === 1 ? m.key : m.path[0])),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('random YAML/JSON text in a config file: ConfigError, never another exception', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dtlab-fuzz-config-'));
    const file = path.join(dir, 'connector.yaml');
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      mutation.map((m) => JSON.stringify(mutate(m), null, 1)).chain((t) => fc.nat(t.length).map((cut) => t.slice(0, cut))),
    );
    fc.assert(
      fc.property(text, (t) => {
        writeFileSync(file, t);
        checkOutcome(() => loadConfigFile(file, { env: {} }));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
