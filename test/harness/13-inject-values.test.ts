// The pieces of `inject:`, `clock.start` relative to now and `mockPolicy`, without a run: values
// built per alert (sizes, GUIDs, dates, a type that changes), the bodies posted to the mock, the
// loader's normalised entries, and the policies as the mock's options.
import { describe, expect, it } from 'vitest';
import { alertPatch, buildValue, guidFor, sizedString } from '../../harness/engine/inject/values.ts';
import { injectBodies } from '../../harness/engine/inject/raw-post.ts';
import { mockPolicyOptions } from '../../harness/engine/mock-policy.ts';
import { parseScenario } from '../../harness/scenario/load.ts';
import type { MockInject } from '../../harness/scenario/types.ts';
import { clockStartMs } from '../../harness/scenario/units.ts';

const ctx = { seed: 3, entry: 'traffic.inject[0]', index: 0, simNow: Date.parse('2024-01-15T09:30:00Z') };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('inject values', () => {
  it('builds a string to a size in UTF-8 bytes, whole characters only', () => {
    expect(Buffer.byteLength(sizedString('x', 40_000))).toBe(40_000);
    const multi = sizedString('é✓', 10); // 2 + 3 bytes per unit
    expect(Buffer.byteLength(multi)).toBe(10);
    expect(Buffer.byteLength(sizedString('✓', 10))).toBe(9);
    expect(buildValue({ repeat: 'ab', bytes: 5 }, ctx, 'v')).toBe('ababa');
  });

  it('GUIDs look like GUIDs, differ per alert and entry, and replay from the seed', () => {
    const a = buildValue({ guid: true }, ctx, 'id');
    expect(a).toMatch(GUID);
    expect(buildValue({ guid: true }, ctx, 'id')).toBe(a);
    expect(buildValue({ guid: true }, { ...ctx, index: 1 }, 'id')).not.toBe(a);
    expect(guidFor({ ...ctx, entry: 'traffic.inject[1]' }, 'id')).not.toBe(a);
    expect(guidFor({ ...ctx, seed: 4 }, 'id')).not.toBe(a);
  });

  it('ISO dates at simulated now or relative to it', () => {
    expect(buildValue({ isoDate: true }, ctx, 't')).toBe('2024-01-15T09:30:00.000Z');
    expect(buildValue({ isoDate: '-2h' }, ctx, 't')).toBe('2024-01-15T07:30:00.000Z');
    expect(buildValue({ isoDate: '3d' }, ctx, 't')).toBe('2024-01-18T09:30:00.000Z');
  });

  it('cycle gives alert i item i mod n, so one field changes type from one alert to the next', () => {
    const spec = { cycle: [42, 'forty-two', { guid: true }] };
    const values = [0, 1, 2, 3].map((index) => buildValue(spec, { ...ctx, index }, 'v'));
    expect(values.slice(0, 2)).toEqual([42, 'forty-two']);
    expect(values[2]).toMatch(GUID);
    expect(values[3]).toBe(42);
  });

  it('plain objects are built key by key; {value: X} is X as it is; non-ASCII passes unchanged', () => {
    expect(buildValue({ a: { guid: true }, b: [1, { repeat: 'z', bytes: 2 }] }, ctx, 'r')).toEqual({ a: expect.stringMatching(GUID), b: [1, 'zz'] });
    expect(buildValue({ value: { guid: true } }, ctx, 'r')).toEqual({ guid: true });
    expect(buildValue('Grüße ✓ 日本', ctx, 'r')).toBe('Grüße ✓ 日本');
  });

  it('a simulator patch carries the built values and the removals', () => {
    expect(alertPatch({ 'device.hostname': { cycle: [1, 'one'] } }, ['device.ip'], { ...ctx, index: 1 })).toEqual({ set: { 'device.hostname': 'one' }, remove: ['device.ip'] });
    expect(alertPatch({}, [], ctx)).toEqual({});
  });
});

describe('raw posts to the mock', () => {
  const base: MockInject = { atMs: 0, to: 'mock', api: { kind: 'dataCollector', logType: 'T' }, records: [{ n: { cycle: [1, 'one'] } }], single: false, count: 3, headers: {}, auth: 'valid' };
  it('records: one array of count × the list, values built per record', () => {
    expect(injectBodies(base, ctx).map((b) => JSON.parse(b))).toEqual([[{ n: 1 }, { n: 'one' }, { n: 1 }]]);
  });
  it('record: count posts of one object each', () => {
    expect(injectBodies({ ...base, single: true }, ctx)).toEqual(['{"n":1}', '{"n":"one"}', '{"n":1}']);
  });
});

describe('clock.start', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it('is relative to now with a leading minus, absolute as ISO-8601, now without one', () => {
    expect(clockStartMs('-3d', now)).toBe(Date.parse('2026-12-01T12:00:00Z'));
    expect(clockStartMs('-90m', now)).toBe(Date.parse('2026-12-04T10:30:00Z'));
    expect(clockStartMs('2024-01-15T09:30:00Z', now)).toBe(Date.parse('2024-01-15T09:30:00Z'));
    expect(clockStartMs(undefined, now)).toBe(now);
  });
});

describe('mockPolicy', () => {
  it('maps every documented policy onto the mock options dtlab sentinel sets', () => {
    expect(
      mockPolicyOptions({ maxValueBytes: 1000, timeGeneratedPast: '3d', timeGeneratedFuture: '1h', contentTypeParameters: 'reject', invalidLogType: 'drop', nested: 'flatten', maxColumns: 10, maxColumnNameLength: 20, clockSkewMinutes: 5, maxJsonDepth: 8 }),
    ).toEqual({
      dataCollector: { maxValueBytes: 1000, timeGeneratedPastMs: 259_200_000, timeGeneratedFutureMs: 3_600_000, contentTypeParameters: 'reject', invalidLogType: 'drop', nested: 'flatten', maxColumns: 10, maxColumnNameLength: 20, clockSkewMinutes: 5, maxJsonDepth: 8 },
      logsIngestion: { maxJsonDepth: 8 },
    });
  });
});

describe('the loader', () => {
  const load = (lines: string[]) => parseScenario(['name: t', 'duration: 1m', ...lines, ''].join('\n'), 'f.yaml');
  it('normalises inject entries of both kinds and a relative clock start', () => {
    const r = load([
      'clock: { mode: stepped, step: 1s, start: -2h }',
      'traffic:',
      '  inject:',
      '    - { at: 5s, type: email, count: 2, set: { subject: { repeat: "x", bytes: 10 } }, remove: [tags] }',
      '    - { at: 6s, to: mock, stream: Custom-DarktraceModelAlerts, record: { a: 1 }, auth: none, headers: { x-a: b } }',
    ]);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.clock.start).toBe('-2h');
    expect(r.scenario.injects).toEqual([
      { atMs: 5000, to: 'simulator', type: 'email', count: 2, set: { subject: { repeat: 'x', bytes: 10 } }, remove: ['tags'] },
      { atMs: 6000, to: 'mock', api: { kind: 'logsIngestion', stream: 'Custom-DarktraceModelAlerts', dcr: undefined }, records: [{ a: 1 }], single: true, count: 1, headers: { 'x-a': 'b' }, auth: 'none' },
    ]);
  });

  it('refuses an entry that is neither kind, both targets, a bad generator, a bad clock start', () => {
    const r = load([
      'clock: { mode: stepped, step: 1s, start: yesterday }',
      'traffic:',
      '  inject:',
      '    - { at: 5s, count: 2 }',
      '    - { at: 6s, to: mock, logType: A, stream: B, records: [] }',
      '    - { at: 7s, type: email, set: { subject: { repeat: "x" } } }',
    ]);
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.errors.map((e) => `${e.line} ${e.path}`);
    expect(paths).toEqual(expect.arrayContaining(['3 clock.start', '6 traffic.inject[0].type', '8 traffic.inject[2].set.subject']));
    expect(paths.some((p) => p.startsWith('7 traffic.inject[1]'))).toBe(true);
  });

  it("warns of no table or column the run's injections write, and still of the others", () => {
    const r = parseScenario(
      [
        'name: t',
        'duration: 1m',
        'traffic:',
        '  inject:',
        '    - { at: 5s, type: modelBreach, set: { device.hostname: { guid: true } } }',
        '    - { at: 6s, to: mock, logType: Third, records: [{ a: 1 }] }',
        'expect:',
        '  queries:',
        '    - { name: a, kql: "Third_CL | where a_d > 0 | count", rows: [[1]] }',
        '    - { name: b, kql: "darktrace_model_alerts_CL | where isnotempty(hostname_g) | count", rows: [[1]] }',
        '    - { name: c, kql: "Other_CL | count", rows: [[1]] }',
        '',
      ].join('\n'),
      'f.yaml',
    );
    expect(r.ok).toBe(true);
    expect(r.ok ? r.warnings.map((w) => `${w.line} ${w.path}`) : []).toEqual(['11 expect.queries[2].kql']);
  });
});
