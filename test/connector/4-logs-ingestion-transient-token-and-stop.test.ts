// Regressions in the Logs Ingestion sink, found by an independent review:
// - Entra's transient AADSTS90033 ("A transient error has occurred") arrives as OAuth
//   `invalid_request` once @azure/identity's own retries are spent, without its 500 status: the
//   records were dead-lettered instead of kept spooled and retried.
// - a stop during a retry wait (or between streams) threw away the fates already known: records
//   that had landed were never settled, so a restart sent them again.
import { afterEach, describe, expect, it } from 'vitest';
import { classifyUploadError } from '../../connector/sinks/logs-ingestion/errors.ts';
import { email, modelBreach } from './helpers/fixtures.ts';
import { allRows, startHttpsMock, startLiConnector } from './logs-ingestion-helpers.ts';

function tokenError(message: string): Error {
  return Object.assign(new Error(message), { name: 'AuthenticationRequiredError' });
}

describe('token errors', () => {
  it('AADSTS90033 under invalid_request, and its replay by MSAL, are retried; a wrong secret is configuration-like (parked)', () => {
    const transient = [
      'invalid_request: Error(s): 90033 - Timestamp: 2026-11-29 12:00:00Z - Description: AADSTS90033: A transient error has occurred. Please try again.',
      '90033: AADSTS90033: A transient error has occurred. Please try again.',
      '50196: AADSTS50196: The server terminated an operation because it encountered a client request loop.',
    ];
    for (const message of transient) expect(classifyUploadError(tokenError(message), 1, false).kind, message).toBe('retry');
    const wrongSecret = 'invalid_client: Error(s): 7000215 - Timestamp: 2026-11-29 12:00:00Z - Description: AADSTS7000215: Invalid client secret provided.';
    expect(classifyUploadError(tokenError(wrongSecret), 1, false)).toMatchObject({ kind: 'config', problem: 'credentials', reason: expect.stringMatching(/invalid_client/) });
  });
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('a stop during a retry wait', () => {
  it('settles the records that already landed, so a restart does not send them again', async () => {
    const t = Date.now() - 3_600_000;
    // The breach's stream is uploaded first (204); the email's is answered 429 with a 30 s Retry-After.
    const m = await startHttpsMock({ faults: { seed: 1, rules: [{ route: 'logsIngestion', fault: 429, after: 1, count: 1, retryAfter: 30 }] } });
    cleanups.push(() => m.mock.close());
    const throttled = new Promise<void>((resolve) => m.mock.events.on('request:end', (e) => e.status === 429 && resolve()));
    const first = await startLiConnector(m);
    expect((await first.push([modelBreach({ pbid: 1, time: t, creationTime: t }), email({ dtime_unix: t, dtime: new Date(t).toISOString() })])).status).toBe(200);
    await throttled;
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId)).toEqual([1]);
    await first.close(); // the grace passes, then the 30 s wait is aborted
    const second = await startLiConnector(m, { state: first.state });
    cleanups.push(() => second.close());
    expect(await second.c.waitIdle(15_000)).toBe(true);
    expect((await allRows(m, 'DarktraceEMAIL_CL')).length).toBe(1);
    expect((await allRows(m, 'DarktraceModelAlerts_CL')).map((r) => r.threatId)).toEqual([1]);
  });
});
