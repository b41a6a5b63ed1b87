// Regressions in the push receiver's dedupe:
// - a Sentinel-form push record without its identity field (threatID, url, uuid) got the same dedupe
//   key as every other such record (`pb:NaN`, `aia:`, `email:`), so all but the first were dropped
//   as duplicates: answered 200, neither spooled nor dead-lettered. They are now dead-lettered.
// - a record dead-lettered at delivery kept its key among the recent keys, so replaying the
//   dead-letter file to the receiver (as documented) was answered "duplicate" and did nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForDelivered, waitForEvent } from './helpers/connector-env.ts';
import { modelBreach } from './helpers/fixtures.ts';
import { pushRigPerTest } from './helpers/push-rig.ts';

const rig = pushRigPerTest();

function deadLetterLines(state: string): { kind: string; reason?: string; records?: unknown[]; alerts?: unknown[] }[] {
  return readFileSync(path.join(state, 'dead-letter', 'dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

const pb = (host: string, threatID?: number) => ({
  dtProduct: 'Policy Breach',
  breachTime: '2024-01-15 09:30:00',
  modelName: 'Anomalous Connection::Data Sent to Rare Domain',
  score: 50,
  hostname: host,
  ...(threatID === undefined ? {} : { threatID }),
});
const aia = (title: string, url?: string) => ({ dtProduct: 'AI Analyst', time: 'Jan 15th 2024 09:30:00 UTC', title, score: 50, groupScore: 50, ...(url === undefined ? {} : { url }) });
const mail = (subject: string) => ({ dtProduct: 'Antigena Email', timestamp: '2024-01-15T09:30:00Z', subject, anomaly_score: 80 });

describe('push records without their identity field', () => {
  it.each([
    ['Policy Breach without threatID', [pb('host-a'), pb('host-b')], 'threatID is missing'],
    ['AI Analyst without url', [aia('incident A'), aia('incident B')], 'url (its last path segment) is missing'],
    ['AI Analyst whose url ends with a slash', [aia('A', 'https://dt/#aiaincidentevent/aaa/'), aia('B', 'https://dt/#aiaincidentevent/bbb/')], 'url (its last path segment) is missing'],
    ['Antigena Email without uuid', [mail('invoice'), mail('password reset')], 'uuid is missing'],
  ])('%s: each record is dead-lettered with the reason, none is dropped as a duplicate', async (_name, records, reason) => {
    const r = await rig();
    const res = await r.post(records);
    expect(res.status).toBe(400);
    expect(res.body.rejected?.map((x) => x.index)).toEqual([0, 1]);
    expect(res.body.rejected?.every((x) => x.reason.includes(reason))).toBe(true);
    // One entry for the body's refused alerts (issue 14: bounded work per request), each alert in it.
    expect(deadLetterLines(r.state).filter((l) => l.kind === 'alerts').flatMap((l) => l.alerts ?? [])).toHaveLength(2);
  });

  it('a valid record in the same body is spooled and lands; only the one without identity is rejected', async () => {
    const r = await rig();
    const delivered = waitForDelivered(r.c.events, 1);
    const res = await r.post([pb('host-a', 101), pb('host-b')]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(res.body.rejected?.map((x) => x.index)).toEqual([1]);
    await delivered;
    expect(r.landed().map((x) => x.threatID)).toEqual([101]);
  });
});

describe('replaying the dead-letter file', () => {
  it('a record dead-lettered at delivery, posted back to the receiver as documented, is spooled and lands', async () => {
    let posts = 0;
    // Sentinel refuses the first post permanently (dead-lettered) and accepts the later ones.
    const r = await rig({ reply: () => (posts++ === 0 ? { status: 400, body: JSON.stringify({ Error: 'InvalidDataFormat', Message: 'fixed later' }) } : undefined) });
    const dead = waitForEvent(r.c.events, 'dead-lettered', (e: { stage: string }) => e.stage === 'delivery');
    expect((await r.post({ type: 'modelBreach', alert: modelBreach({ pbid: 4242 }) })).body.accepted).toBe(1);
    await dead;
    const entry = deadLetterLines(r.state).find((l) => l.kind === 'delivery')!;
    expect(entry.records).toHaveLength(1);
    const delivered = waitForDelivered(r.c.events, 1);
    const replay = await r.post(entry.records);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ accepted: 1, duplicates: 0 });
    await delivered;
    expect(r.landed().map((x) => x.threatID)).toEqual([4242]);
  });
});
