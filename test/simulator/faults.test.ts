// /_lab/faults: native fault injection for standalone users (5xx pages, genuine auth errors, delays;
// by path prefix, method, count and seeded probability).
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../simulator/index.ts';
import { dtFetch, startSim } from './helpers.ts';

let running: Simulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function sim(seed = 1) {
  const s = await startSim({ seed, backfill: '1h' });
  running = s.sim;
  return s.url;
}

async function putFaults(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/_lab/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('/_lab/faults', () => {
  it('status fault: a 503 nginx page on the matching prefix, count times, other paths untouched', async () => {
    const url = await sim();
    const put = await putFaults(url, { rules: [{ path: '/modelbreaches', status: 503, count: 2 }] });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { rules: { id: number; hits: number }[] }).rules[0]).toMatchObject({ path: '/modelbreaches', status: 503, count: 2, hits: 0 });
    const first = await dtFetch(url, '/modelbreaches?minscore=0.5');
    expect(first.status).toBe(503);
    expect(first.headers.get('content-type')).toMatch(/text\/html/);
    expect(await first.text()).toContain('<title>503 Service Temporarily Unavailable</title>');
    expect((await dtFetch(url, '/status')).status).toBe(200);
    expect((await dtFetch(url, '/modelbreaches/1/comments', { method: 'GET' })).status).toBe(503);
    expect((await dtFetch(url, '/modelbreaches')).status).toBe(200);
    const listed = (await (await fetch(`${url}/_lab/faults`)).json()) as { rules: { hits: number }[] };
    expect(listed.rules[0]!.hits).toBe(2);
  });

  it('auth faults answer the real API SIGNATURE ERROR / API DATE ERROR bodies to a correctly signed request', async () => {
    const url = await sim();
    await putFaults(url, [{ path: '/aianalyst', auth: 'signature', count: 1 }, { path: '/aianalyst', auth: 'date', count: 1 }]);
    const sig = await dtFetch(url, '/aianalyst/incidentevents');
    expect(sig.status).toBe(400);
    expect(await sig.json()).toEqual({ aianalyst: 'API SIGNATURE ERROR' });
    const date = await dtFetch(url, '/aianalyst/groups');
    expect(date.status).toBe(400);
    expect(await date.json()).toEqual({ aianalyst: 'API DATE ERROR' });
    expect((await dtFetch(url, '/aianalyst/incidentevents')).status).toBe(200);
  });

  it('latency delays the answer, then the request is served normally; method narrows the rule', async () => {
    const url = await sim();
    await putFaults(url, { rules: [{ path: '/agemail', method: 'POST', latencyMs: 150 }] });
    const started = performance.now();
    const res = await dtFetch(url, '/agemail/api/v1.0/emails/search', { body: '{"page":0,"itemsPerPage":5}', contentType: 'application/json' });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
    // A lower bound only: the delay happened (timers never fire early by more than a tick).
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect((await dtFetch(url, '/agemail/api/v1.0/resources/tags')).status).toBe(200);
    const listed = (await (await fetch(`${url}/_lab/faults`)).json()) as { rules: { hits: number }[] };
    expect(listed.rules[0]!.hits).toBe(1);
  });

  it('probability draws from the seed: the same rule set fails the same requests on every run', async () => {
    const pattern = async (seed: number) => {
      const url = await sim(seed);
      await putFaults(url, { rules: [{ path: '/', status: 500, probability: 0.5 }] });
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await dtFetch(url, '/status')).status);
      await running!.close();
      running = undefined;
      return out;
    };
    const a = await pattern(5);
    const b = await pattern(5);
    expect(b).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });

  it('DELETE clears every rule; /_lab itself is never faulted', async () => {
    const url = await sim();
    await putFaults(url, { rules: [{ path: '/', status: 502 }] });
    expect((await fetch(`${url}/_lab/health`)).status).toBe(200);
    expect((await dtFetch(url, '/models')).status).toBe(502);
    const del = await fetch(`${url}/_lab/faults`, { method: 'DELETE' });
    expect(await del.json()).toEqual({ rules: [] });
    expect((await dtFetch(url, '/models')).status).toBe(200);
  });

  it('bad rules are refused with the key path and reason', async () => {
    const url = await sim();
    const cases: [unknown, string][] = [
      [{ rules: [{ path: 'modelbreaches', status: 503 }] }, 'rules[0].path: must be a path prefix starting with /'],
      [{ rules: [{ path: '/', status: 404 }] }, 'rules[0].status: must be a 5xx status (500–599)'],
      [{ rules: [{ path: '/', auth: 'token' }] }, 'rules[0].auth: must be "signature" or "date"'],
      [{ rules: [{ path: '/' }] }, 'rules[0].status: give status, auth or latencyMs'],
      [{ rules: [{ path: '/', latencyMs: 5 }, { path: '/', status: 503, probability: 2 }] }, 'rules[1].probability: must be a number from 0 to 1'],
      [{ rules: [{ path: '/', status: 503, colour: 'red' }] }, 'rules[0].colour: unknown key'],
      [{ nope: true }, 'body: give {"rules"'],
    ];
    for (const [body, message] of cases) {
      const res = await putFaults(url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toContain(message);
    }
    expect(((await (await fetch(`${url}/_lab/faults`)).json()) as { rules: unknown[] }).rules).toEqual([]);
  });
});
