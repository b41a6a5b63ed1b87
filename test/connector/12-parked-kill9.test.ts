// Parked records survive kill -9 (issue 12): the connector process parks a misrouted stream (the
// main spool commits past it), is killed, and a connector on the same state directory starts with
// the stream name fixed; the parked queue is reopened from disk and every parked record lands, once.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DT_TOKENS, PUSH_TOKEN, tempState } from './helpers/connector-env.ts';
import { startConnectorProcess, type ConnectorProcess } from './helpers/connector-process.ts';
import { email, modelBreach } from './helpers/fixtures.ts';
import { allRows, logsIngestionSection, startHttpsMock, startLiConnector } from './logs-ingestion-helpers.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const t = Date.now() - 3_600_000;
const breach = (pbid: number) => modelBreach({ pbid, time: t + pbid, creationTime: t + pbid });
const mail = (n: number) => email({ uuid: `1e0dd1b4-0000-4000-8000-${String(n).padStart(12, '0')}`, dtime_unix: t + n, dtime: new Date(t + n).toISOString() });

/** Resolves once the process has printed a line matching `re` (now or later). */
function printed(p: ConnectorProcess, re: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!re.test(p.output())) return false;
      p.child.stdout!.off('data', check);
      resolve();
      return true;
    };
    if (!check()) p.child.stdout!.on('data', check);
  });
}

describe('parked records across kill -9', () => {
  it('are reopened from disk after a restart and land once the stream is fixed', async () => {
    const m = await startHttpsMock();
    cleanups.push(() => m.mock.close());
    const state = tempState();
    const configFile = path.join(state, 'connector.json');
    const writeConfig = (emailStream: string) => writeFileSync(configFile, JSON.stringify({
      darktrace: { url: 'http://127.0.0.1:9', ...DT_TOKENS },
      sentinel: logsIngestionSection(m, { streams: { antigenaEmail: emailStream }, batch: { maxRecords: 2 }, stuckAfter: '10m', retry: { baseDelay: 10, maxDelay: 50 } }),
      receiver: { listen: '127.0.0.1:0', token: PUSH_TOKEN },
      state: path.join(state, 'state'),
      poll: { enabled: false },
      log: { level: 'info' },
    }));
    const push = (url: string, body: unknown) => fetch(`${url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${PUSH_TOKEN}` }, body: JSON.stringify(body) });

    writeConfig('Custom-DarktraceEMAILTypo');
    const first = startConnectorProcess(configFile);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const url = await first.url;
    const parked = printed(first, /"level":50[^\n]*Custom-DarktraceEMAILTypo/);
    expect((await push(url, [breach(1), mail(1), breach(2), mail(2), breach(3), mail(3)])).status).toBe(200);
    await parked;
    // Until the main spool is past every record (three parked, three landed): each look is a request.
    for (;;) {
      const h = (await (await fetch(`${url}/health`)).json()) as { spool: { pendingRecords: number }; delivery: { parked: Array<{ records: number }> } };
      if (h.spool.pendingRecords === 0 && h.delivery.parked[0]?.records === 3) break;
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId).sort()).toEqual([1, 2, 3]);

    // Restarted (in this process, on the same state directory) with the stream name fixed.
    let landed = 0;
    const allLanded = new Promise<void>((resolve) => m.mock.events.on('rows:stored', (e) => {
      if (e.table === 'DarktraceEMAIL_CL' && (landed += e.count) >= 3) resolve();
    }));
    const second = await startLiConnector(m, { state: path.join(state, 'state'), sentinel: { batch: { maxRecords: 2 }, retry: { baseDelay: 10, maxDelay: 50 } } });
    cleanups.push(() => second.close());
    await allLanded;
    expect(second.logText()).toContain('parked before the restart; 3 records waiting');
    expect(await second.c.waitIdle(10_000)).toBe(true);
    const mails = await allRows(m, 'DarktraceEMAIL_CL');
    expect(new Set(mails.map((r) => JSON.stringify(r.subject) + r.TimeGenerated)).size).toBe(3);
    expect(await allRows(m, 'DarktraceModelAlerts_CL')).toHaveLength(3);
  });
});
