// The /_lab admin API (design.md): health, tables and rows, the audit log, fault rules, and emptying
// the workspace. Plain JSON; admin errors are `{ "error": "<reason>" }`.
import express, { Router, type Request, type Response } from 'express';
import { UnknownWorkspaceError, parseKeyUpdate } from '../authentication/workspaces.ts';
import { parseFaultConfig } from '../faults/faultRules.ts';
import type { LabContext } from '../labContext.ts';
import { deployDcrTables, logsIngestionFor } from '../logs-ingestion/index.ts';
import { trackRequest, type RequestTracker } from '../middlewares/requestTracking.ts';

const MAX_PAGE = 10_000;

function intParam(req: Request, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number | Error {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 0) return new Error(`${name}: must be a non-negative integer`);
  return Math.min(n, max);
}

export function adminRouter(lab: LabContext): Router {
  const router = Router();
  const json = express.json({ limit: '1mb' });

  router.get('/_lab/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/_lab/tables', async (_req, res) => {
    res.json(await lab.store.listTables());
  });

  router.get('/_lab/tables/:name/rows', async (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!lab.store.hasTable(name)) {
      res.status(404).json({ error: `no table named '${name}'` });
      return;
    }
    const limit = intParam(req, 'limit', 100, MAX_PAGE);
    const offset = intParam(req, 'offset', 0);
    if (limit instanceof Error || offset instanceof Error) {
      res.status(400).json({ error: (limit instanceof Error ? limit : (offset as Error)).message });
      return;
    }
    res.json(await lab.store.rows(name, limit, offset));
  });

  router.delete('/_lab/tables', async (_req, res) => {
    await lab.store.clear();
    // Emptying a workspace removes rows, not the tables the loaded DCRs declare.
    await deployDcrTables(lab.store, logsIngestionFor(lab).dcrs);
    res.status(204).end();
  });

  router.get('/_lab/requests', (req, res) => {
    const limit = intParam(req, 'limit', 100);
    if (limit instanceof Error) {
      res.status(400).json({ error: limit.message });
      return;
    }
    res.json(lab.audit.list(limit));
  });

  // Workspace ids only: keys never leave the mock.
  router.get('/_lab/workspaces', (_req, res) => {
    res.json(lab.workspaces.ids().map((id) => ({ id })));
  });

  // Key rotation for a mock at a URL. Audited (route 'admin-keys') with which keys changed, never the keys.
  // A JSON syntax error's message can quote the body (a key): answer a fixed reason instead.
  const keysJson: express.RequestHandler = (req, res, next) =>
    json(req, res, (err?: unknown) => {
      if (!err) return next();
      const reason = (err as { type?: string }).type === 'entity.too.large' ? 'body: too large' : 'body: not valid JSON';
      (res.locals.tracker as RequestTracker).message = reason;
      res.status(400).json({ error: reason });
    });
  router.put('/_lab/workspaces/:id/keys', trackRequest(lab, 'admin-keys'), keysJson, (req, res) => {
    const tracker = res.locals.tracker as RequestTracker;
    const id = String(req.params.id);
    const workspace = lab.workspaces.get(id);
    if (!workspace) {
      tracker.message = `no workspace '${id}'`;
      res.status(404).json({ error: tracker.message });
      return;
    }
    tracker.workspace = workspace.id;
    try {
      const update = parseKeyUpdate(req.body);
      lab.workspaces.replaceKeys(workspace.id, req.body);
      if (update.primary) tracker.flags.push('primary key replaced');
      if (update.secondary === null) tracker.flags.push('secondary key removed');
      else if (update.secondary) tracker.flags.push('secondary key replaced');
    } catch (err) {
      if (err instanceof UnknownWorkspaceError) throw err;
      tracker.message = (err as Error).message;
      res.status(400).json({ error: tracker.message });
      return;
    }
    res.status(204).end();
  });

  router.get('/_lab/faults', (_req, res) => {
    res.json(lab.faults.list());
  });

  router.put('/_lab/faults', json, (req, res) => {
    try {
      lab.faults.set(parseFaultConfig(req.body));
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
      return;
    }
    res.json(lab.faults.list());
  });

  router.delete('/_lab/faults', (_req, res) => {
    lab.faults.clear();
    res.status(204).end();
  });

  return router;
}
