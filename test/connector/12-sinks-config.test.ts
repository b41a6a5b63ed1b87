// Issue 12 (several sinks): the `sinks:` list in the connector config, and the single `sentinel:`
// still loading unchanged as one sink.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../../connector/config/load.ts';
import { configIssues } from './helpers/config-issues.ts';
import { DT_TOKENS, PRIMARY, WS } from './helpers/connector-env.ts';

const dc = (over: Record<string, unknown> = {}) => ({ workspaceId: WS, sharedKey: PRIMARY, endpoint: 'http://127.0.0.1:1', ...over });
const base = { darktrace: { url: 'http://127.0.0.1:2', ...DT_TOKENS }, state: '/tmp/x' };
const issues = configIssues;

describe('sinks: in the connector config', () => {
  it('the dual-run example loads as two sinks, each named, enabled, with its own mode', () => {
    const c = loadConfigFile(path.resolve('connector/examples/lab-dual-run.yaml'), { env: { DTLAB_CA: '/tmp/dtlab-ca/ca.pem' } });
    expect(c.sinks.map((s) => [s.name, s.mode, s.enabled])).toEqual([['legacy', 'dataCollector', true], ['dcr', 'logsIngestion', true]]);
    expect(c.sentinel).toBe(c.sinks[0]);
  });

  it('a single sentinel: is one sink named after its mode', () => {
    const c = resolveConfig({ ...base, sentinel: dc() });
    expect(c.sinks.map((s) => [s.name, s.mode, s.enabled])).toEqual([['dataCollector', 'dataCollector', true]]);
  });

  it('errors name the key path: both forms, duplicate names, a bad name, differing time fields, no sink at all', () => {
    expect(issues({ ...base, sentinel: dc(), sinks: [{ name: 'a', ...dc() }] })).toEqual(['sinks: give either sentinel: (one sink) or sinks: (a list), not both']);
    expect(issues({ ...base, sinks: [{ name: 'a', ...dc() }, { name: 'a', ...dc() }] })).toEqual([`sinks.1.name: 'a' is already the name of sinks.0; each sink needs its own (it names its cursor)`]);
    expect(issues({ ...base, sinks: [{ name: 'a/b', ...dc() }] }).join('\n')).toMatch(/^sinks\.0\.name: /m);
    expect(issues({ ...base, sinks: [{ name: 'a', ...dc() }, { name: 'b', ...dc({ timeGeneratedField: 'other' }) }] })[0]).toMatch(/^sinks\.1\.timeGeneratedField: 'other' differs from sinks\.0's 'alertTime'/);
    expect(issues({ ...base })).toEqual(['sentinel: is required (or sinks:, a list of sinks)']);
    expect(issues({ ...base, sinks: [{ name: 'a', ...dc() }], poll: { sources: { asm: true } } })[0]).toMatch(/^poll\.sources\.asm: needs a sink in mode logsIngestion \(every sink in sinks: is dataCollector/);
  });
});
