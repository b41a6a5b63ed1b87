// The Logs Ingestion sink against the real mock over HTTPS: Microsoft's SDK with an Entra client
// secret, each record's fate learnt from `onError` — landed, dead-lettered, parked or retried, never two.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aiAnalystEvent, email, modelBreach, systemStatusAlert } from './helpers/fixtures.ts';
import { waitForDelivered, waitForEvent } from './helpers/connector-env.ts';
import { CLIENT, SECRET, allRows, declaredTables, getJson, startHttpsMock, startLiConnector, type HttpsMock, type LiConnector } from './logs-ingestion-helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(mockOpts: Parameters<typeof startHttpsMock>[0] = {}, sentinel: Record<string, unknown> = {}): Promise<{ m: HttpsMock; k: LiConnector }> {
  const m = await startHttpsMock(mockOpts);
  cleanups.push(() => m.mock.close());
  const k = await startLiConnector(m, { sentinel });
  cleanups.push(() => k.close());
  return { m, k };
}

const t = Date.now() - 3_600_000;
const breach = (pbid: number, over: Record<string, unknown> = {}) => modelBreach({ pbid, time: t + pbid, creationTime: t + pbid, ...over });

function deadLetters(state: string): Array<Record<string, any>> {
  const text = readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('Logs Ingestion sink × the mock over HTTPS', () => {
  it('a successful upload lands typed rows in each alert type’s Darktrace*_CL table', async () => {
    const { m, k } = await setup();
    const delivered = waitForDelivered(k.c.events, 4);
    const res = await k.push([
      breach(18754),
      aiAnalystEvent({ createdAt: t, periods: [{ start: t - 60_000, end: t }] }),
      systemStatusAlert({ last_updated: t / 1000 }),
      email({ dtime_unix: t, dtime: new Date(t).toISOString() }),
    ]);
    expect(res.status).toBe(200);
    await delivered;

    const declared = await declaredTables(m);
    const tables = (await getJson(m, '/_lab/tables')) as Array<{ name: string; rowCount: number; columns: Array<{ name: string; type: string }> }>;
    for (const name of ['DarktraceModelAlerts_CL', 'DarktraceIncidents_CL', 'DarktraceSystemStatusAlerts_CL', 'DarktraceEMAIL_CL']) {
      const table = tables.find((x) => x.name === name)!;
      expect({ name, rows: table.rowCount }).toEqual({ name, rows: 1 });
      const landed = Object.fromEntries(table.columns.filter((c) => c.name !== 'TenantId' && c.name !== 'Type').map((c) => [c.name, c.type]));
      expect(landed).toEqual(declared[name]);
    }
    const [row] = await allRows(m, 'DarktraceModelAlerts_CL');
    expect(row).toMatchObject({
      threatId: 18754, pid: 665, score: 16, sid: -9, deviceId: 3423, antigena: false, darktraceProduct: 'Policy Breach',
      alertTime: new Date(t + 18754).toISOString(), TimeGenerated: new Date(t + 18754).toISOString(),
      alertUrl: 'https://sample/#modelbreach/18754', sourceIp: '191.147.183.213', destPort: '80', modelTags: [], mitreTechniques: [],
    });
    const [incident] = await allRows(m, 'DarktraceIncidents_CL');
    expect(incident!.startTime).toBe(new Date(Math.floor((t - 60_000) / 1000) * 1000).toISOString());
    expect(incident!.incidentEventTime).toBe(new Date(t).toISOString());
    const [mail] = await allRows(m, 'DarktraceEMAIL_CL');
    expect(mail!.timestamp).toBe(new Date(t).toISOString());
    // No value was refused by a column type (the mock reports those as DCRLogErrors flags).
    const audit = (await getJson(m, '/_lab/requests')) as Array<{ route: string; status: number; flags?: string[] }>;
    expect(audit.filter((e) => e.route === 'logsIngestion').every((e) => e.status === 204)).toBe(true);
    expect(audit.flatMap((e) => e.flags ?? []).filter((f) => f.startsWith('DCRLogErrors'))).toEqual([]);
    expect(k.c.pending()).toBe(0);
  });

  it('a wrong secret parks the records with the SDK’s error (AADSTS7000215), then dead-letters them after stuckAfter; the secret is never logged', async () => {
    const { m, k } = await setup({}, { clientSecret: 'wrong-secret-value', stuckAfter: 50 });
    const parked = waitForEvent<any>(k.c.events, 'parked');
    const dead = waitForEvent<any>(k.c.events, 'dead-lettered', (e) => e.stage === 'delivery');
    expect((await k.push([breach(1), breach(2)])).status).toBe(200);
    expect(await parked).toMatchObject({ reason: expect.stringMatching(/^AuthenticationRequiredError \(token\): invalid_client: .*AADSTS7000215: Invalid client secret provided/), configKey: 'sentinel.clientSecret, sentinel.clientId and sentinel.tenantId' });
    const e = (await dead) as { reason: string; count: number };
    expect(e.count).toBe(2);
    expect(e.reason).toMatch(/^parked for 50ms \(stuckAfter\) without the error clearing: AuthenticationRequiredError \(token\): invalid_client: .*AADSTS7000215: Invalid client secret provided/);
    const [entry] = deadLetters(k.state);
    expect(entry).toMatchObject({ kind: 'delivery', sink: 'logsIngestion', reason: e.reason });
    expect(entry!.records.map((r: { threatID: number }) => r.threatID)).toEqual([1, 2]);
    expect(await allRows(m, 'DarktraceModelAlerts_CL')).toEqual([]);
    expect(await k.c.waitIdle(10_000)).toBe(true);
    expect(k.logText()).not.toContain('wrong-secret-value');
    expect(readFileSync(path.join(k.state, 'dead-letter', 'dead-letter.ndjson'), 'utf8')).not.toContain('wrong-secret-value');
  });

  it('an app without access to the DCR gets 403 OperationFailed: parked, then dead-lettered with the response after stuckAfter', async () => {
    const { m, k } = await setup({ apps: [{ clientId: 'd7a1b000-0000-4000-8000-000000000009', clientSecret: 'no-access', dcrAccess: [] }] }, { clientId: 'd7a1b000-0000-4000-8000-000000000009', clientSecret: 'no-access', stuckAfter: 50 });
    const dead = waitForEvent<any>(k.c.events, 'dead-lettered', (e) => e.stage === 'delivery');
    await k.push([breach(1)]);
    expect(((await dead) as { reason: string }).reason).toMatch(/^parked for 50ms \(stuckAfter\) without the error clearing: 403 OperationFailed: The authentication token provided does not have access/);
    const [entry] = deadLetters(k.state);
    expect(entry!.response.status).toBe(403);
    expect(entry!.response.headers['x-ms-error-code']).toBe('OperationFailed');
    expect(await allRows(m, 'DarktraceModelAlerts_CL')).toEqual([]);
  });

  it('a single record over 1 MB is dead-lettered with the 413 reason while the rest land', async () => {
    const { m, k } = await setup();
    const dead = waitForEvent<any>(k.c.events, 'dead-lettered', (e) => e.stage === 'delivery');
    const delivered = waitForDelivered(k.c.events, 3);
    expect((await k.push([breach(1), breach(2), breach(3, { model: { ...(modelBreach().model as object), description: 'x'.repeat(1_100_000) } }), breach(4), breach(5)])).status).toBe(200);
    const e = (await dead) as { reason: string; count: number; records: Array<{ seq: number }> };
    await delivered;
    await k.c.waitIdle(10_000);
    expect(e.count).toBe(1);
    expect(e.reason).toMatch(/^413 ContentLengthLimitExceeded: Maximum allowed content length: 1048576 bytes \(1 MB\)\. Provided content length: \d+ bytes\.$/);
    expect(deadLetters(k.state).map((d) => d.records.map((r: { threatID: number }) => r.threatID))).toEqual([[3]]);
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId).sort()).toEqual([1, 2, 4, 5]);
  });

  it('a 429 without Retry-After (which the SDK does not retry) is retried by the connector with backoff', async () => {
    const { m, k } = await setup({ faults: { seed: 1, rules: [{ route: 'logsIngestion', fault: 429, count: 1 }] } });
    const delivered = waitForDelivered(k.c.events, 2);
    await k.push([breach(1), breach(2)]);
    await delivered;
    const audit = (await getJson(m, '/_lab/requests')) as Array<{ route: string; status: number }>;
    expect(audit.filter((e) => e.route === 'logsIngestion').map((e) => e.status)).toEqual([429, 204]);
    const retry = k.logs().find((l) => l.msg === 'delivery failed transiently; retrying')!;
    expect(retry).toMatchObject({ sink: 'logsIngestion', attempt: 1 });
    expect(retry.reason).toMatch(/^429 TooManyRequests/);
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId).sort()).toEqual([1, 2]);
  });

  it('a 429 with Retry-After is retried after the time the service asked for', async () => {
    const { m, k } = await setup({ faults: { seed: 1, rules: [{ route: 'logsIngestion', fault: 429, count: 1, retryAfter: 1 }] } });
    const delivered = waitForDelivered(k.c.events, 1);
    await k.push([breach(1)]);
    await delivered;
    const audit = (await getJson(m, '/_lab/requests')) as Array<{ route: string; status: number }>;
    expect(audit.filter((e) => e.route === 'logsIngestion').map((e) => e.status)).toEqual([429, 204]);
    expect(k.logs().find((l) => l.msg === 'delivery failed transiently; retrying')).toMatchObject({ delayMs: 1000, attempt: 1 });
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId)).toEqual([1]);
  });

  it('check() (the --check probe) gets a token and posts an empty array to each stream; a refused secret or DCR is named', async () => {
    const m = await startHttpsMock({ apps: [{ clientId: CLIENT, clientSecret: SECRET }, { clientId: 'd7a1b000-0000-4000-8000-000000000009', clientSecret: 'no-access', dcrAccess: [] }] });
    cleanups.push(() => m.mock.close());
    const ok = await startLiConnector(m);
    cleanups.push(() => ok.close());
    expect((await ok.c.check()).filter((p) => p.startsWith('sentinel'))).toEqual([]);
    const audit = (await getJson(m, '/_lab/requests')) as Array<{ route: string; status: number }>;
    expect(audit.filter((e) => e.route === 'logsIngestion').map((e) => e.status)).toEqual([204, 204, 204, 204]);

    const wrong = await startLiConnector(m, { sentinel: { clientSecret: 'wrong-secret-value' } });
    cleanups.push(() => wrong.close());
    const [problem] = (await wrong.c.check()).filter((p) => p.startsWith('sentinel'));
    expect(problem).toMatch(/^sentinel: Entra token for client d7a1b000-0000-4000-8000-000000000002 refused: .*AADSTS7000215/);
    expect(problem).not.toContain('wrong-secret-value');

    const denied = await startLiConnector(m, { sentinel: { clientId: 'd7a1b000-0000-4000-8000-000000000009', clientSecret: 'no-access' } });
    cleanups.push(() => denied.close());
    expect((await denied.c.check()).filter((p) => p.startsWith('sentinel'))[0]).toMatch(/^sentinel: Logs Ingestion endpoint https:\/\/127\.0\.0\.1:\d+ answered 403 for stream Custom-DarktraceModelAlerts: OperationFailed: /);
  });

  it('when attempts run out, records stay spooled; those that already landed behind them are not sent again', async () => {
    const { m, k } = await setup({ faults: { seed: 1, rules: [{ route: 'logsIngestion', fault: 503, count: 3 }] } }, { retry: { maxAttempts: 2, baseDelay: 1, maxDelay: 5, pause: 20 } });
    const paused = waitForEvent(k.c.events, 'delivery-paused');
    const delivered = waitForDelivered(k.c.events, 3);
    // One spool batch: breach (seq 1), email (seq 2), breach (seq 3); the streams upload in turn.
    await k.push([breach(1), email({ dtime_unix: t, dtime: new Date(t).toISOString() }), breach(2)]);
    expect(((await paused) as { reason: string }).reason).toMatch(/^503 ServiceUnavailable/);
    await delivered;
    const audit = (await getJson(m, '/_lab/requests')) as Array<{ route: string; status: number }>;
    // Model alerts 503, email 503, model alerts 503, email 204 — paused — model alerts 204. The email is not re-sent.
    expect(audit.filter((e) => e.route === 'logsIngestion').map((e) => e.status)).toEqual([503, 503, 503, 204, 204]);
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId).sort()).toEqual([1, 2]);
    expect(await allRows(m, 'DarktraceEMAIL_CL')).toHaveLength(1);
    expect(k.c.pending()).toBe(0);
  });
});
