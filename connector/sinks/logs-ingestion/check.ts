// `--check` for the Logs Ingestion sink: an empty upload (`[]`, which the SDK never sends) with a
// real token proves the endpoint, the DCR, the app's access to it and the stream in one request.
import type https from 'node:https';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { LogsIngestionSinkConfig } from '../../config/types.ts';

export function checkStream(cfg: LogsIngestionSinkConfig, stream: string, token: string, agent?: https.Agent): Promise<void> {
  const url = new URL(`${cfg.endpoint}/dataCollectionRules/${encodeURIComponent(cfg.dcrImmutableId)}/streams/${encodeURIComponent(stream)}?api-version=2023-01-01`);
  const send = url.protocol === 'https:' ? request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(agent && url.protocol === 'https:' ? { agent } : {}),
      timeout: cfg.timeoutMs,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 4096) body += c;
      });
      res.on('end', () => {
        if (res.statusCode === 204 || res.statusCode === 200) return resolve();
        let detail = body.slice(0, 300);
        try {
          const j = JSON.parse(body) as { error?: { code?: string; message?: string } };
          if (j.error) detail = `${j.error.code}: ${j.error.message}`;
        } catch {
          /* not JSON */
        }
        reject(new Error(`Logs Ingestion endpoint ${cfg.endpoint} answered ${res.statusCode} for stream ${stream}: ${detail}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(`Logs Ingestion endpoint ${cfg.endpoint} unreachable: ${err.code ?? err.message}`)));
    req.end('[]');
  });
}
