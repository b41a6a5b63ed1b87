// Issue 12: two new mock faults, set through PUT /_lab/faults. `store-then-drop` stores the batch
// and then destroys the connection instead of answering (both APIs: the client sees a network error
// for data that landed); `role-missing` answers the Logs Ingestion 403 an app without its role
// assignment on the DCR gets, optionally lifting after a delay (role propagation).
import { describe, expect, it } from 'vitest';
import { DCR_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, getJson, modelAlert, rawUpload, startLabMock, tokenFor, type LabMock } from './helpers.ts';
import { postLogs } from '../mock-sentinel/helpers.ts';

const OTHER_APP = 'd7a1b000-0000-4000-8000-0000000000cc';

async function putFaults(lab: LabMock, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${lab.url}/_lab/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

const rowsOf = async (lab: LabMock, table: string) => (await getJson(lab, `/_lab/tables/${table}/rows`)) as Record<string, unknown>[];

describe('fault store-then-drop', () => {
  it('Data Collector and Logs Ingestion: the rows are stored, the client gets a network error, the audit says so; the next request is answered', async () => {
    const lab = await startLabMock();
    expect((await putFaults(lab, { rules: [{ id: 'dc', route: 'dataCollector', fault: 'store-then-drop', count: 1 }, { id: 'li', route: 'logsIngestion', fault: 'store-then-drop', count: 1 }] })).status).toBe(200);

    await expect(postLogs(lab.url, [{ n: 1 }], { logType: 'Dropped' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await rowsOf(lab, 'Dropped_CL')).toEqual([expect.objectContaining({ n_d: 1 })]);
    expect((await postLogs(lab.url, [{ n: 2 }], { logType: 'Dropped' })).status).toBe(200);
    expect((await rowsOf(lab, 'Dropped_CL')).map((r) => r.n_d)).toEqual([1, 2]);

    await expect(rawUpload(lab, { body: JSON.stringify([modelAlert({ threatId: 1 })]) })).rejects.toThrow();
    expect((await rowsOf(lab, 'DarktraceModelAlerts_CL')).map((r) => r.threatId)).toEqual([1]);
    expect((await rawUpload(lab, { body: JSON.stringify([modelAlert({ threatId: 2 })]) })).status).toBe(204);
    expect((await rowsOf(lab, 'DarktraceModelAlerts_CL')).map((r) => r.threatId)).toEqual([1, 2]);

    const audit = (await getJson(lab, '/_lab/requests')) as Array<{ route: string; status: number; injectedFault: string | null; records: number; flags: string[] }>;
    const ingest = audit.filter((e) => e.route === 'dataCollector' || e.route === 'logsIngestion');
    expect(ingest.map((e) => [e.route, e.status, e.injectedFault, e.records])).toEqual([
      ['dataCollector', 0, 'dc:store-then-drop', 1],
      ['dataCollector', 200, null, 1],
      ['logsIngestion', 0, 'li:store-then-drop', 1],
      ['logsIngestion', 204, null, 1],
    ]);
    expect(ingest[0]!.flags).toContain('answer 200 not sent: connection dropped after the request was handled (fault store-then-drop)');
    expect(ingest[2]!.flags).toContain('answer 204 not sent: connection dropped after the request was handled (fault store-then-drop)');
  });
});

describe('fault role-missing', () => {
  it('answers 403 OperationFailed for the matching app until liftAfterMs has passed, then the upload lands', async () => {
    let now = new Date('2026-03-01T12:00:00.000Z');
    const app = DEFAULT_CLIENT_ID;
    const lab = await startLabMock({ now: () => now, apps: [{ clientId: app, clientSecret: DEFAULT_CLIENT_SECRET }, { clientId: OTHER_APP, clientSecret: 'other' }] });
    expect((await putFaults(lab, { rules: [{ id: 'propagation', route: 'logsIngestion', fault: 'role-missing', appId: app, dcr: DCR_ID, liftAfterMs: 60_000 }] })).status).toBe(200);

    const refused = await rawUpload(lab, { token: await tokenFor(lab, app), body: JSON.stringify([modelAlert()]) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-ms-error-code')).toBe('OperationFailed');
    expect(refused.json!.error.message).toContain(`does not have access to ingest data for the data collection rule with immutable Id '${DCR_ID}'`);
    // Another app keeps its role.
    expect((await rawUpload(lab, { token: await tokenFor(lab, OTHER_APP), body: JSON.stringify([modelAlert({ threatId: 7 })]) })).status).toBe(204);
    const entry = (await getJson(lab, '/_lab/requests')).find((e: { status: number }) => e.status === 403);
    expect(entry).toMatchObject({ route: 'logsIngestion', errorCode: 'OperationFailed', injectedFault: 'propagation:role-missing' });

    now = new Date(now.getTime() + 59_999);
    expect((await rawUpload(lab, { token: await tokenFor(lab, app), body: JSON.stringify([modelAlert()]) })).status).toBe(403);
    now = new Date(now.getTime() + 1);
    expect((await rawUpload(lab, { token: await tokenFor(lab, app), body: JSON.stringify([modelAlert({ threatId: 8 })]) })).status).toBe(204);
    expect((await rowsOf(lab, 'DarktraceModelAlerts_CL')).map((r) => r.threatId)).toEqual([7, 8]);
  });

  it('is refused on another route, and its options on other faults, with the key path', async () => {
    const lab = await startLabMock();
    const wrongRoute = await putFaults(lab, { rules: [{ route: 'dataCollector', fault: 'role-missing' }] });
    expect(wrongRoute.status).toBe(400);
    expect(wrongRoute.json.error).toMatch(/rules\.0\.route/);
    const misplaced = await putFaults(lab, { rules: [{ fault: 'drop', liftAfterMs: 5 }] });
    expect(misplaced.status).toBe(400);
    expect(misplaced.json.error).toMatch(/rules\.0/);
  });
});
