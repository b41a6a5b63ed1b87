import { describe, expect, it } from 'vitest';
import { compileTransform, TransformError } from '../../mock-sentinel/logs-ingestion/transform/kql-transform.ts';
import { MAX_FIELD_BYTES, shapeRecords } from '../../mock-sentinel/logs-ingestion/rows/shape-records.ts';
import type { DcrStream } from '../../mock-sentinel/logs-ingestion/dcr/dcr-model.ts';

const input = [
  { name: 'Time', type: 'datetime' as const },
  { name: 'Computer', type: 'string' as const },
  { name: 'AdditionalContext', type: 'string' as const },
  { name: 'Score', type: 'int' as const },
];
const now = new Date('2026-01-01T00:00:00.000Z');

describe('transformKql on the query engine', () => {
  it('source is the identity transform', async () => {
    const t = compileTransform('source', input);
    expect(t.isIdentity).toBe(true);
    expect(t.outputColumns).toEqual(input);
    const row = { Time: now, Computer: 'a', AdditionalContext: null, Score: 3 };
    expect(await t.apply([row], { now })).toEqual([{ record: 0, row }]);
  });

  it('applies the documented migration example: extend parse_json, project with renames', async () => {
    const t = compileTransform(
      'source | extend jsonContext = parse_json(AdditionalContext) | project TimeGenerated = Time, Computer, Code = toint(jsonContext.code), Double = Score * 2',
      input,
    );
    expect(t.outputColumns).toEqual([
      { name: 'TimeGenerated', type: 'datetime' },
      { name: 'Computer', type: 'string' },
      { name: 'Code', type: 'int' },
      { name: 'Double', type: 'long' },
    ]);
    const out = await t.apply([{ Time: now, Computer: 'pc1', AdditionalContext: '{"code":"42"}', Score: 5 }], { now });
    expect(out).toEqual([{ record: 0, row: { TimeGenerated: now, Computer: 'pc1', Code: 42, Double: 10 } }]);
  });

  it('where filters rows; project-away and project-rename reshape them; each row names its record', async () => {
    const t = compileTransform('source | where Score >= 5 and Computer != "skip" | project-away AdditionalContext | project-rename Host = Computer', input);
    expect(t.outputColumns.map((c) => c.name)).toEqual(['Time', 'Host', 'Score']);
    const rows = [
      { Time: now, Computer: 'pc', AdditionalContext: 'x', Score: 4 },
      { Time: now, Computer: 'pc', AdditionalContext: 'x', Score: 9 },
      { Time: now, Computer: 'skip', AdditionalContext: 'x', Score: 9 },
      { Time: now, Computer: 'pc2', AdditionalContext: 'x', Score: 7 },
    ];
    const out = await t.apply(rows, { now });
    expect(out.sort((a, b) => a.record - b.record)).toEqual([
      { record: 1, row: { Time: now, Host: 'pc', Score: 9 } },
      { record: 3, row: { Time: now, Host: 'pc2', Score: 7 } },
    ]);
  });

  it('runs what the query API supports (bin, now()) with the ingest time as now()', async () => {
    const t = compileTransform('source | extend Hour = bin(Time, 1h), Received = now() | project Hour, Received', input);
    const out = await t.apply([{ Time: new Date('2026-01-01T05:42:00Z'), Computer: 'a', AdditionalContext: null, Score: 1 }], { now });
    expect(out).toEqual([{ record: 0, row: { Hour: new Date('2026-01-01T05:00:00Z'), Received: now } }]);
  });

  it('fails loudly on what it does not support', () => {
    expect(() => compileTransform('source | summarize count() by Computer', input)).toThrow(/unsupported operator 'summarize'/);
    expect(() => compileTransform('source | take 5', input)).toThrow(/unsupported operator 'take' .*\(at character 10\)/);
    expect(() => compileTransform('Syslog | project Computer', input)).toThrow(/must start with 'source'/);
    expect(() => compileTransform('source | project nope', input)).toThrow(/unknown column 'nope'/);
    expect(() => compileTransform('source | extend x = Computer + 1', input)).toThrow(TransformError);
    expect(() => compileTransform('source | where Score', input)).toThrow(TransformError);
    expect(() => compileTransform('source | project Computer,', input)).toThrow(/at character/);
  });

  it('reports truncation and a replaced TimeGenerated against the record each output row came from', async () => {
    const transform = compileTransform('source | where Score > 1 | project TimeGenerated = Time, Computer, Score', input);
    const stream: DcrStream = {
      name: 'Custom-T',
      columns: input,
      flows: [{ index: 0, inputStream: 'Custom-T', outputStream: 'Custom-T_CL', table: 'T_CL', workspaceIds: ['ws'], transform }],
    };
    const big = 'x'.repeat(MAX_FIELD_BYTES + 10);
    const records = [
      { Time: now.toISOString(), Computer: 'dropped', Score: 0 },
      'not an object',
      { Time: '2020-01-01T00:00:00Z', Computer: 'old', Score: 2 },
      { Time: now.toISOString(), Computer: big, Score: 3 },
    ];
    const { tables, report } = await shapeRecords(stream, records, now, { pastMs: 2 * 86_400_000, futureMs: 86_400_000 });
    expect(report.filteredOut).toEqual({ T_CL: 1 });
    expect(report.nonObjectRecords).toBe(1);
    expect(report.timeGeneratedReplaced).toEqual([{ record: 2, table: 'T_CL', value: '2020-01-01T00:00:00.000Z' }]);
    expect(report.truncated).toEqual([{ record: 3, column: 'Computer', bytes: MAX_FIELD_BYTES + 10 }]);
    expect(tables[0]!.rows.map((r) => r.Score).sort()).toEqual([2, 3]);
  });
});
