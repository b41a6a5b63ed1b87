// Issue 14 item 7, the connector's part: /health, /idle, /metrics and /debug/* answer only loopback
// Hosts (or admin.allowedHosts), 421 otherwise, and need admin.token as a bearer token when it is
// set; the push receiver is not an admin route (Darktrace reaches it by the connector's real name).
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnector, type Connector } from '../../connector/index.ts';
import { ConfigError } from '../../connector/config/load.ts';
import { PUSH_TOKEN, silentLogger, tempState, testConfig } from './helpers/connector-env.ts';

const open: Connector[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function start(admin?: Record<string, unknown>): Promise<string> {
  const extra: Record<string, unknown> = { poll: { enabled: false }, debug: { enabled: true } };
  if (admin) extra.admin = admin;
  const c = createConnector(testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: 'http://127.0.0.1:9', state: tempState(), extra }), { logger: silentLogger() });
  open.push(c);
  await c.start();
  return (await c.listen()).url;
}

function call(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('connector admin endpoints', () => {
  it('a foreign Host gets 421 on /health, /metrics, /idle and PUT /debug/clock-skew; loopback and allowed hosts are answered', async () => {
    const url = await start({ allowedHosts: ['connector.example.test'] });
    for (const [method, path] of [['GET', '/health'], ['GET', '/metrics'], ['GET', '/idle?timeout=1'], ['PUT', '/debug/clock-skew']] as const) {
      const res = await call(url, method, path, { host: 'evil.example', 'content-type': 'application/json' }, method === 'PUT' ? '{"ms":60000}' : undefined);
      expect(res.status, path).toBe(421);
    }
    expect(JSON.parse((await call(url, 'GET', '/debug/clock-skew', { host: 'localhost' })).text)).toEqual({ ms: 0 }); // the PUT changed nothing
    expect((await call(url, 'GET', '/health', { host: 'connector.example.test:4795' })).status).toBe(200);
    expect((await call(url, 'GET', '/health', { host: '127.0.0.1' })).status).toBe(200);
  });

  it('the push receiver answers any Host', async () => {
    const url = await start();
    const res = await call(url, 'POST', '/push', { host: 'connector.corp.example', authorization: `Bearer ${PUSH_TOKEN}`, 'content-type': 'application/json' }, '[]');
    expect(res.status).toBe(200);
  });

  it('with admin.token: 401 without it or with a wrong one, 200 with it', async () => {
    const url = await start({ token: 'conn-admin' });
    expect((await call(url, 'GET', '/health', {})).status).toBe(401);
    expect((await call(url, 'GET', '/metrics', { authorization: 'Bearer conn-admiN' })).status).toBe(401);
    expect((await call(url, 'GET', '/metrics', { authorization: 'Bearer conn-admin' })).status).toBe(200);
  });

  it('admin config errors name the key', () => {
    expect(() => testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: 'http://127.0.0.1:9', state: tempState(), extra: { admin: { token: '' } } })).toThrow(ConfigError);
    expect(() => testConfig({ darktraceUrl: 'http://127.0.0.1:9', sentinelUrl: 'http://127.0.0.1:9', state: tempState(), extra: { admin: { allowedHosts: ['bad host'] } } })).toThrow(/admin\.allowedHosts/);
  });
});
