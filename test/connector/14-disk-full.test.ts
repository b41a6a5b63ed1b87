// Regression (issue 14 item 1): on a full disk every delivery attempt first rewrote commit.json (a
// new file each time), which failed with ENOSPC, so nothing was posted, nothing committed and no
// segment deleted: the disk never freed. Pushes got 500 instead of 503 + Retry-After, /health said
// ok, and a batch that landed while the disk was full could not be committed, so a restart after
// kill -9 re-sent it as a "suspected duplicate".
//
// The disk is a size-limited tmpfs where this machine allows a mount (root, as CI runs), else an
// injected ENOSPC from the fake node:fs below; the test prints which.
import { EventEmitter, once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SpoolRecord } from '../../connector/spool/spool.ts';
import { fullDiskFs, injectedDisk, smallDisk, type SmallDisk } from './helpers/small-disk.ts';

const st = vi.hoisted(() => ({ full: false, fds: new Map<number, string>() }) as import('./helpers/small-disk.ts').InjectedDisk);
vi.mock('node:fs', async (importOriginal) => fullDiskFs(await importOriginal<typeof import('node:fs')>(), st));

const { readdirSync, readFileSync } = await import('node:fs');
const { createConnector } = await import('../../connector/index.ts');
const { startFakeDarktrace } = await import('./helpers/fake-darktrace.ts');
const { startVerifyingSink } = await import('./helpers/verifying-sink.ts');
const { DT_TOKENS, PRIMARY, WS, silentLogger, testConfig, waitForEvent } = await import('./helpers/connector-env.ts');
const { modelBreach } = await import('./helpers/fixtures.ts');
const { Spool } = await import('../../connector/spool/spool.ts');
const { delivererRig, fakeSink, spoolEntries } = await import('./helpers/deliverer-rig.ts');
const { pushRig } = await import('./helpers/push-rig.ts');
const { waitForDelivered } = await import('./helpers/connector-env.ts');

let disk: SmallDisk;
let n = 0;
/** A fresh directory on the small disk per test. */
const stateDir = () => join(disk.dir, `t${++n}`);

beforeAll(async () => {
  void injectedDisk; // the hoisted `st` has the same shape
  disk = await smallDisk(st);
  console.log(`disk-full tests run on: ${disk.kind}`);
});
afterAll(async () => {
  await disk.close();
});

/** Resolves with 'idle' once the spool drained, or with the first error the deliverer logged. */
function idleOrError(events: EventEmitter): Promise<'idle' | { msg: string }> {
  return Promise.race([once(events, 'idle').then(() => 'idle' as const), once(events, 'error-logged').then(([e]) => e as { msg: string })]);
}

const pb = (threatID: number, pad = 0) => ({
  dtProduct: 'Policy Breach', breachTime: '2024-01-15 09:30:00', modelName: 'Anomalous Connection::Data Sent to Rare Domain',
  score: 50, hostname: 'host-a', threatID, ...(pad ? { details: 'x'.repeat(pad) } : {}),
});

describe('disk full', () => {
  it('delivery keeps working: batches are committed in place and delivered segments deleted, which frees the disk', async () => {
    const delivered: number[] = [];
    const rig = delivererRig(fakeSink(async (records, settle) => {
      delivered.push(...records.map((r) => r.seq));
      await settle({ kind: 'delivered', records });
    }), { state: stateDir(), segmentBytes: 2048, maxBatchRecords: 5, pauseMs: 20 });
    for (let i = 0; i < 10; i++) await rig.spool.append(spoolEntries(i * 10 + 1, 10));
    const segmentsBefore = readdirSync(rig.spool.dir).filter((f) => f.startsWith('seg-')).length;
    expect(segmentsBefore).toBeGreaterThan(3);
    await disk.fill();
    try {
      const outcome = idleOrError(rig.events);
      rig.deliverer.start();
      expect(await outcome).toBe('idle');
      expect(rig.errors).toEqual([]);
      expect(delivered).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(rig.lost()).toEqual([]);
      expect(rig.spool.pending).toBe(0);
      expect(readdirSync(rig.spool.dir).filter((f) => f.startsWith('seg-')).length).toBe(1);
    } finally {
      await disk.release();
      await rig.deliverer.stop();
      rig.spool.close();
    }
  });

  it('a batch that lands while the disk is full is committed: a restart after kill -9 reports no suspected duplicates', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent = new EventEmitter();
    const rig = delivererRig(fakeSink(async (records: SpoolRecord[], settle) => {
      sent.emit('post');
      await gate;
      await settle({ kind: 'delivered', records });
    }), { state: stateDir(), maxBatchRecords: 10 });
    await rig.spool.append(spoolEntries(1, 10));
    const posted = once(sent, 'post');
    const outcome = idleOrError(rig.events);
    rig.deliverer.start();
    await posted;
    await disk.fill(); // the disk fills while the post is in flight
    try {
      release();
      expect(await outcome).toBe('idle');
      // kill -9: the running deliverer and spool are abandoned; a new process opens the same directory.
      const restarted = Spool.open(rig.spool.dir, { maxBytes: 1 << 26, segmentBytes: 1 << 20 });
      expect(restarted.recovery.suspectedDuplicates).toBeUndefined();
      expect(restarted.pending).toBe(0);
      restarted.close();
    } finally {
      await disk.release();
      await rig.deliverer.stop();
      rig.spool.close();
    }
  });

  it('the receiver answers 503 + Retry-After while the disk is full, /health is degraded with the free bytes, and everything lands once space returns', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = await pushRig({ state: stateDir(), hold: () => gate });
    try {
      expect((await r.post([pb(1), pb(2), pb(3)])).status).toBe(200); // spooled; its post is held
      await disk.fill();
      const refused = await r.post([pb(4, 16_384)]);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.body.error).toMatch(/disk full/);
      // A body that is not JSON cannot be dead-lettered now: refused the same way, not a 500.
      const bad = await fetch(`${r.url}/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer dtlab-push-token' }, body: '{not json' + ' '.repeat(16_384) });
      expect(bad.status).toBe(503);
      const health = (await (await fetch(`${r.url}/health`)).json()) as { status: string; reasons: string[]; disk: { full: boolean; freeBytes: number } };
      expect(health.status).toBe('degraded');
      expect(health.reasons.join()).toMatch(/^disk full \(\d+ bytes free\)/);
      expect(health.disk.full).toBe(true);
      expect(health.disk.freeBytes).toBeLessThan(16_384);
      // Delivery goes on while the disk is full: the held batch lands and leaves the spool.
      const landedHeld = waitForDelivered(r.c.events, 3);
      release();
      await landedHeld;
      expect(await r.c.waitIdle(30_000)).toBe(true);
      await disk.release();
      expect(((await (await fetch(`${r.url}/health`)).json()) as { status: string }).status).toBe('ok');
      const landedRetry = waitForDelivered(r.c.events, 1);
      expect((await r.post([pb(4, 16_384)])).status).toBe(200); // the sender's retry
      await landedRetry;
      expect(r.landed().map((x) => x.threatID)).toEqual([1, 2, 3, 4]);
    } finally {
      release();
      await disk.release();
      await r.close();
    }
  });

  it('the poller does not advance its checkpoint while the disk is full; the alert comes with the next poll once space returns', async () => {
    const dt = await startFakeDarktrace(DT_TOKENS);
    const sink = await startVerifyingSink({ workspaceId: WS, keys: { primary: PRIMARY } });
    const state = stateDir();
    const c = createConnector(testConfig({
      darktraceUrl: dt.url, sentinelUrl: sink.url, state,
      extra: { poll: { sources: { aiAnalyst: false, email: false }, backoffMax: '1h' } },
    }), { logger: silentLogger() });
    const checkpointFile = join(state, 'checkpoints', 'modelbreaches.json');
    try {
      // The first run reads its ten-year lookback a year at a time: wait until it has caught up.
      const firstPoll = waitForEvent<{ endMs: number }>(c.events, 'checkpoint', (e) => e.endMs >= Date.now() - 60_000);
      await c.start();
      await firstPoll; // empty windows, checkpointed
      const before = readFileSync(checkpointFile, 'utf8');
      await disk.fill();
      dt.breaches.push(modelBreach({ pbid: 501, time: Date.now() - 1000, creationTime: Date.now() - 1000 }));
      const failed = waitForEvent<{ kind: string }>(c.events, 'source-error');
      c.pollNow();
      expect((await failed).kind).toBe('disk-full');
      expect(readFileSync(checkpointFile, 'utf8')).toBe(before);
      await disk.release();
      const landed = waitForDelivered(c.events, 1);
      c.pollNow();
      await landed;
      expect(sink.accepted().flatMap((p) => p.records).map((r) => r.threatID)).toEqual([501]);
      expect(readFileSync(checkpointFile, 'utf8')).not.toBe(before);
    } finally {
      await disk.release();
      await c.close();
      await dt.close();
      await sink.close();
    }
  });
});
