// dtlab sentinel's --rules / --no-default-rules: the shipped Darktrace rules by default, more from
// files and folders, and a refused rule stops the start with file, key and reason.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/commands/cli-args.ts';
import { optionsFrom } from '../../harness/commands/sentinel.ts';

const fixture = new URL('./fixtures/full-shape-rule.yaml', import.meta.url).pathname;

describe('dtlab sentinel rule flags', () => {
  it('loads the shipped rules by default, adds --rules, and drops the shipped ones with --no-default-rules', async () => {
    const byDefault = await optionsFrom([]);
    expect(byDefault.analytics?.rules?.map((r) => r.name)).toContain('Darktrace model breach (lab)');
    expect(byDefault.analytics?.rules).toHaveLength(8);
    expect(byDefault.analytics?.clock).toBe('auto');
    const more = await optionsFrom(['--rules', fixture]);
    expect(more.analytics?.rules).toHaveLength(9);
    const only = await optionsFrom(['--no-default-rules', '--rules', fixture]);
    expect(only.analytics?.rules?.map((r) => r.name)).toEqual(['Lab test - suspicious breach per device']);
  });

  it('refuses a rule the lab does not support with file, key and reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtlab-cli-rules-'));
    writeFileSync(join(dir, 'bad.yaml'), 'id: x\nname: y\nseverity: Low\nkind: NRT\nquery: T | take 1\nqueryFrequencyX: 5m\n');
    const err = await optionsFrom(['--no-default-rules', '--rules', dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`analytic rules refused:\n${join(dir, 'bad.yaml')}: queryFrequencyX: not supported by the lab (docs/reference/analytics.md lists the supported keys)`);
  });
});
