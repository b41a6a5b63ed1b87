// The Data Collector sink over real HTTP against a SharedKey-verifying endpoint: signing, size
// splitting, retries only on 408/429/5xx/network, Retry-After, dead-letter on a 400 about the
// records, park on a refusal about the table, workspace or key (403, 400 InvalidLogType, 404 for
// one record), 404 splits.
import { afterEach, describe, expect, it } from 'vitest';
import type { DataCollectorSinkConfig } from '../../connector/config/types.ts';
import { createDataCollectorSink } from '../../connector/sinks/data-collector/sink.ts';
import { RetryExhaustedError, type SinkOutcome } from '../../connector/sinks/sink.ts';
import type { SpoolRecord } from '../../connector/spool/spool.ts';
import { spoolRecord } from '../../connector/spool/record-format.ts';
import { startVerifyingSink, type Reply, type ReceivedPost, type VerifyingSink } from './helpers/verifying-sink.ts';
import { PRIMARY, WS, dataCollectorSinkConfig } from './helpers/connector-env.ts';

const SECONDARY = 'PQotrdhE7hJx0w+bvR5Q5I4LnofH6be8xEvJ3s3p7L585P8F/HSU6PFMAD1jh93I5Xp+oFVPFVtmekWK06ZLZg==';

let sink: VerifyingSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});


const records = (n: number, text = 'héllo ✓'): SpoolRecord[] =>
  Array.from({ length: n }, (_, i) => spoolRecord(i + 1, `k:${i}`, JSON.stringify({ dtProduct: 'Policy Breach', threatID: i, message: text, alertTime: '2024-01-15T09:30:00.000Z' })));

async function run(reply: (p: ReceivedPost) => Reply | undefined, recs: SpoolRecord[], over: Partial<DataCollectorSinkConfig> = {}, keys: { primary?: string; secondary?: string } = { primary: PRIMARY }) {
  sink = await startVerifyingSink({ workspaceId: WS, keys, reply });
  const retries: Array<{ reason: string; delayMs: number }> = [];
  const s = createDataCollectorSink(dataCollectorSinkConfig(sink.url, over), { onRetry: (r) => retries.push(r) });
  const outcomes: SinkOutcome[] = [];
  let error: unknown;
  try {
    await s.deliver(recs, (o) => void outcomes.push(o));
  } catch (err) {
    error = err;
  } finally {
    await s.close();
  }
  return { outcomes, retries, error, posts: sink.posts };
}

const delivered = (o: SinkOutcome[]) => o.filter((x) => x.kind === 'delivered').flatMap((x) => x.records.map((r) => r.seq));

describe('signing', () => {
  it('signs the UTF-8 byte length with exactly application/json and names the time-generated field', async () => {
    const { outcomes, posts } = await run(() => undefined, records(3));
    expect(delivered(outcomes)).toEqual([1, 2, 3]);
    expect(posts).toHaveLength(1);
    const p = posts[0]!;
    expect(p.signatureValid).toBe(true);
    expect(p.headers['content-type']).toBe('application/json');
    expect(Number(p.headers['content-length'])).toBe(p.bytes);
    expect(p.bytes).toBeGreaterThan(p.body.length); // non-ASCII: bytes ≠ characters
    expect(p.headers['log-type']).toBe('darktrace_model_alerts');
    expect(p.headers['time-generated-field']).toBe('alertTime');
    expect(p.headers['x-ms-date']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it('every attempt is signed afresh (each retry carries a valid signature)', async () => {
    const { outcomes, posts } = await run((p) => (p.n < 3 ? { status: 503 } : undefined), records(2));
    expect(delivered(outcomes)).toEqual([1, 2]);
    expect(posts.map((p) => p.signatureValid)).toEqual([true, true, true]);
  });
});

describe('batching by serialized bytes and record count', () => {
  it('splits so that no post exceeds maxBytes or maxRecords', async () => {
    const { outcomes, posts } = await run(() => undefined, records(50), { batch: { maxBytes: 1024, maxRecords: 7 } });
    expect(delivered(outcomes)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(posts.length).toBeGreaterThan(7);
    for (const p of posts) {
      expect(p.bytes).toBeLessThanOrEqual(1024);
      expect(p.records.length).toBeLessThanOrEqual(7);
    }
  });
});

describe('retries only on 408, 429, 5xx and network errors', () => {
  for (const status of [408, 429, 500, 503]) {
    it(`retries ${status} and delivers`, async () => {
      const { outcomes, retries, posts } = await run((p) => (p.n === 1 ? { status } : undefined), records(2));
      expect(delivered(outcomes)).toEqual([1, 2]);
      expect(posts).toHaveLength(2);
      expect(retries[0]!.reason).toMatch(new RegExp(`^${status}`));
    });
  }

  it('retries a dropped connection', async () => {
    const { outcomes, retries } = await run((p) => (p.n === 1 ? 'drop' : undefined), records(2));
    expect(delivered(outcomes)).toEqual([1, 2]);
    expect(retries[0]!.reason).toMatch(/^network error/);
  });

  it('honours Retry-After instead of its own backoff', async () => {
    const { retries } = await run((p) => (p.n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : undefined), records(1), {
      retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000, pauseMs: 10 },
    });
    expect(retries).toEqual([{ reason: '429', attempt: 1, delayMs: 0 }]);
  });

  it('is bounded per batch: after maxAttempts the records get no outcome (they stay spooled)', async () => {
    const { outcomes, error, posts } = await run(() => ({ status: 500, body: '{"Error":"UnspecifiedError","Message":"x"}' }), records(2), {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, pauseMs: 10 },
    });
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(outcomes).toEqual([]);
    expect(posts).toHaveLength(3);
  });
});

describe('permanent errors', () => {
  it('400 dead-letters the batch with the response, without retry', async () => {
    const body = JSON.stringify({ Error: 'InvalidDataFormat', Message: 'bad' });
    const { outcomes, posts } = await run(() => ({ status: 400, body }), records(2));
    expect(posts).toHaveLength(1);
    expect(outcomes).toHaveLength(1);
    const o = outcomes[0]!;
    expect(o.kind).toBe('dead-letter');
    if (o.kind === 'dead-letter') {
      expect(o.reason).toBe('400 InvalidDataFormat: bad');
      expect(o.response?.status).toBe(400);
      expect(o.response?.body).toBe(body);
      expect(o.records.map((r) => r.seq)).toEqual([1, 2]);
    }
  });

  it('403 without a secondary key parks the batch (configuration-like: the key), naming the keys to check', async () => {
    const { outcomes, posts } = await run(() => undefined, records(2), { sharedKey: SECONDARY }, { primary: PRIMARY });
    expect(posts).toHaveLength(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      kind: 'park',
      fault: { target: 'darktrace_model_alerts_CL', reason: expect.stringMatching(/^403 InvalidAuthorization/), configKey: 'sentinel.sharedKey and sentinel.workspaceId', response: { status: 403 } },
    });
    expect(outcomes[0]!.records.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('403 is retried once with the secondary key when configured', async () => {
    const { outcomes, posts } = await run(() => undefined, records(1), { sharedKey: PRIMARY, secondaryKey: SECONDARY }, { secondary: SECONDARY });
    expect(posts.map((p) => p.keyUsed)).toEqual([undefined, 'secondary']);
    expect(delivered(outcomes)).toEqual([1]);
  });

  it('403 with both keys refused parks after one retry with the other key', async () => {
    const { outcomes, posts } = await run(() => undefined, records(1), { sharedKey: PRIMARY, secondaryKey: SECONDARY }, { primary: 'AAAA' });
    expect(posts).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ kind: 'park', fault: { cause: expect.stringMatching(/with either key/), configKey: 'sentinel.sharedKey, sentinel.secondaryKey and sentinel.workspaceId' } });
  });

  it('400 InvalidLogType parks (no record can pass it): the table name is the config key to check', async () => {
    const body = JSON.stringify({ Error: 'InvalidLogType', Message: 'The log type contained special characters' });
    const { outcomes, posts } = await run(() => ({ status: 400, body }), records(3));
    expect(posts).toHaveLength(1);
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'park', fault: expect.objectContaining({ reason: '400 InvalidLogType: The log type contained special characters', configKey: 'sentinel.logType' }) })]);
  });

  it('404 for a single small record parks it and the rest of the delivery unsent (a wrong URL, not a size)', async () => {
    const { outcomes, posts } = await run(() => ({ status: 404 }), records(4), { batch: { maxBytes: 5 * 1024 * 1024, maxRecords: 2 } });
    // [1,2] 404 → split → [1] 404: parked; [2] and the second post's [3,4] are parked without being sent.
    expect(posts.map((p) => p.records.length)).toEqual([2, 1]);
    expect(outcomes.map((o) => [o.kind, o.records.map((r) => r.seq)])).toEqual([['park', [1]], ['park', [2]], ['park', [3, 4]]]);
    expect(outcomes[0]).toMatchObject({ fault: { configKey: 'sentinel.endpoint and sentinel.workspaceId' } });
  });
});

describe('404 for size splits the batch and resends', () => {
  it('halves until each post is accepted; every record delivered once, in order', async () => {
    const { outcomes, posts } = await run((p) => (p.records.length > 3 ? { status: 404 } : undefined), records(10));
    expect(delivered(outcomes)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const landed = posts.filter((p) => p.status === 200).flatMap((p) => p.records.map((r) => r.threatID));
    expect(landed).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
