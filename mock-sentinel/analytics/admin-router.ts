// The analytics part of the /_lab admin API: rules with their run state, running one rule now,
// stepping the analytics clock, and what the rules raised. Plain JSON; errors `{ "error": "<reason>" }`.
import express, { Router, type Request, type Response } from 'express';
import type { LabContext } from '../labContext.ts';
import type { RaisedAlert } from './alert-builder.ts';
import type { Incident } from './incident-grouping.ts';

/** An instant from a request field: ISO-8601 text; undefined when absent, an Error when bad. */
function instant(value: unknown, name: string): Date | undefined | Error {
  if (value === undefined || value === null || value === '') return undefined;
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? new Date(t) : new Error(`${name}: must be an ISO-8601 date-time`);
}

export function alertJson(a: RaisedAlert): Record<string, unknown> {
  return {
    systemAlertId: a.systemAlertId,
    workspaceId: a.workspaceId,
    ruleId: a.ruleId,
    ruleName: a.ruleName,
    timeGenerated: a.timeGenerated.toISOString(),
    displayName: a.displayName,
    description: a.description,
    severity: a.severity,
    startTime: a.startTime.toISOString(),
    endTime: a.endTime.toISOString(),
    providerName: a.providerName,
    productName: a.productName,
    productComponentName: a.productComponentName,
    alertLink: a.alertLink,
    tactics: a.tactics,
    techniques: a.techniques,
    entities: a.entities.map((e) => e.entity),
    customDetails: a.customDetails,
    compromisedEntity: a.compromisedEntity,
    incidentNumber: a.incidentNumber ?? null,
  };
}

export function incidentJson(i: Incident): Record<string, unknown> {
  const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
  return {
    incidentNumber: i.incidentNumber,
    incidentName: i.incidentName,
    workspaceId: i.workspaceId,
    title: i.title,
    description: i.description,
    severity: i.severity,
    status: i.status,
    ruleIds: i.ruleIds,
    alertIds: i.alertIds,
    tactics: i.tactics,
    techniques: i.techniques,
    firstActivityTime: iso(i.firstActivityTime),
    lastActivityTime: iso(i.lastActivityTime),
    createdTime: iso(i.createdTime),
    lastModifiedTime: iso(i.lastModifiedTime),
    closedTime: iso(i.closedTime),
  };
}

export function analyticsAdminRouter(lab: LabContext): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });
  const bad = (res: Response, reason: string) => res.status(400).json({ error: reason });

  router.get('/_lab/rules', (_req, res) => {
    res.json(lab.analytics.rules());
  });

  // Runs what is due up to `until` on the analytics clock, earliest first (deterministic).
  router.post('/_lab/analytics/clock', json, async (req: Request, res: Response) => {
    const until = instant((req.body as { until?: unknown } | undefined)?.until, 'until');
    if (until instanceof Error) return bad(res, until.message);
    if (!until) return bad(res, 'until: is required (an ISO-8601 date-time)');
    res.json({ runs: await lab.analytics.runDue(until) });
  });

  // Runs one rule now (or at `?at=`), outside its schedule.
  router.post('/_lab/rules/:id/run', async (req: Request, res: Response) => {
    const at = instant(req.query.at, 'at');
    if (at instanceof Error) return bad(res, at.message);
    const run = lab.analytics.runRule(String(req.params.id), at);
    if (!run) return res.status(404).json({ error: `no rule with id '${String(req.params.id)}'` });
    const runs = await run;
    res.json({ runs, rule: lab.analytics.rules().find((r) => r.id.toLowerCase() === String(req.params.id).toLowerCase()) });
  });

  router.get('/_lab/alerts', (req, res) => {
    const rule = typeof req.query.rule === 'string' ? req.query.rule.toLowerCase() : undefined;
    const list = lab.analytics.alerts().filter((a) => !rule || a.ruleId.toLowerCase() === rule || a.ruleName.toLowerCase() === rule);
    res.json(list.map(alertJson));
  });

  router.get('/_lab/incidents', (_req, res) => {
    res.json(lab.analytics.incidents().map(incidentJson));
  });

  // The lab's stand-in for an analyst closing an incident (to exercise reopenClosedIncident).
  router.post('/_lab/incidents/:number/close', async (req: Request, res: Response) => {
    const number = Number(req.params.number);
    if (!Number.isInteger(number) || number < 1) return bad(res, 'number: must be a positive integer');
    const workspaceId = typeof req.query.workspace === 'string' ? req.query.workspace.toLowerCase() : lab.workspaces.ids()[0]!;
    const incident = await lab.analytics.closeIncident(workspaceId, number);
    if (!incident) return res.status(404).json({ error: `no incident ${number} in workspace ${workspaceId}` });
    res.json(incidentJson(incident));
  });

  return router;
}
