// Issue 15: `dtlab up` starts the three wired together from one command and stops them on Ctrl-C;
// every server flag can come from a DTLAB_* variable, a flag winning over it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { argsWithEnvironment, envName } from '../../harness/commands/cli-args.ts';
import { startDtlab } from './dtlab-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('server flags from the environment', () => {
  const flags = { port: { type: 'string' }, workspace: { type: 'string', multiple: true }, 'no-query-auth': { type: 'boolean' } } as const;

  it('names each variable DTLAB_<COMMAND>_<FLAG>', () => {
    expect(envName('sentinel', 'https-port')).toBe('DTLAB_SENTINEL_HTTPS_PORT');
  });

  it('fills only the flags the command line lacks: a flag wins over its variable', () => {
    const env = { DTLAB_SENTINEL_PORT: '5000', DTLAB_SENTINEL_WORKSPACE: 'a=K1 b=K2', DTLAB_SENTINEL_NO_QUERY_AUTH: 'yes' };
    expect(argsWithEnvironment('sentinel', flags, ['--port', '6000'], env).args).toEqual(['--port', '6000', '--workspace=a=K1', '--workspace=b=K2', '--no-query-auth']);
    expect(argsWithEnvironment('sentinel', flags, ['--port=6000'], env).args).not.toContain('--port=5000');
    expect(argsWithEnvironment('sentinel', flags, [], { DTLAB_SENTINEL_NO_QUERY_AUTH: '0' }).args).toEqual([]);
  });

  it('an unreadable switch names its variable', () => {
    expect(() => argsWithEnvironment('sentinel', flags, [], { DTLAB_SENTINEL_NO_QUERY_AUTH: 'maybe' })).toThrow("DTLAB_SENTINEL_NO_QUERY_AUTH: expected 1/true/yes or 0/false/no, got 'maybe'");
  });
});

describe('dtlab up', () => {
  it('--help lists every variable of the command', async () => {
    const { command } = await import('../../harness/commands/up.ts');
    for (const name of ['DTLAB_UP_CONFIG', 'DTLAB_UP_RECEIVER_PORT', 'DTLAB_UP_STATE', 'DTLAB_UP_LOG_LEVEL']) expect(command.help).toContain(name);
    const { command: sentinel } = await import('../../harness/commands/sentinel.ts');
    for (const name of ['DTLAB_SENTINEL_PORT', 'DTLAB_SENTINEL_HTTPS_PORT', 'DTLAB_SENTINEL_WORKSPACE', 'DTLAB_SENTINEL_NO_QUERY_AUTH']) expect(sentinel.help).toContain(name);
  });

  it('the README lists every variable of every server command', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const { SENTINEL_FLAGS } = await import('../../harness/commands/sentinel.ts');
    const { DARKTRACE_FLAGS } = await import('../../harness/commands/darktrace.ts');
    const { CONNECTOR_FLAGS } = await import('../../harness/commands/connector.ts');
    const { UP_FLAGS } = await import('../../harness/commands/up.ts');
    const all = Object.entries({ sentinel: SENTINEL_FLAGS, darktrace: DARKTRACE_FLAGS, connector: CONNECTOR_FLAGS, up: UP_FLAGS }).flatMap(([c, f]) => Object.keys(f).map((flag) => envName(c, flag)));
    expect(all.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('a bad value from the environment is a usage error naming the variable', async () => {
    const { command } = await import('../../harness/commands/up.ts');
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    vi.stubEnv('DTLAB_SENTINEL_PORT', 'x');
    try {
      expect(await command.run([])).toBe(2);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(written.join('')).toContain("--port: expected an integer from 0 to 65535, got 'x' (set by DTLAB_SENTINEL_PORT)");
  });

  it('starts all three wired from a config file and the environment, prints the URLs once, stops cleanly on SIGINT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dtlab-up-'));
    const config = path.join(dir, 'lab.yaml');
    writeFileSync(config, ['sentinel: { port: 0 }', 'darktrace: { port: 0, backfill: 1h, seed: 3 }', `state: ${path.join(dir, 'state')}`, 'connector: { poll: { interval: 1m } }'].join('\n'));
    const p = startDtlab(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'up', '--config', config], { cwd: ROOT, env: { ...process.env, DTLAB_UP_RECEIVER_PORT: '0' } });
    try {
      const out = await p.waitFor(/lab is running[\s\S]*query: /);
      expect(out.match(/lab is running/g)).toHaveLength(1);
      const sentinel = /sentinel: +(http:\/\/\S+)/.exec(out)![1]!;
      const darktrace = /darktrace: +(http:\/\/\S+)/.exec(out)![1]!;
      const connector = /connector: +(http:\/\/\S+)/.exec(out)![1]!;
      expect(out).toContain(`state ${path.join(dir, 'state')}`);
      // Wired: the simulator knows seed 3 from the file; the connector polled it and is healthy.
      expect(await (await fetch(`${sentinel}/_lab/health`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${darktrace}/_lab/health`)).json()).toMatchObject({ status: 'ok', seed: 3 });
      expect(await (await fetch(`${connector}/health`)).json()).toMatchObject({ running: true, delivery: { sink: 'dataCollector' } });
      // Pushed: an alert emitted now reaches the mock through the connector's receiver.
      await fetch(`${darktrace}/_lab/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'systemAlert', count: 1 }) });
      expect(await p.stop('SIGINT')).toBe(0);
      expect(p.output()).toMatch(/dtlab up: stopped\n$/);
    } finally {
      await p.stop('SIGKILL');
    }
  });
});
