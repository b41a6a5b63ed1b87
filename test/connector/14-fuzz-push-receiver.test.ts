// Property-based fuzz of the push receiver (issue 14 "keep them fixed"): random JSON, mutated valid
// alerts, deep nesting, too many alerts and text that is not JSON, posted over HTTP to a running
// connector. Each body gets its documented outcome, never a 5xx:
// - not JSON, or nested deeper than receiver.maxDepth → 400, the body dead-lettered whole (kind body);
// - more than receiver.maxAlertsPerPush alerts → 413, nothing spooled or dead-lettered;
// - else every item is accepted (spooled), filtered, a duplicate or rejected; rejected ones are
//   dead-lettered as received with their index (kind alerts); 400 only when all were rejected.
// Fixed seed (FUZZ_SEED= replays another); fast-check prints the failing seed and path.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelBreach, systemStatusAlert } from './helpers/fixtures.ts';
import { pushRig } from './helpers/push-rig.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1414);
const MAX_DEPTH = 12;
const MAX_ALERTS = 20;

let r: Awaited<ReturnType<typeof pushRig>>;
let spooled = 0;
beforeAll(async () => {
  r = await pushRig({ extra: { receiver: { maxDepth: MAX_DEPTH, maxAlertsPerPush: MAX_ALERTS, maxBodyBytes: '256KB' } } });
  r.c.events.on('spooled', (e: { count: number }) => (spooled += e.count));
});
afterAll(async () => {
  await r.close();
});

type Entry = { kind: string; source: string; reason: string; body?: string; alerts?: Array<{ index: number; reason: string; alert: unknown }> };
let seen = 0;
/** Dead-letter entries written since the last call. */
function newDeadLetters(): Entry[] {
  const lines = readFileSync(path.join(r.state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').split('\n').filter(Boolean);
  const fresh = lines.slice(seen).map((l) => JSON.parse(l) as Entry);
  seen = lines.length;
  return fresh;
}

function depthOf(v: unknown): number {
  if (!v || typeof v !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(v).map(depthOf));
}

let id = 1;
/** A valid alert: a raw breach, a system alert, or a Sentinel-form record (fresh ids, mostly). */
const validAlert = fc.oneof(
  fc.nat(3).map((k) => modelBreach({ pbid: k === 0 ? 1 : ++id })), // pbid 1 again and again: duplicates
  fc.constant(0).map(() => ({ type: 'systemAlert', alert: systemStatusAlert() })),
  fc.constant(0).map(() => ({ dtProduct: 'Policy Breach', breachTime: '2024-01-15 09:30:00', modelName: 'A::B', score: 50, hostname: 'h', threatID: ++id })),
);
/** A valid alert with one key replaced by any JSON value, or deleted. */
const mutatedAlert = fc.tuple(validAlert, fc.nat(), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined })).map(([a, k, v]) => {
  const o = { ...(a as Record<string, unknown>) };
  const keys = Object.keys(o);
  const key = keys[k % keys.length]!;
  if (v === undefined) delete o[key];
  else o[key] = v;
  return o;
});
const deep = fc.integer({ min: 1, max: 40 }).map((n) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { k: v };
  return v;
});
const item = fc.oneof(validAlert, mutatedAlert, fc.jsonValue({ maxDepth: 4 }), deep);
const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(item, { maxLength: MAX_ALERTS + 5 }).map((a) => JSON.stringify(a)) },
  { weight: 2, arbitrary: item.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  { weight: 1, arbitrary: fc.array(item, { minLength: 1, maxLength: 5 }).chain((a) => { const t = JSON.stringify(a); return fc.nat(t.length - 1).map((cut) => t.slice(0, cut)); }) },
);

async function send(text: string) {
  const res = await fetch(`${r.url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dtlab-push-token' }, body: text });
  return { status: res.status, json: (await res.json()) as { error?: string; accepted?: number; filtered?: number; duplicates?: number; rejected?: Array<{ index: number; reason: string }> } };
}

describe('push receiver fuzz', () => {
  it('every body gets its documented outcome; nothing is lost, nothing answered 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const spooledBefore = spooled;
        const res = await send(text);
        const dead = newDeadLetters();
        let parsed: unknown;
        let isJson = true;
        try {
          parsed = JSON.parse(text);
        } catch {
          isJson = false;
        }
        if (!isJson || depthOf(parsed) > MAX_DEPTH) {
          expect(res.status).toBe(400);
          expect(dead).toEqual([expect.objectContaining({ kind: 'body', source: 'push', reason: res.json.error, body: text })]);
          expect(spooled).toBe(spooledBefore);
          return;
        }
        const items = Array.isArray(parsed) ? parsed : [parsed];
        if (items.length > MAX_ALERTS) {
          expect(res.status).toBe(413);
          expect(res.json.error).toMatch(/receiver\.maxAlertsPerPush/);
          expect(dead).toEqual([]);
          expect(spooled).toBe(spooledBefore);
          return;
        }
        const rejected = res.json.rejected ?? [];
        expect(res.status).toBe(items.length > 0 && rejected.length === items.length ? 400 : 200);
        expect((res.json.accepted ?? 0) + (res.json.filtered ?? 0) + (res.json.duplicates ?? 0) + rejected.length).toBe(items.length);
        expect(spooled - spooledBefore).toBe(res.json.accepted ?? 0);
        const deadAlerts = dead.flatMap((e) => (expect(e.kind).toBe('alerts'), e.alerts!));
        expect(deadAlerts.map((a) => [a.index, a.reason])).toEqual(rejected.map((x) => [x.index, x.reason]));
        for (const a of deadAlerts) expect(a.alert).toEqual(items[a.index]);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
