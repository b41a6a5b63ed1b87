// Issue 14 item 2: a property nested thousands of levels deep parses, but overflowed the stack while
// typing (JSON.stringify), so both ingestion routes answered 500 "retry the request" and a retrying
// client looped for ever. Now it is the route's own 400, at a documented, configurable depth.
import { describe, expect, it } from 'vitest';
import { getJson, postLogs, startMock } from './helpers.ts';
import { modelAlert, rawUpload, startLabMock } from '../logs-ingestion/helpers.ts';

/** `{"v":{"v":…{"v":1}…}}` with `levels` objects (small depths only: JSON.stringify recurses). */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { v: value };
  return value;
}

/** The same as JSON text, built without recursion. */
function nestedText(levels: number): string {
  return `${'{"v":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('Data Collector: nesting depth', () => {
  it('a property nested 5,000 levels deep → 400 InvalidDataFormat, nothing stored', async () => {
    const { url } = await startMock();
    const res = await postLogs(url, `[{"name":"deep","deep":${nestedText(5000)}}]`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ Error: 'InvalidDataFormat', Message: 'Invalid JSON was submitted: objects and arrays nest deeper than 64 levels.' });
    expect(await getJson(url, '/_lab/tables')).toEqual([]);
  });

  it('exactly the limit (64 levels counted from the body) is stored', async () => {
    const { url } = await startMock();
    // body array (1) + record (2) + 62 nested objects = 64
    const res = await postLogs(url, [{ name: 'edge', deep: nested(62) }]);
    expect(res.status).toBe(200);
    const over = await postLogs(url, [{ name: 'over', deep: nested(63) }]);
    expect(over.status).toBe(400);
  });

  it('the limit is configurable (dataCollector.maxJsonDepth)', async () => {
    const { url } = await startMock({ dataCollector: { maxJsonDepth: 3 } });
    expect((await postLogs(url, { a: { b: 1 } })).status).toBe(200); // object 1, a 2
    const res = await postLogs(url, [{ a: { b: [1] } }]);
    expect(res.status).toBe(400);
    expect(res.json.Message).toContain('deeper than 3 levels');
  });
});

describe('Logs Ingestion: nesting depth', () => {
  it('a property nested 5,000 levels deep → 400 InvalidJson with x-ms-error-code, nothing stored', async () => {
    const lab = await startLabMock();
    const res = await rawUpload(lab, { body: JSON.stringify([modelAlert({ mitreTechniques: 0 })]).replace('"mitreTechniques":0', `"mitreTechniques":${nestedText(5000)}`) });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-ms-error-code')).toBe('InvalidJson');
    expect(res.json).toEqual({ error: { code: 'InvalidJson', message: 'The request body is not valid JSON: objects and arrays nest deeper than 64 levels' } });
    // The DCR's tables exist from the start (as where the solution deploys them): none holds a row.
    const tables = (await getJson(lab.url, '/_lab/tables')) as Array<{ name: string; rowCount: number }>;
    expect(tables.filter((t) => t.rowCount !== 0)).toEqual([]);
  });

  it('the limit is configurable (logsIngestion.maxJsonDepth); within it the upload lands', async () => {
    const lab = await startLabMock({ logsIngestion: { maxJsonDepth: 4 } });
    expect((await rawUpload(lab, { body: JSON.stringify([modelAlert({ mitreTechniques: [{ a: 1 }] })]) })).status).toBe(204);
    const res = await rawUpload(lab, { body: JSON.stringify([modelAlert({ mitreTechniques: [{ a: [1] }] })]) });
    expect(res.status).toBe(400);
  });
});
