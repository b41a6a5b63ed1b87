// The `sentinel.mode: logsIngestion` branch of the connector config: defaults, key-path errors,
// secrets through ${VAR}/${file:}, the CA path relative to the config file, the example file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, resolveConfig } from '../../connector/config/load.ts';
import type { LogsIngestionSinkConfig } from '../../connector/config/types.ts';
import { DT_TOKENS } from './helpers/connector-env.ts';

const SECTION = {
  mode: 'logsIngestion',
  endpoint: 'https://127.0.0.1:4781/',
  dcrImmutableId: 'dcr-d7a1b000000040008000000000000001',
  tenantId: 'd7a1b000-0000-4000-8000-000000000001',
  clientId: 'd7a1b000-0000-4000-8000-000000000002',
  clientSecret: 'dtlab-test-secret',
};

function raw(sentinel: Record<string, unknown>) {
  return { darktrace: { url: 'http://127.0.0.1:4790', ...DT_TOKENS }, sentinel, state: '/tmp/x' };
}

function issues(sentinel: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolveConfig(raw(sentinel), { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

const li = (sentinel: Record<string, unknown>, opts = {}) => resolveConfig(raw(sentinel), opts).sentinel as LogsIngestionSinkConfig;

describe('sentinel.mode: logsIngestion', () => {
  it('resolves with the documented defaults', () => {
    const s = li(SECTION);
    expect(s).toMatchObject({
      mode: 'logsIngestion',
      endpoint: 'https://127.0.0.1:4781',
      authorityHost: undefined,
      caFile: undefined,
      customLabel: '',
      maxConcurrency: 5,
      timeGeneratedField: 'alertTime',
      timeoutMs: 60_000,
      batch: { maxBytes: 5 * 1024 * 1024, maxRecords: 10_000 },
      retry: { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, pauseMs: 30_000 },
      streams: {
        'Policy Breach': 'Custom-DarktraceModelAlerts',
        'AI Analyst': 'Custom-DarktraceIncidents',
        'System Alert': 'Custom-DarktraceSystemStatusAlerts',
        'Antigena Email': 'Custom-DarktraceEMAIL',
      },
    });
  });

  it('streams override the stream of one alert type', () => {
    expect(li({ ...SECTION, streams: { antigenaEmail: 'Custom-MyEmail' } }).streams).toMatchObject({ 'Antigena Email': 'Custom-MyEmail', 'Policy Breach': 'Custom-DarktraceModelAlerts' });
  });

  it('each missing required key is named', () => {
    expect(issues({ mode: 'logsIngestion' })).toEqual([
      'sentinel.endpoint: is required',
      'sentinel.dcrImmutableId: is required',
      'sentinel.tenantId: is required',
      'sentinel.clientId: is required',
      'sentinel.clientSecret: is required',
    ]);
  });

  it('bad values are named with the key path and the reason', () => {
    expect(issues({ ...SECTION, dcrImmutableId: 'DCR-1', clientId: 'nope', endpoint: 'ftp://x', streams: { policyBreach: 'DarktraceModelAlerts', other: 'Custom-X' }, sharedKey: 'abc=' })).toEqual(expect.arrayContaining([
      'sentinel.dcrImmutableId: has an invalid form (expected dcr- and 32 lower-case hex digits)',
      'sentinel.clientId: must be a valid GUID',
      'sentinel.endpoint: has an invalid form (expected an http:// or https:// URL)',
      'sentinel.streams.policyBreach: has an invalid form (expected a stream name Custom-<name>)',
      'sentinel.streams.other: unknown key',
      'sentinel.sharedKey: unknown key',
    ]));
  });

  it('the client secret comes from ${VAR} or ${file:}; an unset variable is named, never its value', () => {
    expect(li({ ...SECTION, clientSecret: '${LI_SECRET}' }, { env: { LI_SECRET: 's3cr3t-from-env' } }).clientSecret).toBe('s3cr3t-from-env');
    expect(issues({ ...SECTION, clientSecret: '${LI_SECRET}' })).toEqual(['sentinel.clientSecret: environment variable LI_SECRET is not set']);
    const dir = mkdtempSync(path.join(tmpdir(), 'dtli-'));
    writeFileSync(path.join(dir, 'secret.txt'), 'from-file\n');
    writeFileSync(path.join(dir, 'ca.pem'), 'x');
    writeFileSync(path.join(dir, 'c.yaml'), [
      'darktrace: { url: "http://127.0.0.1:4790", publicToken: p, privateToken: q }',
      `sentinel: ${JSON.stringify({ ...SECTION, clientSecret: '${file:secret.txt}', caFile: 'ca.pem', authorityHost: 'https://127.0.0.1:4781/' })}`,
      'state: ./state',
    ].join('\n'));
    const s = loadConfigFile(path.join(dir, 'c.yaml')).sentinel as LogsIngestionSinkConfig;
    expect(s.clientSecret).toBe('from-file');
    expect(s.caFile).toBe(path.join(dir, 'ca.pem'));
    expect(s.authorityHost).toBe('https://127.0.0.1:4781');
  });

  it('the batch limit of the Data Collector API (30MB) does not apply', () => {
    expect(li({ ...SECTION, batch: { maxBytes: '64MB' } }).batch.maxBytes).toBe(64 * 1024 * 1024);
  });

  it('the lab example config is valid and points at dtlab sentinel’s HTTPS defaults', () => {
    const s = loadConfigFile(path.resolve('connector/examples/lab-logs-ingestion.yaml'), { env: { DTLAB_CA: '/tmp/dtlab-ca/ca.pem' } }).sentinel as LogsIngestionSinkConfig;
    expect(s).toMatchObject({
      mode: 'logsIngestion',
      endpoint: 'https://127.0.0.1:4781',
      authorityHost: 'https://127.0.0.1:4781',
      dcrImmutableId: SECTION.dcrImmutableId,
      tenantId: SECTION.tenantId,
      clientId: SECTION.clientId,
      caFile: '/tmp/dtlab-ca/ca.pem',
    });
  });
});
