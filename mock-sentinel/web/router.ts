// The web page at `/` (one self-contained HTML file) and the small config it starts from.
// A Content-Security-Policy keeps the page to this origin: nothing is fetched from elsewhere.
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../entra/defaults.ts';
import { entraFor } from '../entra/lab-entra.ts';
import type { LabContext } from '../labContext.ts';

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface WebPageOptions {
  /** How often the page polls the admin API for its live counters, in ms (default 2000). */
  pollMs?: number;
}

export function webPageRouter(lab: LabContext, options: WebPageOptions = {}): Router {
  const html = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
  const router = Router();
  const page = (_req: unknown, res: import('express').Response) => {
    res.status(200).set({ 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP, 'cache-control': 'no-store' }).send(html);
  };
  router.get('/', page);
  router.get('/index.html', page);
  router.get('/web/config.json', (_req, res) => {
    const entra = entraFor(lab);
    const customApps = ((lab.options as { apps?: unknown[] }).apps ?? []).length > 0;
    res.set('cache-control', 'no-store').json({
      workspaces: lab.workspaces.ids(),
      queryAuth: !lab.options.noQueryAuth,
      tenantId: entra.tenantId,
      // The documented test-only app, prefilled for the "get lab token" button; never a configured secret.
      clientId: DEFAULT_CLIENT_ID,
      clientSecret: customApps ? '' : DEFAULT_CLIENT_SECRET,
      pollMs: options.pollMs ?? 2000,
    });
  });
  return router;
}
