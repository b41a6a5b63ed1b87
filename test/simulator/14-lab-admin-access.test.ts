// Issue 14 item 7, the simulator's part: /_lab (emit, clock, faults) answers only loopback Hosts (or
// allowed ones), 421 otherwise, and needs the bearer token when one is set; the DTAPI routes are not
// admin routes.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../simulator/index.ts';
import { startSimulator } from '../../harness/library/index.ts';
import { CLOCK_START } from './helpers.ts';

const open: Simulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(admin?: { allowedHosts?: string[]; token?: string }): Promise<string> {
  const sim = createSimulator({ port: 0, seed: 1, clockStart: CLOCK_START, speed: 0, backfill: 0, admin });
  open.push(sim);
  return (await sim.listen()).url;
}

function call(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method, headers: body ? { 'content-type': 'application/json', ...headers } : headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('simulator /_lab access', () => {
  it('POST /_lab/emit with Host: evil.example → 421 and nothing is emitted; loopback and allowed hosts are answered', async () => {
    const url = await start({ allowedHosts: ['sim.example.test'] });
    const evil = await call(url, 'POST', '/_lab/emit', { host: 'evil.example' }, JSON.stringify({ type: 'modelBreach', count: 2 }));
    expect(evil.status).toBe(421);
    expect((await call(url, 'GET', '/_lab/generated', { host: 'localhost' })).json.items).toHaveLength(0);
    expect((await call(url, 'POST', '/_lab/emit', { host: 'sim.example.test:4790' }, JSON.stringify({ type: 'modelBreach', count: 1 }))).status).toBe(200);
    expect((await call(url, 'GET', '/_lab/health', { host: '[::1]:4790' })).status).toBe(200);
  });

  it('with an admin token: 401 without it, answered with it', async () => {
    const url = await start({ token: 'sim-token' });
    expect((await call(url, 'GET', '/_lab/health', {})).status).toBe(401);
    expect((await call(url, 'GET', '/_lab/health', { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call(url, 'GET', '/_lab/health', { authorization: 'Bearer sim-token' })).status).toBe(200);
  });

  it('the DTAPI routes are not admin routes (a foreign Host still gets the API\'s own auth answer)', async () => {
    const url = await start();
    const res = await call(url, 'GET', '/modelbreaches', { host: 'darktrace.example.test' });
    expect(res.status).not.toBe(421);
  });

  it('the harness library sends the token it was given', async () => {
    const lab = await startSimulator({ admin: { token: 'lib-token' }, speed: 0, backfill: 0, clockStart: CLOCK_START, start: false });
    try {
      expect((await lab.admin.health()).status).toBe('ok');
      expect(await lab.admin.emit('modelBreach', 1)).toHaveLength(1);
    } finally {
      await lab.close();
    }
  });
});
