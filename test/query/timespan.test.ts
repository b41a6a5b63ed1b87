// The request timespan: ISO-8601 durations and intervals (start/end, start/duration, duration/end).
import { describe, expect, it } from 'vitest';
import { parseDuration, parseTimespan } from '../../mock-sentinel/query/timespan.ts';

const now = new Date('2024-01-15T12:00:00.000Z');

describe('timespan', () => {
  it('a duration ends now', () => {
    expect(parseTimespan('PT1H', now)).toEqual({ start: new Date('2024-01-15T11:00:00Z'), end: now });
    expect(parseTimespan('P1D', now).start).toEqual(new Date('2024-01-14T12:00:00Z'));
    expect(parseTimespan('P1DT30M', now).start).toEqual(new Date('2024-01-14T11:30:00Z'));
  });

  it('start/end, start/duration and duration/end intervals', () => {
    expect(parseTimespan('2024-01-01T00:00:00Z/2024-01-02T00:00:00Z', now)).toEqual({ start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-02T00:00:00Z') });
    expect(parseTimespan('2024-01-01T00:00:00Z/PT2H', now).end).toEqual(new Date('2024-01-01T02:00:00Z'));
    expect(parseTimespan('PT2H/2024-01-01T02:00:00Z', now).start).toEqual(new Date('2024-01-01T00:00:00Z'));
  });

  it('refuses what is not ISO-8601, and years/months (no fixed length)', () => {
    expect(() => parseTimespan('1h', now)).toThrow(/Invalid timespan/);
    expect(() => parseTimespan('P1M', now)).toThrow(/Invalid timespan/);
    expect(() => parseTimespan('a/b', now)).toThrow(/Invalid timespan/);
    expect(parseDuration('PT')).toBeUndefined();
  });
});
