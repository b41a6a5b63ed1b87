// GET /_lab/dcrs — the loaded DCRs with their immutable ids, streams (declared columns) and output tables.
import { Router } from 'express';
import type { LabContext } from '../../labContext.ts';
import { logsIngestionFor } from '../logs-ingestion-service.ts';

export function dcrAdminRouter(lab: LabContext): Router {
  const service = logsIngestionFor(lab);
  const router = Router();
  router.get('/_lab/dcrs', (_req, res) => {
    res.json(service.dcrs.summaries());
  });
  return router;
}
