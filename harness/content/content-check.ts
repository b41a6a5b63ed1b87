// Runs Sentinel content (analytic rule files and workbooks, e.g. the Darktrace solution's, unmodified)
// against what the lab lands: seeded, accelerated traffic through the simulator, the connector and
// the mock — once through the Data Collector API (the legacy darktrace_model_alerts_CL) and once
// through the Logs Ingestion API (the Darktrace*_CL tables) — then every panel query and every rule
// of the matching family. Reports rows per panel and alerts per rule; empty ones are what fails.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadRuleFiles } from '../../mock-sentinel/analytics/load-rules.ts';
import type { AnalyticRule } from '../../mock-sentinel/analytics/rule-model.ts';
import { startLab, type LabHandle } from '../library/start-lab.ts';
import { labCall } from '../library/lab-http.ts';
import { kqlOverHttp } from '../engine/mock-driver.ts';
import { fillParameters, workbookPanels, type WorkbookPanel, type WorkbookParameters } from './workbook-panels.ts';

export type Family = 'legacy' | 'logsIngestion';

export interface ContentCheckOptions {
  rules?: string[];
  workbooks?: string[];
  seed?: number;
  /** Simulated history the traffic covers, ending now (default 3 h). */
  hours?: number;
  /** Which ingestion paths to run (default both). */
  families?: Family[];
  log?: (line: string) => void;
}

export interface PanelResult {
  name: string;
  family: Family;
  rows: number;
  error?: string;
}

export interface RuleResult {
  id: string;
  name: string;
  family: Family;
  runs: number;
  alerts: number;
  error?: string;
}

export interface ContentCheckReport {
  panels: PanelResult[];
  rules: RuleResult[];
  /** True when every panel has rows and every rule raised an alert. */
  passed: boolean;
}

const LEGACY_TABLE = 'darktrace_model_alerts_CL';
const LEGACY_PRODUCTS: Record<string, string> = { modelBreach: 'Policy Breach', aiAnalyst: 'AI Analyst', systemAlert: 'System Alert', email: 'Antigena Email' };
const LI_TABLES: Record<string, string> = { modelBreach: 'DarktraceModelAlerts_CL', aiAnalyst: 'DarktraceIncidents_CL', systemAlert: 'DarktraceSystemStatusAlerts_CL', email: 'DarktraceEMAIL_CL' };
const STORIES = ['beaconing-exfiltration', 'ransomware-smb', 'phishing-campaign', 'saas-hijack', 'probe-outage'];
const STEP_MS = 5 * 60_000;

/** The family a query belongs to: the tables it reads. */
export function familyOf(query: string): Family {
  return /\bdarktrace_model_alerts_CL\b/.test(query) ? 'legacy' : 'logsIngestion';
}

export async function checkContent(options: ContentCheckOptions): Promise<ContentCheckReport> {
  const log = options.log ?? (() => {});
  const rules = options.rules?.length ? loadRuleFiles(options.rules) : [];
  const workbooks = (options.workbooks ?? []).map((file) => ({ file, ...workbookPanels(JSON.parse(readFileSync(file, 'utf8')), basename(file)) }));
  const report: ContentCheckReport = { panels: [], rules: [], passed: true };
  for (const family of options.families ?? (['legacy', 'logsIngestion'] as Family[])) {
    const familyRules = rules.filter((r) => familyOf(r.query) === family);
    const familyPanels = workbooks.map((w) => ({ ...w, panels: w.panels.filter((p) => familyOf(resolveForFamily(p, w.parameters)) === family) }));
    if (!familyRules.length && !familyPanels.some((w) => w.panels.length)) continue;
    log(`${family}: landing ${options.hours ?? 3} h of seeded traffic`);
    const lab = await landTraffic(family, familyRules, options.seed ?? 1, options.hours ?? 3, log);
    try {
      const kql: Kql = (query) => kqlOverHttp(lab.sentinel.url, lab.sentinel.workspaceId, query);
      for (const w of familyPanels) report.panels.push(...(await runPanels(kql, family, w.panels, w.parameters)));
      report.rules.push(...(await runRules(lab, family, familyRules)));
    } finally {
      await lab.close();
    }
  }
  report.passed = report.panels.every((p) => p.rows > 0 && !p.error) && report.rules.every((r) => r.alerts > 0 && !r.error);
  return report;
}

/** A panel whose whole query is a parameter (`{aia_type}`) belongs where the parameter's query does. */
export function resolveForFamily(panel: WorkbookPanel, parameters: WorkbookParameters): string {
  return panel.query.replace(/\{(\w+)\}/g, (whole, name: string) => parameters.values.get(name) ?? whole);
}

async function landTraffic(family: Family, rules: AnalyticRule[], seed: number, hours: number, log: (line: string) => void): Promise<LabHandle> {
  const end = Date.now();
  const start = end - hours * 3_600_000;
  // Rules run from the start of the traffic, as they would have while it happened: a Scheduled rule's
  // windows then cover every row's TimeGenerated (the alert's time), not just the last queryPeriod.
  const analyticsStart = new Date(start);
  const lab = await startLab({
    sentinel: { noQueryAuth: true, analytics: { rules, clock: 'manual', start: analyticsStart, maxAlertsPerRun: 100_000 } },
    darktrace: {
      seed,
      clockStart: start,
      speed: 0,
      backfill: 0,
      rates: 'modelBreach=300/h,aiAnalyst=60/h,systemAlert=6/h,email=120/h,story=1/h',
      // Enough attack surface findings that every rating (A: resolved, B–F: open) appears in the window.
      asmPerHour: 120,
    },
    connector: {
      // The activity streams (RESPOND actions, ASM, email releases) reach the connector only by polling.
      // Its windows follow the simulator's clock (poll.clock: appliance), so the stepped clock replaying
      // the past needs no overlap as long as the traffic (decision 0023).
      poll: { interval: '1s', clock: 'appliance', ...(family === 'logsIngestion' ? { sources: { responseActions: true, asm: true, emailRelease: true } } : {}) },
      ...(family === 'logsIngestion' ? { sentinel: { mode: 'logsIngestion' } } : {}),
    },
  });
  try {
    for (const story of STORIES) await labCall(lab.darktrace.url, 'POST', '/_lab/emit', { story });
    for (let t = start; t < end; t += STEP_MS) await lab.darktrace.admin.advanceClock(Math.min(STEP_MS, end - t));
    await waitForLanding(lab, family, log);
    return lab;
  } catch (err) {
    await lab.close();
    throw err;
  }
}

/** Waits until every generated alert has landed (the ground truth against the tables), or 10 minutes (a busy machine lands slowly). */
async function waitForLanding(lab: LabHandle, family: Family, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { counts } = await lab.darktrace.admin.generated();
    const landed = await landedCounts(lab, family);
    // ASM findings are one row each; they are polled, never pushed, so they are waited for too.
    if (family === 'logsIngestion') (counts as Record<string, number>).asmFinding = lab.darktrace.simulator.engine.activity.counts.asmFinding;
    const missing = Object.entries(counts).filter(([type, n]) => (landed[type] ?? 0) < n);
    if (!missing.length) return;
    if (Date.now() > deadline) throw new Error(`not everything landed: ${missing.map(([t, n]) => `${t} ${landed[t] ?? 0}/${n}`).join(', ')}`);
    log(`waiting for ${missing.map(([t, n]) => `${t} ${landed[t] ?? 0}/${n}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function landedCounts(lab: LabHandle, family: Family): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const tables = new Set((await lab.sentinel.admin.tables()).map((t) => t.name));
  if (family === 'legacy') {
    if (!tables.has(LEGACY_TABLE)) return out;
    const r = await kqlOverHttp(lab.sentinel.url, lab.sentinel.workspaceId, `${LEGACY_TABLE} | summarize count() by dtProduct_s`);
    for (const [type, product] of Object.entries(LEGACY_PRODUCTS)) out[type] = Number(r.rows.find((row) => row[0] === product)?.[1] ?? 0);
    return out;
  }
  for (const [type, table] of Object.entries({ ...LI_TABLES, asmFinding: 'DarktraceASM_CL' })) {
    out[type] = tables.has(table) ? Number((await kqlOverHttp(lab.sentinel.url, lab.sentinel.workspaceId, `${table} | count`)).rows[0]?.[0] ?? 0) : 0;
  }
  return out;
}

export type Kql = (query: string) => Promise<{ columns: string[]; rows: unknown[][] }>;

/** Runs each panel's query as the workbook would on opening; a panel's export feeds the panels after it. */
export async function runPanels(kql: Kql, family: Family, panels: WorkbookPanel[], parameters: WorkbookParameters): Promise<PanelResult[]> {
  const values = new Map(parameters.values);
  const range = { start: new Date(Date.now() - 7 * 86_400_000), grain: '1h' };
  const out: PanelResult[] = [];
  for (const panel of panels) {
    const query = fillParameters(fillParameters(panel.query, parameters, values, range), parameters, values, range);
    try {
      const r = await kql(query);
      out.push({ name: panel.name, family, rows: r.rows.length });
      // What a click on the panel's first row would export to the panels below it.
      if (panel.exports) {
        const i = r.columns.indexOf(panel.exports.field);
        if (i >= 0 && r.rows[0]) values.set(panel.exports.parameter, String(r.rows[0][i] ?? ''));
      }
    } catch (err) {
      out.push({ name: panel.name, family, rows: 0, error: (err as Error).message.split('\n')[0] });
    }
  }
  return out;
}

async function runRules(lab: LabHandle, family: Family, rules: AnalyticRule[]): Promise<RuleResult[]> {
  const analytics = lab.sentinel.mock.analytics;
  // Every run due while the traffic landed, and the first Scheduled window after it.
  await analytics.runDue(new Date(Date.now() + 6 * 60_000));
  const status = analytics.rules();
  return rules.map((rule) => {
    const s = status.find((x) => x.id.toLowerCase() === rule.id.toLowerCase());
    const result: RuleResult = { id: rule.id, name: rule.name, family, runs: s?.runs ?? 0, alerts: s?.alertsRaised ?? 0 };
    if (s?.lastError) result.error = s.lastError;
    return result;
  });
}
