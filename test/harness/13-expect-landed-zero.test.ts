// Issue 13: `landed` fails for a type the scenario expects that was generated zero times (it used to
// pass: "0 (every generated)"), unless allowZero says zero is fine; the analytics expectations live
// in one `expect.analytics` group, the first spelling still accepted.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../harness/engine/evaluate.ts';
import { declaredAlertTypes } from '../../harness/engine/declared-types.ts';
import { alertKey } from '../../harness/engine/identity.ts';
import { emptyObservations } from './observations-fixture.ts';

const oneBreachLanded = () =>
  emptyObservations({ generated: [{ type: 'modelBreach', id: '1' }], landedCounts: new Map([[alertKey('modelBreach', '1'), 1]]) });

describe('landed and types generated zero times', () => {
  it('fails a listed type that was never generated, naming it', async () => {
    const [breach, email] = await evaluate({ landed: ['modelBreach', 'email'] }, oneBreachLanded());
    expect(breach).toMatchObject({ name: 'landed: Policy Breach', passed: true });
    expect(email).toMatchObject({ name: 'landed: Antigena Email', passed: false, measured: 'none generated' });
    expect(email!.message).toMatch(/no Antigena Email alert was generated/);
  });

  it('landed: all expects every type the traffic declares (rates, bursts, stories) and passes over types nobody asked for', async () => {
    const declared = declaredAlertTypes({ rates: { modelBreach: 1, aiAnalyst: 0 }, bursts: [{ atMs: 0, type: 'email', count: 2 }], stories: [] });
    expect(declared.sort()).toEqual(['email', 'modelBreach']);
    const results = await evaluate({ landed: 'all' }, { ...oneBreachLanded(), declaredTypes: declared });
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['landed: Policy Breach', true],
      ['landed: Antigena Email', false],
    ]);
  });

  it('an injection through the simulator declares its type; a raw post to the mock does not', () => {
    const injects = [
      { atMs: 0, to: 'simulator' as const, type: 'aiAnalyst' as const, count: 2, set: {}, remove: [] },
      { atMs: 0, to: 'mock' as const } as never,
    ];
    expect(declaredAlertTypes({ rates: {}, bursts: [], stories: [], injects })).toEqual(['aiAnalyst']);
  });

  it('a story declares the types of its steps', () => {
    expect(declaredAlertTypes({ rates: {}, bursts: [], stories: [{ atMs: 0, story: 'phishing-campaign', params: {} }] })).toContain('email');
  });

  it('allowZero: true, or a list of types, lets a type be generated zero times', async () => {
    const all = await evaluate({ landed: { types: ['modelBreach', 'email'], allowZero: true } }, oneBreachLanded());
    expect(all.every((r) => r.passed)).toBe(true);
    const listed = await evaluate({ landed: { types: ['email', 'aiAnalyst'], allowZero: ['email'] } }, oneBreachLanded());
    expect(listed.map((r) => [r.name, r.passed])).toEqual([
      ['landed: Antigena Email', true],
      ['landed: AI Analyst', false],
    ]);
  });

  it('a lost alert is shown with its identity as a sample', async () => {
    const obs = emptyObservations({ generated: [{ type: 'systemAlert', id: 'u-1', status: 'active' }] });
    const [r] = await evaluate({ landed: ['systemAlert'] }, obs);
    expect(r!.samples).toEqual([{ type: 'systemAlert', id: 'u-1', status: 'active', generated: 1, landed: 0 }]);
  });
});

describe('expect.analytics', () => {
  it('evaluates analytics.alerts and analytics.incidents, and the first spelling alongside', async () => {
    const analytics = {
      rules: [{ id: 'r1', name: 'Rule one', runs: 1, alertsRaised: 1, incidentsCreated: 0, lastError: null }],
      alerts: [{ ruleId: 'r1', systemAlertId: 'a1', severity: 'High', displayName: 'x', entities: [] }],
      incidents: [],
    };
    const results = await evaluate(
      { analytics: { alerts: [{ rule: 'Rule one', count: 1 }], incidents: [{ rule: 'r1', count: 0 }] }, alerts: [{ rule: 'r1', count: 2 }] },
      emptyObservations({ analytics: analytics as never }),
    );
    expect(results.map((r) => [r.name, r.passed])).toEqual([
      ['alerts: Rule one', true],
      ['alerts: r1', false],
      ['incidents: r1', true],
    ]);
  });
});
