// Issue 13: the audit log counts the documented policies a request met per kind, table and column
// (notes), and records who sent it and the Retry-After it was answered with, so scenario
// expectations can count truncations or check retry gaps without parsing free-text flags.
import { describe, expect, it } from 'vitest';
import { getJson, postLogs, startMock, WORKSPACE_ID } from './helpers.ts';
import { DCR_ID, MODEL_ALERTS, modelAlert, rawUpload, startLabMock, getJson as getLabJson } from '../logs-ingestion/helpers.ts';

/** An audit entry's notes as `kind table column` → count. */
function notesByKind(entry: { notes: Array<{ kind: string; table: string; column: string; count: number }> }): Record<string, number> {
  return Object.fromEntries(entry.notes.map((n) => [`${n.kind} ${n.table} ${n.column}`, n.count]));
}

describe('audit notes on the Data Collector route', () => {
  it('counts renamed properties, truncated values and replaced time-generated-field values per column, one per record', async () => {
    const { url } = await startMock({ dataCollector: { maxValueBytes: 100 } });
    const long = 'x'.repeat(400);
    const res = await postLogs(
      url,
      [
        { 'odd-name': 1, text: long, when: '2001-01-01T00:00:00Z' },
        { 'odd-name': 2, text: long, when: new Date().toISOString() },
        { 'odd-name': 3, text: 'short', when: '2001-01-01T00:00:00Z' },
      ],
      { logType: 'Notes', headers: { 'time-generated-field': 'when' } },
    );
    expect(res.status).toBe(200);
    const entry = (await getJson(url, '/_lab/requests')).at(-1);
    const byKind = notesByKind(entry);
    expect(byKind).toEqual({
      'renamedProperty Notes_CL odd-name': 3,
      'truncated Notes_CL text': 2,
      'timeGeneratedReplaced Notes_CL when': 2,
    });
    expect(entry.client).toBe(`workspace ${WORKSPACE_ID}`);
    expect(entry.retryAfterSeconds).toBeNull();
  });

  it('records the Retry-After of an injected 429, the client and the table, known before the handler runs', async () => {
    const { url } = await startMock({ faults: { seed: 1, rules: [{ id: 'r', route: 'dataCollector', fault: 429, retryAfter: 7, count: 1 }] } });
    const res = await postLogs(url, [{ a: 1 }], { logType: 'Throttled' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    const entry = (await getJson(url, '/_lab/requests')).at(-1);
    expect(entry).toMatchObject({ status: 429, retryAfterSeconds: 7, client: `workspace ${WORKSPACE_ID}`, table: 'Throttled_CL', injectedFault: 'r:429', notes: [] });
  });
});

describe('audit notes on the Logs Ingestion route', () => {
  it('counts dropped fields, conversion errors and truncated values per table and column, with the stream and the DCR as client', async () => {
    const lab = await startLabMock();
    const body = [modelAlert({ notDeclared: 1, score: 'high' }), modelAlert({ notDeclared: 2, description: 'd'.repeat(70_000) })];
    const res = await rawUpload(lab, { body: JSON.stringify(body) });
    expect(res.status).toBe(204);
    const entry = (await getLabJson(lab, '/_lab/requests')).at(-1);
    const byKind = notesByKind(entry);
    expect(byKind).toEqual({
      'droppedProperty DarktraceModelAlerts_CL notDeclared': 2,
      'conversionError DarktraceModelAlerts_CL score': 1,
      'truncated DarktraceModelAlerts_CL description': 1,
    });
    expect(entry).toMatchObject({ stream: MODEL_ALERTS, client: `dcr ${DCR_ID}` });
  });
});
