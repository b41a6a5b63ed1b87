// kill -9 of the connector process at a random moment during delivery, then a restart: every
// generated alert lands in the real mock; any duplicate is one the connector counted as suspected.
// The connector runs as a child process (`npx tsx harness/cli.ts connector --config FILE`).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { startFakeDarktrace } from '../connector/helpers/fake-darktrace.ts';
import { DT_TOKENS, PRIMARY, PUSH_TOKEN, WS, tempState } from '../connector/helpers/connector-env.ts';
import { modelBreach } from '../connector/helpers/fixtures.ts';

const ALERTS = 2000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Starts the connector CLI in its own process group (tsx runs node as a grandchild). */
function startConnector(configFile: string): { child: ChildProcess; url: Promise<string>; exited: Promise<number | null>; output: () => string } {
  const child = spawn('npx', ['tsx', 'harness/cli.ts', 'connector', '--config', configFile], { cwd: process.cwd(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /connector listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`connector exited (${code}) before listening: ${out.slice(-2000)}`)));
  });
  url.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exited, output: () => out };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
}

describe('kill -9 during delivery, then restart', () => {
  it('delivers every generated alert; duplicates only as counted suspected duplicates', async () => {
    const seed = Number(process.env.KILL9_SEED ?? Math.floor(Math.random() * 1e9));
    let x = seed;
    const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const killAfterPosts = 2 + Math.floor(random() * 20);
    console.log(`kill -9 seed ${seed}: killing after post ${killAfterPosts} (rerun with KILL9_SEED=${seed})`);

    const dt = await startFakeDarktrace(DT_TOKENS);
    cleanups.push(() => dt.close());
    const now = Date.now();
    for (let i = 1; i <= ALERTS; i++) dt.breaches.push(modelBreach({ pbid: i, time: now - 60_000 + i, creationTime: now - 60_000 + i }));

    const mock = createMockSentinel();
    const { url: mockUrl } = await mock.listen();
    cleanups.push(() => mock.close());
    let stored = 0;
    let posts = 0;
    mock.events.on('rows:stored', (e) => (stored += e.count));

    const state = tempState();
    const configFile = path.join(state, 'connector.json');
    writeFileSync(configFile, JSON.stringify({
      darktrace: { url: dt.url, ...DT_TOKENS },
      sentinel: { workspaceId: WS, sharedKey: PRIMARY, endpoint: mockUrl, batch: { maxRecords: 40 }, retry: { baseDelay: 10, maxDelay: 100, pause: 200 } },
      receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
      state: path.join(state, 'state'),
      poll: { interval: '1h', initialLookback: '1h', sources: { aiAnalyst: false, email: false } },
      log: { level: 'warn' },
    }));

    const first = startConnector(configFile);
    cleanups.push(() => killGroup(first.child, 'SIGKILL'));
    await new Promise<void>((resolve) => {
      mock.events.on('request:end', (e) => {
        if (e.route === 'dataCollector' && e.status === 200) posts++;
        if (posts === killAfterPosts) {
          // A random instant inside the next post's life: before, during or after it.
          setTimeout(() => {
            killGroup(first.child, 'SIGKILL');
            resolve();
          }, Math.floor(random() * 15));
        }
      });
    });
    await first.exited;
    expect(stored).toBeLessThan(ALERTS); // killed mid-delivery

    const allLanded = new Promise<void>((resolve) => {
      const check = () => {
        if (stored >= ALERTS) resolve();
      };
      mock.events.on('rows:stored', check);
      check();
    });
    const second = startConnector(configFile);
    cleanups.push(async () => {
      killGroup(second.child, 'SIGTERM');
      await second.exited;
    });
    const url = await second.url;
    // Diagnostics only: if the run stalls, fail with what the connector said instead of a bare timeout.
    let stall: NodeJS.Timeout | undefined;
    await Promise.race([allLanded, new Promise((_, reject) => {
      stall = setTimeout(async () => {
        const h = await (await fetch(`${url}/health`)).text().catch(() => '?');
        reject(new Error(`stalled: stored ${stored}/${ALERTS}; health ${h}; connector output:\n${second.output().slice(-3000)}`));
      }, 40_000);
    })]);
    clearTimeout(stall);
    // Wait until the restarted connector has drained its spool (all commits done): a long-poll.
    expect((await fetch(`${url}/idle?timeout=30000`)).status).toBe(200);

    const ids: number[] = [];
    for (let offset = 0; ; offset += 1000) {
      const rows = (await (await fetch(`${mockUrl}/_lab/tables/darktrace_model_alerts_CL/rows?limit=1000&offset=${offset}`)).json()) as Array<{ threatID_d: number }>;
      ids.push(...rows.map((r) => r.threatID_d));
      if (rows.length < 1000) break;
    }
    const distinct = new Set(ids);
    expect(distinct.size).toBe(ALERTS);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const suspected = Number(/dtconnector_suspected_duplicates_total (\d+)/.exec(metrics)?.[1] ?? NaN);
    expect(ids.length - distinct.size).toBeLessThanOrEqual(suspected);
  });
});
