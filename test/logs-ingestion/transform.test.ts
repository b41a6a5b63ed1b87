import { describe, expect, it } from 'vitest';
import { compileTransform, TransformError } from '../../mock-sentinel/logs-ingestion/transform/kql-transform.ts';

const input = [
  { name: 'Time', type: 'datetime' as const },
  { name: 'Computer', type: 'string' as const },
  { name: 'AdditionalContext', type: 'string' as const },
  { name: 'Score', type: 'int' as const },
];
const now = new Date('2026-01-01T00:00:00.000Z');

describe('transformKql subset', () => {
  it('source is the identity transform', () => {
    const t = compileTransform('source', input);
    expect(t.isIdentity).toBe(true);
    expect(t.outputColumns).toEqual(input);
    const row = { Time: now, Computer: 'a', AdditionalContext: null, Score: 3 };
    expect(t.apply(row, { now })).toBe(row);
  });

  it('applies the documented migration example: extend parse_json, project with renames', () => {
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
    const out = t.apply({ Time: now, Computer: 'pc1', AdditionalContext: '{"code":"42"}', Score: 5 }, { now });
    expect(out).toEqual({ TimeGenerated: now, Computer: 'pc1', Code: 42, Double: 10 });
  });

  it('where filters rows; project-away and project-rename reshape them', () => {
    const t = compileTransform('source | where Score >= 5 and Computer != "skip" | project-away AdditionalContext | project-rename Host = Computer', input);
    expect(t.outputColumns.map((c) => c.name)).toEqual(['Time', 'Host', 'Score']);
    expect(t.apply({ Time: now, Computer: 'pc', AdditionalContext: 'x', Score: 4 }, { now })).toBeUndefined();
    expect(t.apply({ Time: now, Computer: 'pc', AdditionalContext: 'x', Score: 9 }, { now })).toEqual({ Time: now, Host: 'pc', Score: 9 });
  });

  it('fails loudly on what it does not support', () => {
    expect(() => compileTransform('source | summarize count() by Computer', input)).toThrow(/unsupported operator 'summarize'/);
    expect(() => compileTransform('source | extend x = bin(Time, 1h)', input)).toThrow(/unsupported function 'bin'/);
    expect(() => compileTransform('Syslog | project Computer', input)).toThrow(/must start with 'source'/);
    expect(() => compileTransform('source | extend x = Computer + 1', input)).toThrow(/operator '\+' needs numbers, got string and long/);
    expect(() => compileTransform('source | where Score', input)).toThrow(TransformError);
    expect(() => compileTransform('source | project Computer,', input)).toThrow(/expected a column name/);
  });
});
