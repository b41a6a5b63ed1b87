// Config validation: errors name the key path and the reason; secrets from env and files; defaults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../connector/config/load.ts';
import { configIssues } from './helpers/config-issues.ts';

const KEY = 'SERsIYhgMVlJB6uPsq49gCxNiruf6v0vhMYE+lfzbSGcXjdViZdV/e5pEMTYtw9f8SkVLf4LFlLCc2KxtRZfCA==';
const valid = () => ({
  darktrace: { url: 'http://127.0.0.1:4790', publicToken: 'pub', privateToken: 'priv' },
  sentinel: { workspaceId: '97ce69d9-b4be-4241-8dbd-d265edcf06c4', sharedKey: KEY },
  state: '/tmp/x',
});

const issues = configIssues;

describe('config errors name the key path and the reason', () => {
  it('missing required keys', () => {
    expect(issues({ darktrace: { url: 'http://a' }, state: 'x' })).toEqual(expect.arrayContaining([
      'darktrace.publicToken: is required',
      'darktrace.privateToken: is required',
      'sentinel: is required (or sinks:, a list of sinks)',
    ]));
  });

  it('bad values and unknown keys', () => {
    const cfg = valid() as any;
    cfg.sentinel.workspaceId = 'not-a-guid';
    cfg.sentinel.shardKey = 'typo';
    cfg.poll = { interval: 'soon' };
    cfg.filters = { minScore: 150, alertTypes: ['Model Breach'] };
    expect(issues(cfg)).toEqual(expect.arrayContaining([
      'sentinel.workspaceId: must be a valid GUID',
      'sentinel.shardKey: unknown key',
      expect.stringMatching(/^poll\.interval: has an invalid form/),
      expect.stringMatching(/^filters\.minScore: must be <= 100/),
      expect.stringMatching(/^filters\.alertTypes\.0: must be one of "Policy Breach"/),
    ]));
  });

  it('an unknown sentinel.mode is named', () => {
    const cfg = valid() as any;
    cfg.sentinel.mode = 'eventHub';
    expect(issues(cfg)).toEqual(['sentinel.mode: must be "dataCollector" or "logsIngestion"']);
  });

  it('batch size over 30 MB is refused', () => {
    const cfg = valid() as any;
    cfg.sentinel.batch = { maxBytes: '31MB' };
    expect(issues(cfg)).toEqual(['sentinel.batch.maxBytes: must not exceed 30MB (the Data Collector API limit per post)']);
  });

  it('a reserved property as sentinel.timeGeneratedField is refused (every record would be a 400)', () => {
    const cfg = valid() as any;
    cfg.sentinel.timeGeneratedField = 'TimeGenerated';
    expect(issues(cfg)).toEqual([
      "sentinel.timeGeneratedField: 'TimeGenerated' is a reserved property; every record would be refused (400 InvalidDataFormat)",
    ]);
  });

  it('a missing environment variable is named without any secret value', () => {
    const cfg = valid() as any;
    cfg.darktrace.privateToken = '${DT_PRIVATE}';
    const out = issues(cfg, {});
    expect(out).toEqual(['darktrace.privateToken: environment variable DT_PRIVATE is not set']);
  });
});

describe('secrets from env and files, defaults', () => {
  it('substitutes ${VAR} and ${file:PATH}; endpoint defaults to the workspace ODS host', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dtcfg-'));
    writeFileSync(path.join(dir, 'key.txt'), KEY + '\n');
    writeFileSync(path.join(dir, 'c.yaml'), [
      'darktrace: { url: "http://127.0.0.1:4790", publicToken: "${DT_PUB}", privateToken: "${DT_PRIV}" }',
      'sentinel: { workspaceId: 97ce69d9-b4be-4241-8dbd-d265edcf06c4, sharedKey: "${file:key.txt}" }',
      'state: ./state',
    ].join('\n'));
    const c = loadConfigFile(path.join(dir, 'c.yaml'), { env: { DT_PUB: 'pub', DT_PRIV: 'priv' } });
    expect(c.darktrace.publicToken).toBe('pub');
    expect(c.darktrace.privateToken).toBe('priv');
    expect(c.sentinel.mode === 'dataCollector' && c.sentinel.sharedKey).toBe(KEY);
    expect(c.sentinel.endpoint).toBe('https://97ce69d9-b4be-4241-8dbd-d265edcf06c4.ods.opinsights.azure.com');
    expect(c.sentinel.batch.maxBytes).toBe(5 * 1024 * 1024);
    expect(c.state).toBe(path.join(dir, 'state'));
    expect(c.poll.intervalMs).toBe(60_000);
  });

  it('the lab example config is valid', () => {
    const c = loadConfigFile(path.resolve('connector/examples/lab.yaml'));
    expect(c.sentinel.endpoint).toBe('http://127.0.0.1:4780');
    expect(c.darktrace.url).toBe('http://127.0.0.1:4790');
    expect(c.receiver?.token).toBe('dtlab-push-token');
  });
});
