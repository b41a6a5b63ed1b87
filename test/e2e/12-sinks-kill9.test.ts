// Issue 12 (several sinks): kill -9 of a connector with two sinks, one of them failing (500) and so
// behind, the other caught up. After a restart each sink resumes at its own cursor: the failing one,
// now answered 200, gets every record (none lost), and the caught-up one is not sent its records
// again beyond its own suspected-duplicate window. Fails on the old code (no sinks: list).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DT_TOKENS, PRIMARY, PUSH_TOKEN, WS, tempState } from '../connector/helpers/connector-env.ts';
import { startConnectorProcess } from '../connector/helpers/connector-process.ts';
import { modelBreach } from '../connector/helpers/fixtures.ts';
import { startVerifyingSink, type VerifyingSink } from '../connector/helpers/verifying-sink.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const N = 20;
const ids = (s: VerifyingSink) => s.accepted().flatMap((p) => p.records.map((r) => r.threatID as number));

/** Suspected-duplicate ranges one sink reported at start (seqs from..to, inclusive). */
function suspectedFor(output: string, sink: string): Array<{ from: number; to: number }> {
  return output.split('\n').filter((l) => l.includes('suspected duplicates')).map((l) => JSON.parse(l) as { sink: string; from: number; to: number }).filter((e) => e.sink === sink);
}

describe('kill -9 with two sinks', () => {
  it('each sink resumes at its own cursor: nothing lost for the one behind, nothing re-sent to the one ahead beyond its window', async () => {
    let failing = true;
    let resolveAll!: () => void;
    const otherHasAll = new Promise<void>((r) => (resolveAll = r));
    const legacy = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY }, reply: () => (failing ? { status: 500, body: 'down' } : undefined) });
    const other = await startVerifyingSink({
      workspaceId: WS,
      keys: { primary: PRIMARY },
      reply: () => {
        // Called before the answer of each post: once this one holds the last record, all have been sent.
        if (new Set(other.posts.flatMap((p) => p.records.map((r) => r.threatID))).size >= N) resolveAll();
        return undefined;
      },
    });
    cleanups.push(() => legacy.close(), () => other.close());
    const state = tempState();
    const configFile = path.join(state, 'connector.json');
    const sink = (name: string, endpoint: string) => ({ name, mode: 'dataCollector', workspaceId: WS, sharedKey: PRIMARY, endpoint, batch: { maxRecords: 4 }, retry: { maxAttempts: 2, baseDelay: 5, maxDelay: 20, pause: 50 } });
    writeFileSync(configFile, JSON.stringify({
      darktrace: { url: 'http://127.0.0.1:9', ...DT_TOKENS },
      sinks: [sink('legacy', legacy.url), sink('other', other.url)],
      receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
      state: path.join(state, 'state'),
      poll: { enabled: false },
      log: { level: 'warn' },
    }));

    const first = startConnectorProcess(configFile);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const url = await first.url;
    for (let i = 0; i < N; i += 5) {
      const res = await fetch(`${url}/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` },
        body: JSON.stringify(Array.from({ length: 5 }, (_, j) => ({ type: 'modelBreach', alert: modelBreach({ pbid: i + j + 1 }) }))),
      });
      expect(res.status).toBe(200);
    }
    await otherHasAll;
    first.child.kill('SIGKILL');
    await first.exited;
    expect(ids(legacy)).toEqual([]);

    failing = false;
    const second = startConnectorProcess(configFile);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    const url2 = await second.url;
    const idle = await fetch(`${url2}/idle?timeout=30000`);
    expect(idle.status).toBe(200);
    const all = Array.from({ length: N }, (_, i) => i + 1);
    // The one behind: every record, once (500s landed nothing).
    expect(ids(legacy).sort((a, b) => a - b)).toEqual(all);
    // The one ahead: every record; a second copy only of seqs in its own suspected window.
    const got = ids(other);
    expect([...new Set(got)].sort((a, b) => a - b)).toEqual(all);
    const window = suspectedFor(second.output(), 'other');
    const extra = got.length - N;
    const allowed = window.reduce((n, w) => n + (w.to - w.from + 1), 0);
    expect(extra).toBeLessThanOrEqual(allowed);
    // And it was not rewound to the legacy sink's cursor: far fewer than N records went to it again.
    expect(extra).toBeLessThan(N);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
