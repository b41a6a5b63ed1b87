import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtapiSignature } from '../../simulator/index.ts';
import { parseDtapiDate } from '../../simulator/api/authentication/dtapi.ts';
import { CLOCK_START_MS, PUBLIC, PRIVATE, compactDate, dtFetch, sign, startSim } from './helpers.ts';
import type { Simulator } from '../../simulator/index.ts';

// darktrace-api.md §1.4, every row.
const VECTORS: [string, string, string][] = [
  ['/modelbreaches?starttime=1705309200000&endtime=1705311000000&minscore=0.5', '20240115T093000', '8492c0697c8bf859abca8b8a6436e97e5b3face0'],
  ['/aianalyst/incidentevents?includeacknowledged=true&starttime=1705309200000&endtime=1705311000000', '20240115T093000', '0d705bd0b195d8c7fcdb09e043f8c02d3bd4915c'],
  ['/status', '20240115T093000', '10147b003db74e45db2171ec66b510e096abd20c'],
  ['/modelbreaches/101/comments?{"message":"Test Comment"}', '20240115T093000', '709689c7d60a46414891b64ae167df8b4092312f'],
  ['/modelbreaches?from=2024-01-15 09:00:00&to=2024-01-15 09:30:00', '20240115T093000', 'bb9a160fb4971287ca733c94223d6b7d6857738a'],
  ['/modelbreaches?from=2024-01-15%2009:00:00&to=2024-01-15%2009:30:00', '20240115T093000', '2d2c8965d9b4d2200e38782dead500fe485ce666'],
  ['/aianalyst/acknowledge?uuid=04a3f36e-1111-2222-3333-444455556666', '20240115T093000', '751c29074497af4df2a1aa697efe3b8ebc294d24'],
  [
    '/agemail/api/v1.0/emails/search?{"page":0,"itemsPerPage":20,"timeFrom":1705309200,"timeTo":1705311000,"query":{"criteriaList":[{"apiFilter":"Email.Antigena Email Anomaly","value":"0","operator":">"}],"mode":"and"}}',
    '20240115T093000',
    '3aa9dcff1adec2cfbd8572def9c4e6788606a022',
  ],
  ['/status', '2024-01-15 09:30:00', '14d0b073b54b0d0e7b3859e50c4163b945edffb5'],
  ['/status', '2024-01-15T09:30:00.123456+00:00', '6c4304f44f927256a0ac05c23a4874a0beda022f'],
];

describe('DTAPI signature test vectors (§1.4)', () => {
  it.each(VECTORS)('signs %s with date %s', (pathQuery, date, expected) => {
    expect(dtapiSignature(PRIVATE, pathQuery, PUBLIC, date)).toBe(expected);
  });
});

describe('DTAPI-Date formats (§1.5)', () => {
  it('parses all four formats as the same instant, offset-less values as UTC', () => {
    expect(parseDtapiDate('20240115T093000')).toBe(CLOCK_START_MS);
    expect(parseDtapiDate('2024-01-15 09:30:00')).toBe(CLOCK_START_MS);
    expect(parseDtapiDate('2024-01-15T09:30:00.123456+00:00')).toBe(CLOCK_START_MS + 123);
    expect(parseDtapiDate('2024-01-15T09:30:00.894000')).toBe(CLOCK_START_MS + 894);
    expect(parseDtapiDate('2024-01-15T10:30:00+01:00')).toBe(CLOCK_START_MS);
  });
  it('rejects malformed dates', () => {
    for (const bad of ['', 'yesterday', '2024-13-01 00:00:00', '2024-02-30 00:00:00', '20240115 093000', '1705309200']) expect(parseDtapiDate(bad)).toBeNull();
  });
});

describe('DTAPI authentication over HTTP', () => {
  let sim: Simulator;
  let url: string;
  beforeAll(async () => {
    ({ sim, url } = await startSim({ backfill: '1h', tokens: [{ public: PUBLIC, private: PRIVATE }, { public: 'second-public', private: 'second-private', username: 'analyst@corp' }, { public: 'limited', private: 'limited-private', permissions: ['/status'] }] }));
  });
  afterAll(() => sim.close());

  it('accepts the spec vectors as requests: GET with decoded query signed, query sent encoded', async () => {
    const res = await dtFetch(url, '/modelbreaches?from=2024-01-15%2009:00:00&to=2024-01-15%2009:30:00');
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
  });

  it.each(['20240115T093000', '2024-01-15 09:30:00', '2024-01-15T09:30:00.123456+00:00', '2024-01-15T09:30:00.894000'])('accepts DTAPI-Date %s', async (date) => {
    const res = await dtFetch(url, '/status', { date });
    expect(res.status).toBe(200);
  });

  it('rejects a signature over the still-encoded query by default (API SIGNATURE ERROR keyed by first path segment)', async () => {
    const res = await dtFetch(url, '/modelbreaches?from=2024-01-15%2009:00:00&to=2024-01-15%2009:30:00', { signed: '/modelbreaches?from=2024-01-15%2009:00:00&to=2024-01-15%2009:30:00' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ modelbreaches: 'API SIGNATURE ERROR' });
  });

  it('API SIGNATURE ERROR for an unknown public token', async () => {
    const res = await dtFetch(url, '/status', { pub: 'nobody', priv: PRIVATE });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 'API SIGNATURE ERROR' });
  });

  it('API SIGNATURE ERROR for a wrong private token, and for missing headers', async () => {
    const wrong = await dtFetch(url, '/aianalyst/groups', { priv: 'wrong' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ aianalyst: 'API SIGNATURE ERROR' });
    const bare = await fetch(`${url}/status`);
    expect(bare.status).toBe(400);
    expect(Object.values(await bare.json())).toContain('API SIGNATURE ERROR');
  });

  it('API DATE ERROR for an unparseable date and for a date more than 30 minutes off', async () => {
    const garbled = await dtFetch(url, '/status', { date: 'not a date' });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toEqual({ status: 'API DATE ERROR' });
    const skewed = await dtFetch(url, '/status', { date: compactDate(CLOCK_START_MS + 31 * 60_000) });
    expect(skewed.status).toBe(400);
    expect(await skewed.json()).toEqual({ status: 'API DATE ERROR' });
    const early = await dtFetch(url, '/status', { date: compactDate(CLOCK_START_MS - 31 * 60_000) });
    expect(early.status).toBe(400);
    const inside = await dtFetch(url, '/status', { date: compactDate(CLOCK_START_MS - 29 * 60_000) });
    expect(inside.status).toBe(200);
  });

  it('302 "Found. Redirecting to /login" for an unknown endpoint with a valid HMAC', async () => {
    const res = await dtFetch(url, '/nosuchendpoint?x=1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login');
    expect(await res.text()).toBe('Found. Redirecting to /login');
  });

  it('an unknown endpoint with a bad HMAC is still a signature error (endpoint checked last by default)', async () => {
    const res = await dtFetch(url, '/nosuchendpoint', { priv: 'wrong' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ nosuchendpoint: 'API SIGNATURE ERROR' });
  });

  it('302 "Found. Redirecting to /403" when the token pair lacks permission', async () => {
    const ok = await dtFetch(url, '/status', { pub: 'limited', priv: 'limited-private' });
    expect(ok.status).toBe(200);
    const res = await dtFetch(url, '/modelbreaches', { pub: 'limited', priv: 'limited-private' });
    expect(res.status).toBe(302);
    expect(await res.text()).toBe('Found. Redirecting to /403');
  });

  it('accepts several token pairs and attributes acknowledgements to the pair user', async () => {
    const pbid = sim.store.breaches.items[0]!.alert.pbid;
    const body = '{"acknowledge":true}';
    const res = await dtFetch(url, `/modelbreaches/${pbid}/acknowledge`, { body, contentType: 'application/json', pub: 'second-public', priv: 'second-private' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ response: 'SUCCESS' });
    expect(sim.store.breachByPbid.get(pbid)!.alert.acknowledged).toEqual({ time: CLOCK_START_MS, username: 'analyst@corp' });
  });

  it('verifies a JSON POST over the exact body bytes (the comments vector shape)', async () => {
    const pbid = sim.store.breaches.items[1]!.alert.pbid;
    const body = '{"message":"Test Comment"}';
    const res = await dtFetch(url, `/modelbreaches/${pbid}/comments`, { body, contentType: 'application/json' });
    expect(res.status).toBe(200);
    // Same JSON with different spacing is different bytes: signature no longer matches.
    const respaced = await dtFetch(url, `/modelbreaches/${pbid}/comments`, { body: '{"message": "Test Comment"}', contentType: 'application/json', signed: `/modelbreaches/${pbid}/comments?${body}` });
    expect(respaced.status).toBe(400);
  });

  it('verifies a form POST over the decoded form body', async () => {
    const id = sim.store.incidents.items[0]!.alert.id;
    const res = await dtFetch(url, '/aianalyst/acknowledge', { body: `uuid=${id}`, contentType: 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ aianalyst: 'SUCCESS' });
  });

  it('POST with a query string and a body signs the body only by default', async () => {
    const id = sim.store.incidents.items[0]!.alert.id;
    const ok = await dtFetch(url, '/aianalyst/unacknowledge?x=1', { body: `uuid=${id}`, contentType: 'application/x-www-form-urlencoded', signed: `/aianalyst/unacknowledge?uuid=${id}` });
    expect(ok.status).toBe(200);
    const both = await dtFetch(url, '/aianalyst/unacknowledge?x=1', { body: `uuid=${id}`, contentType: 'application/x-www-form-urlencoded', signed: `/aianalyst/unacknowledge?x=1&uuid=${id}` });
    expect(both.status).toBe(400);
  });
});

describe('configurable auth policies', () => {
  it('acceptEncodedQuery: a signature over the encoded query is accepted', async () => {
    const { sim, url } = await startSim({ backfill: 0, policy: { acceptEncodedQuery: true } });
    try {
      const pq = '/modelbreaches?from=2024-01-15%2009:00:00&to=2024-01-15%2009:30:00';
      expect((await dtFetch(url, pq, { signed: pq })).status).toBe(200);
      expect((await dtFetch(url, pq)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  it('checkOrder: the configured order decides which error a doubly-bad request gets', async () => {
    const bad = { priv: 'wrong', date: 'garbage' };
    const a = await startSim({ backfill: 0 });
    const b = await startSim({ backfill: 0, policy: { checkOrder: ['signature', 'date', 'token', 'endpoint'] } });
    const c = await startSim({ backfill: 0, policy: { checkOrder: ['endpoint', 'token', 'date', 'signature'] } });
    try {
      expect(await (await dtFetch(a.url, '/status', bad)).json()).toEqual({ status: 'API DATE ERROR' });
      expect(await (await dtFetch(b.url, '/status', bad)).json()).toEqual({ status: 'API SIGNATURE ERROR' });
      const unknown = await dtFetch(c.url, '/unknown', bad);
      expect(unknown.status).toBe(302);
    } finally {
      await Promise.all([a.sim.close(), b.sim.close(), c.sim.close()]);
    }
  });

  it('errorKey: a fixed key for auth-error bodies', async () => {
    const { sim, url } = await startSim({ backfill: 0, policy: { errorKey: 'error' } });
    try {
      expect(await (await dtFetch(url, '/status', { priv: 'x' })).json()).toEqual({ error: 'API SIGNATURE ERROR' });
    } finally {
      await sim.close();
    }
  });

  it('unknownParameters: ignored by default, INPUT ERROR when set to reject', async () => {
    const a = await startSim({ backfill: 0 });
    const b = await startSim({ backfill: 0, policy: { unknownParameters: 'reject' } });
    try {
      expect((await dtFetch(a.url, '/status?bogus=1')).status).toBe(200);
      const res = await dtFetch(b.url, '/status?bogus=1');
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'Unknown parameter bogus', response: 'INPUT ERROR' });
    } finally {
      await Promise.all([a.sim.close(), b.sim.close()]);
    }
  });

  it('dateReference wall (the default) checks DTAPI-Date against the machine clock', async () => {
    const wall = Date.parse('2030-06-01T12:00:00Z');
    const { sim, url } = await startSim({ backfill: 0, wallNow: () => wall, policy: { dateReference: 'wall' } });
    try {
      expect((await dtFetch(url, '/status', { date: compactDate(wall) })).status).toBe(200);
      expect((await dtFetch(url, '/status', { date: compactDate(CLOCK_START_MS) })).status).toBe(400);
    } finally {
      await sim.close();
    }
  });

  it('bodies over the size limit are refused while streaming', async () => {
    const { sim, url } = await startSim({ backfill: 0, policy: { maxBodyBytes: 1024 } });
    try {
      const res = await dtFetch(url, '/aianalyst/acknowledge', { body: `uuid=${'x'.repeat(4096)}`, contentType: 'application/x-www-form-urlencoded' });
      expect(res.status).toBe(413);
    } finally {
      await sim.close();
    }
  });
});

it('sign() helper matches the §1.4 status vector (guards the helper itself)', () => {
  expect(sign('/status', '20240115T093000')).toBe('10147b003db74e45db2171ec66b510e096abd20c');
});
