import { describe, expect, it } from 'vitest';
import { convertValue } from '../../mock-sentinel/logs-ingestion/rows/column-types.ts';

describe('conversion to declared DCR column types', () => {
  it('string keeps strings and renders numbers, booleans and objects', () => {
    expect(convertValue('x', 'string')).toEqual({ ok: true, value: 'x' });
    expect(convertValue(443, 'string')).toEqual({ ok: true, value: '443' });
    expect(convertValue({ a: 1 }, 'string')).toEqual({ ok: true, value: '{"a":1}' });
  });

  it('int accepts integers and integer text within 32 bits, nothing else', () => {
    expect(convertValue(7, 'int')).toEqual({ ok: true, value: 7 });
    expect(convertValue('-12', 'int')).toEqual({ ok: true, value: -12 });
    expect(convertValue(3.5, 'int').ok).toBe(false);
    expect(convertValue('high', 'int')).toEqual({ ok: false, reason: 'string "high" cannot be converted to int' });
    expect(convertValue(2 ** 31, 'int')).toEqual({ ok: false, reason: 'value 2147483648 is out of range for int' });
  });

  it('long accepts 64-bit integers', () => {
    expect(convertValue(2 ** 40, 'long')).toEqual({ ok: true, value: 2 ** 40 });
    expect(convertValue('9223372036854775807', 'long')).toEqual({ ok: true, value: 9223372036854775807n });
    expect(convertValue('9223372036854775808', 'long').ok).toBe(false);
  });

  it('real accepts numbers and numeric text', () => {
    expect(convertValue(51.5, 'real')).toEqual({ ok: true, value: 51.5 });
    expect(convertValue('-0.12', 'real')).toEqual({ ok: true, value: -0.12 });
    expect(convertValue('north', 'real').ok).toBe(false);
  });

  it('boolean accepts true/false, their text and 0/1', () => {
    expect(convertValue(true, 'boolean')).toEqual({ ok: true, value: true });
    expect(convertValue('False', 'boolean')).toEqual({ ok: true, value: false });
    expect(convertValue(1, 'boolean')).toEqual({ ok: true, value: true });
    expect(convertValue('yes', 'boolean').ok).toBe(false);
  });

  it('datetime accepts ISO 8601 text (no zone = UTC) and rejects impossible dates', () => {
    expect(convertValue('2024-01-15T09:30:00Z', 'datetime')).toEqual({ ok: true, value: new Date('2024-01-15T09:30:00.000Z') });
    expect(convertValue('2024-01-15 09:30:00', 'datetime')).toEqual({ ok: true, value: new Date('2024-01-15T09:30:00.000Z') });
    expect(convertValue('2024-01-15T10:30:00.123+01:00', 'datetime')).toEqual({ ok: true, value: new Date('2024-01-15T09:30:00.123Z') });
    expect(convertValue('2024-02-30T00:00:00Z', 'datetime').ok).toBe(false);
    expect(convertValue(1705311000, 'datetime').ok).toBe(false);
  });

  it('dynamic keeps any JSON value; null is null for every type', () => {
    expect(convertValue([{ techniqueId: 'T1046' }], 'dynamic')).toEqual({ ok: true, value: [{ techniqueId: 'T1046' }] });
    for (const t of ['string', 'int', 'long', 'real', 'boolean', 'datetime', 'dynamic'] as const) {
      expect(convertValue(null, t)).toEqual({ ok: true, value: null });
    }
  });
});
