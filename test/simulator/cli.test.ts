// `dtlab darktrace`: the start line, --help, usage errors, and a signed read on its defaults.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { optionsFrom } from '../../harness/commands/darktrace.ts';
import { compactDate, dtFetch } from './helpers.ts';
import { startCli } from './cli-process.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('dtlab darktrace', () => {
  it('prints "darktrace simulator listening on http://HOST:PORT", serves signed requests with the default tokens, stops on SIGTERM', async () => {
    const p = await startCli(['--port', '0', '--backfill', '1h']);
    try {
      expect(p.firstLine).toMatch(/^darktrace simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
      const res = await dtFetch(p.url, '/modelbreaches', { date: compactDate(Date.now()) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as unknown[]).length).toBeGreaterThan(0);
    } finally {
      expect(await p.stop()).toBe(0);
    }
  });

  it('says on stderr when a pushed alert is refused for good (it is then gone from the receiver\'s view)', async () => {
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401).end());
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const push = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push`;
    const p = await startCli(['--port', '0', '--backfill', '0s', '--speed', '60', '--rate', 'modelBreach=60/m', '--rate', 'story=0', '--push', push, '--push-types', 'modelBreach']);
    try {
      let err = '';
      await new Promise<void>((resolve) => {
        p.child.stderr!.on('data', (d) => {
          err += d;
          if (/push: modelBreach \S+ refused by .* \(401\) after 1 attempt\(s\); not retried/.test(err)) resolve();
        });
      });
    } finally {
      await p.stop();
      receiver.close();
    }
  });

  it('--help prints the options; an unknown flag is a usage error naming it', () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'darktrace', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const flag of ['--port', '--seed', '--clock-start', '--backfill', '--speed', '--rate', '--public-token', '--private-token', '--push', '--push-token', '--push-types']) expect(help.stdout).toContain(flag);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli.ts', 'darktrace', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--bogus');
  });

  it('parses flags into simulator options, with clear errors for bad values', () => {
    const o = optionsFrom(['--port', '0', '--seed', '5', '--clock-start', '2024-01-15T09:30:00Z', '--speed', '10', '--rate', 'email=2/m', '--rate', 'story=0', '--push', 'http://127.0.0.1:4795/push', '--push-types', 'email,systemAlert', '--token', 'pub2:priv2']);
    expect(o).toMatchObject({ port: 0, seed: 5, clockStart: '2024-01-15T09:30:00Z', speed: 10, rates: 'email=2/m,story=0' });
    expect(o.push).toEqual([{ url: 'http://127.0.0.1:4795/push', token: 'dtlab-push-token', types: ['email', 'systemAlert'], format: undefined }]);
    expect(o.tokens).toHaveLength(2);
    expect(optionsFrom([]).port).toBe(4790);
    expect(() => optionsFrom(['--port', 'x'])).toThrow(/--port: expected an integer/);
    expect(() => optionsFrom(['--push-types', 'breaches'])).toThrow(/--push-types/);
    expect(() => optionsFrom(['--public-token', 'a'])).toThrow(/must be given together/);
    expect(() => optionsFrom(['--check-order', 'token,token'])).toThrow(/--check-order/);
  });
});
