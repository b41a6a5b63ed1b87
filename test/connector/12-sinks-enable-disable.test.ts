// Issue 12 (several sinks): a `sinks:` list delivers every record to each sink through its own
// cursor; a sink that keeps failing does not hold back the other; a sink is switched off and on while
// running, by POST /sinks/{name}/enable|disable on the admin port and by SIGHUP (the config file read
// again). /health and /metrics report per sink. All of it fails on the old code (one sink, no route).
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { reloadOnHangup } from '../../connector/config/reload.ts';
import { createConnector, resolveConfig, type Connector } from '../../connector/index.ts';
import { DT_TOKENS, PRIMARY, PUSH_TOKEN, WS, silentLogger, tempState, waitForEvent } from './helpers/connector-env.ts';
import { modelBreach } from './helpers/fixtures.ts';
import { startVerifyingSink, type Reply, type VerifyingSink } from './helpers/verifying-sink.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function rawConfig(state: string, a: string, b: string, enabled = { legacy: true, other: true }) {
  const sink = (name: string, endpoint: string, on: boolean) => ({ name, mode: 'dataCollector', enabled: on, workspaceId: WS, sharedKey: PRIMARY, endpoint, retry: { maxAttempts: 2, baseDelay: 1, maxDelay: 5, pause: 20 } });
  return {
    darktrace: { url: 'http://127.0.0.1:9', ...DT_TOKENS },
    sinks: [sink('legacy', a, enabled.legacy), sink('other', b, enabled.other)],
    receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
    state,
    poll: { enabled: false },
    log: { level: 'silent' },
  };
}

async function rig(reply: { legacy?: () => Reply | undefined } = {}) {
  const a = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY }, reply: reply.legacy });
  const b = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY } });
  const state = tempState();
  const raw = rawConfig(state, a.url, b.url);
  const c: Connector = createConnector(resolveConfig(raw), { logger: silentLogger() });
  await c.start();
  const { url } = await c.listen();
  cleanups.push(async () => {
    await c.close();
    await a.close();
    await b.close();
  });
  const push = async (pbids: number[]) => {
    const res = await fetch(`${url}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` },
      body: JSON.stringify(pbids.map((pbid) => ({ type: 'modelBreach', alert: modelBreach({ pbid }) }))),
    });
    expect(res.status).toBe(200);
  };
  return { a, b, c, url, state, raw, push };
}

const threatIds = (s: VerifyingSink) => s.accepted().flatMap((p) => p.records.map((r) => r.threatID)).sort();

describe('several sinks', () => {
  it('each sink gets every record once; a sink that keeps failing does not hold back the other', async () => {
    const r = await rig({ legacy: () => ({ status: 500, body: 'down' }) });
    const otherIdle = waitForEvent(r.c.events, 'idle', (e: { sink: string }) => e.sink === 'other');
    await r.push([1, 2, 3]);
    await otherIdle;
    expect(threatIds(r.b)).toEqual([1, 2, 3]);
    expect(threatIds(r.a)).toEqual([]); // still retrying, still spooled for it
    const health = (await (await fetch(`${r.url}/health`)).json()) as { sinks: Array<{ name: string; pendingRecords: number; enabled: boolean }> };
    expect(health.sinks.map((s) => [s.name, s.enabled, s.pendingRecords])).toEqual([['legacy', true, 3], ['other', true, 0]]);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/dtconnector_records_delivered_total\{sink="other"\} 3/);
    expect(metrics).toMatch(/dtconnector_sink_pending_records\{sink="legacy"\} 3/);
  });

  it('POST /sinks/{name}/disable and /enable switch a sink while running; the disabled one catches up from its cursor', async () => {
    const r = await rig();
    await r.push([1, 2]);
    expect(await r.c.waitIdle(20_000)).toBe(true);
    expect(threatIds(r.a)).toEqual([1, 2]);
    const off = await fetch(`${r.url}/sinks/legacy/disable`, { method: 'POST' });
    expect([off.status, await off.json()]).toEqual([200, { sink: 'legacy', enabled: false }]);
    await r.push([3, 4]);
    expect(await r.c.waitIdle(20_000)).toBe(true); // the disabled sink owes nothing
    expect(threatIds(r.b)).toEqual([1, 2, 3, 4]);
    expect(threatIds(r.a)).toEqual([1, 2]);
    const health = (await (await fetch(`${r.url}/health`)).json()) as { sinks: Array<{ name: string; status: string }> };
    expect(health.sinks.find((s) => s.name === 'legacy')!.status).toBe('disabled');
    expect(await (await fetch(`${r.url}/metrics`)).text()).toMatch(/dtconnector_sink_enabled\{sink="legacy"\} 0/);
    const missing = await fetch(`${r.url}/sinks/nope/enable`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no sink named 'nope'/);
    expect((await fetch(`${r.url}/sinks/legacy/enable`)).status).toBe(405);
    const on = await fetch(`${r.url}/sinks/legacy/enable`, { method: 'POST' });
    expect(on.status).toBe(200);
    expect(await r.c.waitIdle(20_000)).toBe(true);
    expect(threatIds(r.a)).toEqual([1, 2, 3, 4]); // the records were still on disk: nothing lost for it
    expect(threatIds(r.b)).toEqual([1, 2, 3, 4]); // and nothing twice for the other
  });

  it('the routes sit behind the admin guard', async () => {
    const r = await rig();
    // A page whose DNS name was rebound to 127.0.0.1 still sends its own Host (fetch cannot set one).
    const u = new URL(r.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/sinks/legacy/disable', method: 'POST', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    expect(((await (await fetch(`${r.url}/health`)).json()) as { sinks: Array<{ enabled: boolean }> }).sinks[0]!.enabled).toBe(true);
  });

  it('SIGHUP re-reads the file and applies enabled; an invalid file is reported with its key path and changes nothing', async () => {
    const r = await rig();
    const file = path.join(r.state, 'connector.yaml');
    const logged: Array<Record<string, unknown>> = [];
    const log = silentLogger();
    log.info = ((o: Record<string, unknown>) => logged.push({ level: 'info', ...o })) as typeof log.info;
    log.error = ((o: Record<string, unknown>) => logged.push({ level: 'error', ...o })) as typeof log.error;
    const stop = reloadOnHangup(file, r.c, log);
    cleanups.push(stop);
    const hup = async () => {
      const n = logged.length;
      const done = new Promise<void>((resolve) => {
        const check = () => (logged.length > n ? resolve() : setImmediate(check));
        check();
      });
      process.kill(process.pid, 'SIGHUP');
      await done;
      return logged.at(-1)!;
    };
    writeFileSync(file, stringify({ ...r.raw, sinks: r.raw.sinks.map((s) => (s.name === 'legacy' ? { ...s, enabled: false } : s)) }));
    const disabled = waitForEvent(r.c.events, 'sink-disabled');
    expect(await hup()).toMatchObject({ level: 'info', changed: ['legacy disabled'] });
    expect(await disabled).toEqual({ sink: 'legacy', why: 'config reload' });
    await r.push([7]);
    expect(await r.c.waitIdle(20_000)).toBe(true);
    expect(threatIds(r.a)).toEqual([]);
    expect(threatIds(r.b)).toEqual([7]);
    // Invalid: reported with the key path, the connector keeps running on what it has.
    writeFileSync(file, stringify({ ...r.raw, sinks: [{ ...r.raw.sinks[0], workspaceId: 'not-a-guid' }, r.raw.sinks[1]] }));
    const bad = await hup();
    expect(bad.level).toBe('error');
    expect((bad.problems as string[]).join('\n')).toMatch(/^sinks\.0\.workspaceId: /m);
    expect(((await (await fetch(`${r.url}/health`)).json()) as { sinks: Array<{ enabled: boolean }> }).sinks[0]!.enabled).toBe(false);
    writeFileSync(file, stringify(r.raw)); // legacy enabled again
    expect(await hup()).toMatchObject({ level: 'info', changed: ['legacy enabled'] });
    expect(await r.c.waitIdle(20_000)).toBe(true);
    expect(threatIds(r.a)).toEqual([7]);
  });
});
