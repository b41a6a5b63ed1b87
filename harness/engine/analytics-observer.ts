// The analytics side of a run: during the traffic the analytics stepper (analytics-stepper.ts) runs the
// rules as simulated time passes; after the traffic has landed, step the mock's analytics clock to the
// end of simulated time (every rule run due, earliest first: deterministic), then read the rules'
// state, the alerts and the incidents through the admin API (in-process or external mock alike).
import { dirname, isAbsolute, resolve } from 'node:path';
import { DARKTRACE_RULES_DIR, loadRuleFiles, type AnalyticRule } from '../../mock-sentinel/index.ts';
import type { Scenario } from '../scenario/types.ts';

export interface ObservedRule {
  id: string;
  name: string;
  runs: number;
  alertsRaised: number;
  incidentsCreated: number;
  lastError: string | null;
}

export interface ObservedAlert {
  systemAlertId: string;
  ruleId: string;
  ruleName: string;
  displayName: string;
  severity: string;
  entities: Record<string, string>[];
  incidentNumber: number | null;
  /** The run that raised it (ISO). */
  timeGenerated?: string;
  /** The earliest TimeGenerated of the rows it holds (ISO). */
  startTime?: string;
}

export interface ObservedIncident {
  incidentNumber: number;
  title: string;
  severity: string;
  status: string;
  ruleIds: string[];
  alertIds: string[];
}

export interface AnalyticsObservation {
  rules: ObservedRule[];
  alerts: ObservedAlert[];
  incidents: ObservedIncident[];
}

/** The rules an in-process mock runs for a scenario: the shipped Darktrace rules unless turned off, plus the scenario's own. */
export function scenarioRules(s: Scenario): AnalyticRule[] {
  const own = (s.analytics.rules ?? []).map((p) => (isAbsolute(p) ? p : resolve(dirname(s.file), p)));
  return loadRuleFiles([...(s.analytics.defaultRules === false ? [] : [DARKTRACE_RULES_DIR]), ...own]);
}

async function adminJson(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Runs every rule run due up to `until` (POST /_lab/analytics/clock); resolves to the runs' count. */
export async function stepAnalyticsClock(url: string, until: Date): Promise<number> {
  const answer = (await adminJson(url, 'POST', '/_lab/analytics/clock', { until: until.toISOString() })) as { runs: unknown[] };
  return answer.runs.length;
}

/** Runs every rule run due up to `until`, then reads rules, alerts and incidents. */
export async function observeAnalytics(url: string, until: Date): Promise<AnalyticsObservation> {
  await stepAnalyticsClock(url, until);
  const [rules, alerts, incidents] = await Promise.all([
    adminJson(url, 'GET', '/_lab/rules'),
    adminJson(url, 'GET', '/_lab/alerts'),
    adminJson(url, 'GET', '/_lab/incidents'),
  ]);
  return {
    rules: (rules as ObservedRule[]).map(({ id, name, runs, alertsRaised, incidentsCreated, lastError }) => ({ id, name, runs, alertsRaised, incidentsCreated, lastError })),
    alerts: alerts as ObservedAlert[],
    incidents: incidents as ObservedIncident[],
  };
}
