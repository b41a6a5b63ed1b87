// The express app of one mock instance. Routers mount in a fixed order, one line each; the first
// that matches answers. Surfaces still to come add their line here:
//   queryRouter         POST /v1/workspaces/:id/query             (route name 'query')
//   batchRouter         POST /v1/$batch                           (route name 'query')
//   webPageRouter       GET  /                                    (the web page)
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { analyticsAdminRouter } from './analytics/admin-router.ts';
import { adminRouter } from './handlers/admin.ts';
import { labAdminGuard } from '../shared-lib/admin-guard.ts';
import { dataCollectorRouter } from './handlers/dataCollector.ts';
import type { LabContext } from './labContext.ts';
import { entraRouter } from './entra/lab-entra.ts';
import { dcrAdminRouter, logsIngestionRouter } from './logs-ingestion/index.ts';
import { batchRouter } from './query/batch-router.ts';
import { queryRouter } from './query/router.ts';
import { webPageRouter } from './web/router.ts';
import { sendDiscardingUnreadBody } from './middlewares/discard-unread-body.ts';

export function buildApp(lab: LabContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use('/_lab', labAdminGuard(lab.options.admin)); // Host check and optional admin token for every /_lab route
  app.use(adminRouter(lab)); //            /_lab/*
  app.use(dataCollectorRouter(lab)); //    POST /api/logs
  app.use(dcrAdminRouter(lab)); //          GET /_lab/dcrs
  app.use(analyticsAdminRouter(lab)); //    /_lab/rules, /_lab/alerts, /_lab/incidents, POST /_lab/analytics/clock
  app.use(entraRouter(lab)); //             /:tenant/v2.0/.well-known/openid-configuration, /:tenant/discovery/v2.0/keys, POST /:tenant/oauth2/v2.0/token
  app.use(logsIngestionRouter(lab)); //     POST /dataCollectionRules/:id/streams/:stream
  app.use(queryRouter(lab)); //             POST|GET /v1/workspaces/:id/query (KQL)
  app.use(batchRouter(lab)); //             POST /v1/$batch (several queries)
  app.use(webPageRouter(lab)); //           GET / (the web page), /web/config.json

  app.use(notFound(lab));
  app.use(errorHandler(lab));
  return app;
}

/** Unknown URL: the Data Collector API's documented 404 ("the provided URL is incorrect"). */
function notFound(lab: LabContext): RequestHandler {
  return (req, res) => {
    const body = { Error: 'NotFound', Message: 'Either the provided URL is incorrect or the request is too large.' };
    res.status(404).type('application/json; charset=utf-8');
    sendDiscardingUnreadBody(req, res, Buffer.from(JSON.stringify(body), 'utf8'), lab.unreadBodyLimits);
  };
}

function errorHandler(lab: LabContext): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message });
      return;
    }
    lab.logger.error({ err }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  };
}
