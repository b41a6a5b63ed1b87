// expect.alerts / expect.incidents: per rule, the alerts it raised (or incidents it created) that
// match the severity, display-name pattern and entity asked for, counted against the bound.
import type { AnalyticsExpectation, Bound } from '../scenario/types.ts';
import type { ExpectationResult } from '../reports/model.ts';
import type { AnalyticsObservation, ObservedAlert } from './analytics-observer.ts';
import type { GeneratedItem } from './observations.ts';
import { formatBound, withinBound } from './expectation-result.ts';

function hasEntity(alert: ObservedAlert, wanted: Record<string, string>): boolean {
  return alert.entities.some((e) => Object.entries(wanted).every(([k, v]) => (k === 'Type' ? e.Type?.toLowerCase() === v.toLowerCase() : e[k] === v)));
}

function boundOf(e: AnalyticsExpectation, generated: readonly GeneratedItem[]): { bound: Bound; text: string } {
  const c = e.count;
  if (c === undefined) return { bound: { min: 1 }, text: '≥ 1' };
  if (typeof c === 'number') return { bound: { equals: c }, text: `= ${c}` };
  if ('generated' in c) {
    const n = generated.filter((g) => g.type === c.generated).length;
    return { bound: { equals: n }, text: `= ${n} (generated ${c.generated})` };
  }
  return { bound: c, text: formatBound(c) };
}

function describe(e: AnalyticsExpectation): string {
  return [e.severity && `severity ${e.severity}`, e.displayName && `name ~ /${e.displayName}/`, e.entity && `entity ${JSON.stringify(e.entity)}`].filter(Boolean).join(', ');
}

export function analyticsResults(
  kind: 'alerts' | 'incidents',
  expectations: readonly AnalyticsExpectation[],
  obs: AnalyticsObservation | undefined,
  generated: readonly GeneratedItem[],
): ExpectationResult[] {
  return expectations.map((e) => {
    const name = `${kind}: ${e.name ?? e.rule}`;
    const { bound, text } = boundOf(e, generated);
    const filters = describe(e);
    const expected = `${text} ${kind} of rule '${e.rule}'${filters ? ` with ${filters}` : ''}`;
    if (!obs) return { name, passed: false, expected, measured: 'no analytics', message: 'the mock has no analytics admin API (GET /_lab/rules failed)' };
    // Names compare trimmed: the solution's rule files have names with trailing spaces ("Darktrace AI Analyst ").
    const key = e.rule.trim().toLowerCase();
    const rule = obs.rules.find((r) => r.id.toLowerCase() === key || r.name.trim().toLowerCase() === key);
    if (!rule) return { name, passed: false, expected, measured: 'no such rule', message: `no rule named '${e.rule}' is loaded (${obs.rules.map((r) => r.name).join(', ')})` };
    const pattern = e.displayName === undefined ? undefined : new RegExp(e.displayName);
    let count: number;
    if (kind === 'alerts') {
      count = obs.alerts.filter(
        (a) => a.ruleId === rule.id && (!e.severity || a.severity === e.severity) && (!pattern || pattern.test(a.displayName)) && (!e.entity || hasEntity(a, e.entity)),
      ).length;
    } else {
      const byId = new Map(obs.alerts.map((a) => [a.systemAlertId, a]));
      count = obs.incidents.filter(
        (i) =>
          i.ruleIds.includes(rule.id) &&
          (!e.severity || i.severity === e.severity) &&
          (!pattern || pattern.test(i.title)) &&
          (!e.entity || i.alertIds.some((id) => byId.has(id) && hasEntity(byId.get(id)!, e.entity!))),
      ).length;
    }
    const passed = withinBound(count, bound);
    const measured = `${count} ${kind}${rule.lastError ? ` (last run error: ${rule.lastError})` : ''}`;
    return passed ? { name, passed, expected, measured } : { name, passed, expected, measured, message: `rule '${rule.name}' ${kind === 'alerts' ? 'raised' : 'created'} ${measured}; expected ${expected}` };
  });
}
