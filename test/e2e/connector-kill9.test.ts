// kill -9 of the connector process at a random moment during delivery, then a restart: every alert
// the real simulator generated lands in the real mock; any duplicate is one the connector counted as suspected.
// The connector runs as a child process (`node --import tsx harness/cli.ts connector --config FILE`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockSentinel } from '../../mock-sentinel/index.ts';
import { createSimulator } from '../../simulator/index.ts';
import { DT_TOKENS, PRIMARY, PUSH_TOKEN, WS, tempState } from '../connector/helpers/connector-env.ts';
import { startConnectorProcess as startConnector } from '../connector/helpers/connector-process.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The ground-truth id a landed row stands for. */
function idOf(row: Record<string, unknown>): string {
  if (row.dtProduct_s === 'Policy Breach') return `modelBreach:${row.threatID_d}`;
  if (row.dtProduct_s === 'AI Analyst') return `aiAnalyst:${String(row.url_s).split('/').pop()}`;
  return `email:${row.uuid_s}`;
}

describe('kill -9 during delivery, then restart', () => {
  it('delivers every generated alert; duplicates only as counted suspected duplicates', async () => {
    const seed = Number(process.env.KILL9_SEED ?? Math.floor(Math.random() * 1e9));
    let x = seed;
    const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const killAfterPosts = 2 + Math.floor(random() * 20);
    console.log(`kill -9 seed ${seed}: killing after post ${killAfterPosts} (rerun with KILL9_SEED=${seed})`);

    // A stepped simulator clock: the history is fixed, so the ground truth is known up front.
    const sim = createSimulator({ seed, backfill: '2h', speed: 0, rates: 'modelBreach=900/h,aiAnalyst=30/h,email=300/h,systemAlert=0' });
    const { url: simUrl } = await sim.listen();
    cleanups.push(() => sim.close());
    const truth = (await (await fetch(`${simUrl}/_lab/generated`)).json()) as { items: Array<{ type: string; id: string }> };
    // System alerts leave Darktrace only by push (none is set up here): the polled types are the truth.
    const expected = truth.items.filter((i) => i.type !== 'systemAlert').map((i) => `${i.type}:${i.id}`).sort();
    const ALERTS = expected.length;
    expect(ALERTS).toBeGreaterThan(1500);

    const mock = createMockSentinel();
    const { url: mockUrl } = await mock.listen();
    cleanups.push(() => mock.close());
    let stored = 0;
    let posts = 0;
    mock.events.on('rows:stored', (e) => (stored += e.count));

    const state = tempState();
    const configFile = path.join(state, 'connector.json');
    writeFileSync(configFile, JSON.stringify({
      darktrace: { url: simUrl, ...DT_TOKENS },
      sentinel: { workspaceId: WS, sharedKey: PRIMARY, endpoint: mockUrl, batch: { maxRecords: 40 }, retry: { baseDelay: 10, maxDelay: 100, pause: 200 } },
      receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
      state: path.join(state, 'state'),
      poll: { interval: '1h', initialLookback: '3h' },
      log: { level: 'warn' },
    }));

    const first = startConnector(configFile);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    await new Promise<void>((resolve) => {
      mock.events.on('request:end', (e) => {
        if (e.route === 'dataCollector' && e.status === 200) posts++;
        if (posts === killAfterPosts) {
          // A random instant inside the next post's life: before, during or after it.
          setTimeout(() => {
            first.child.kill('SIGKILL');
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
      second.child.kill('SIGTERM');
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

    const ids: string[] = [];
    for (let offset = 0; ; offset += 1000) {
      const rows = (await (await fetch(`${mockUrl}/_lab/tables/darktrace_model_alerts_CL/rows?limit=1000&offset=${offset}`)).json()) as Array<Record<string, unknown>>;
      ids.push(...rows.map(idOf));
      if (rows.length < 1000) break;
    }
    const distinct = new Set(ids);
    expect([...distinct].sort()).toEqual(expected);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const suspected = Number(/dtconnector_suspected_duplicates_total (\d+)/.exec(metrics)?.[1] ?? NaN);
    expect(ids.length - distinct.size).toBeLessThanOrEqual(suspected);
  });
});
