// Spec rules of azure-ingestion.md part A found untested in a review: A9.7 (nanosecond
// time-generated-field values) and A10 (Content-Encoding: gzip is not supported).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PRIMARY_KEY, WORKSPACE_ID, getJson, postLogs, rawRequest, rowsOf, signature, startMock } from './helpers.ts';

const received = new Date('2024-06-01T12:00:00.000Z');
const date = received.toUTCString();

describe('A9.7 nanosecond timestamps fall back to ingestion time', () => {
  it('a time-generated-field value with 9 fraction digits is not used; 3 and 7 digits are; flagged in the audit log', async () => {
    const { url } = await startMock({ now: () => received });
    const records = [
      { when: '2024-06-01T10:00:00.123456789Z' }, // nanoseconds: ingestion time
      { when: '2024-06-01T10:00:00.1234567Z' }, // 100-ns ticks: used
      { when: '2024-06-01T10:00:00.123Z' }, // milliseconds: used
    ];
    const res = await postLogs(url, records, { logType: 'Nano', date, headers: { 'time-generated-field': 'when' } });
    expect(res.status).toBe(200);
    const rows = await rowsOf(url, 'Nano_CL');
    expect(rows.map((r) => r.TimeGenerated)).toEqual(['2024-06-01T12:00:00.000Z', '2024-06-01T10:00:00.123Z', '2024-06-01T10:00:00.123Z']);
    const [entry] = (await getJson(url, '/_lab/requests')).slice(-1);
    expect(entry.flags).toContain("time-generated-field 'when' has more than 7 fraction digits (nanoseconds) in a record: ingestion time used");
  });

  it('the digit limit is a policy (timeGeneratedMaxFractionDigits)', async () => {
    const { url } = await startMock({ now: () => received, dataCollector: { timeGeneratedMaxFractionDigits: 9 } });
    await postLogs(url, [{ when: '2024-06-01T10:00:00.123456789Z' }], { logType: 'Nano', date, headers: { 'time-generated-field': 'when' } });
    expect((await rowsOf(url, 'Nano_CL'))[0]!.TimeGenerated).toBe('2024-06-01T10:00:00.123Z');
  });
});

describe('A10 Content-Encoding: gzip is not supported', () => {
  it('a gzip body signed over its compressed bytes is read as JSON: 400 InvalidDataFormat, nothing stored', async () => {
    const { url } = await startMock();
    const body = gzipSync(Buffer.from(JSON.stringify([{ a: 1 }])));
    const xmsDate = new Date().toUTCString();
    const sig = signature(PRIMARY_KEY, body.length, 'application/json', xmsDate);
    const res = await rawRequest(
      url,
      'POST',
      '/api/logs?api-version=2016-04-01',
      {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(body.length),
        'log-type': 'Gz',
        'x-ms-date': xmsDate,
        authorization: `SharedKey ${WORKSPACE_ID}:${sig}`,
      },
      body,
    );
    expect(res.status).toBe(400);
    expect(res.json.Error).toBe('InvalidDataFormat');
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
  });
});
